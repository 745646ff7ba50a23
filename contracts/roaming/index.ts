/**
 * Roaming between carriers (seed 001, use cases 1A and 1B): docs/use-cases/roaming.md.
 *
 * (a) Authentication. The visited carrier (VPMN) posts the subscriber's IMSI encrypted for the
 * home carrier (HPMN); the HPMN answers with the entitled services encrypted for the VPMN
 * (granted or denied); the VPMN confirms activation. Each step only the right party may make.
 *
 * (b) Reconciliation and settlement. Each pair of carriers agrees a tariff (proposed by one,
 * accepted by the other). The VPMN posts usage records in batches: the records travel in
 * transient data (`records`, a JSON array) into the private collection of the two carriers,
 * `roaming-<A>-<B>`; the public state holds the batch's Merkle root, count and totals. The
 * contract checks the count and totals against the records, computes the fee from the tariff
 * (contracts/roaming/fees.ts) and issues an invoice. The HPMN confirms it, or disputes records
 * with Merkle proofs; the disputed records travel in transient data too. Settling a period nets
 * the payable amounts of all carriers (Σ nets = 0) and carries disputed amounts forward.
 *
 * Contracts cannot hash, so the contract checks a Merkle path's shape (length and sides for the
 * record's index) and that a disputed record is byte for byte the one posted (the private data
 * hashes of both copies); the SDK (src/gateway/roaming) verifies the path against the root.
 *
 * Public state:
 *   auth:<requestId>              → AuthRequest
 *   proposal:<A>:<B>              → TariffProposal (pending, names sorted)
 *   tariff:<A>:<B>                → Tariff (agreed)
 *   invoice:<batchId>             → Invoice (batch metadata, fee, status, disputes)
 *   period:<YYYY-MM>:<batchId>    → { batchId } (index of a period's invoices)
 *   settlement:<YYYY-MM>          → Settlement
 * Private, collection roaming-<A>-<B>:
 *   record:<batchId>:<index>      → UsageRecord
 *   dispute:<batchId>:<index>     → UsageRecord (the HPMN's disputed copy)
 */
import { z } from 'zod';
import { type Context, ContractError, defineContract } from '../../src/contract/index.js';
import { computeCharges, netSettlement, type Totals } from './fees.js';
import {
  type AuthRequest,
  base64,
  batchId,
  type Dispute,
  disputeSchema,
  expectedPathSides,
  hex64,
  type Invoice,
  MAX_BATCH_RECORDS,
  MAX_DISPUTES,
  orgName,
  pairCollection,
  period,
  REGULATOR,
  ratesSchema,
  requestId,
  type Tariff,
  type TariffProposal,
  totalsSchema,
  type UsageRecord,
  usageRecordsSchema,
} from './schemas.js';

export { BYTES_PER_MB, computeCharges, mulDivRoundHalfUp, netSettlement } from './fees.js';
export { expectedPathSides, pairCollection, REGULATOR } from './schemas.js';

const pair = (x: string, y: string) => (x < y ? `${x}:${y}` : `${y}:${x}`);
const authKey = (id: string) => `auth:${id}`;
const invoiceKey = (id: string) => `invoice:${id}`;

function requireCarrier(ctx: Context, code: string, role: string): string {
  const me = ctx.caller.mspId;
  if (me === REGULATOR) {
    throw new ContractError(code, `${REGULATOR} is not a carrier and cannot act as the ${role}`, {
      caller: me,
    });
  }
  return me;
}

async function loadAuth(ctx: Context, id: string): Promise<AuthRequest> {
  const req = await ctx.state.get<AuthRequest>(authKey(id));
  if (!req)
    throw new ContractError('UNKNOWN_REQUEST', `there is no authorisation request ${id}`, { requestId: id });
  return req;
}

async function loadInvoice(ctx: Context, id: string): Promise<Invoice> {
  const inv = await ctx.state.get<Invoice>(invoiceKey(id));
  if (!inv) throw new ContractError('UNKNOWN_BATCH', `there is no usage batch ${id}`, { batchId: id });
  return inv;
}

/** Parses JSON records from transient `records`; RECORDS_REQUIRED / INVALID_RECORDS. */
function transientRecords(ctx: Context): UsageRecord[] {
  const bytes = ctx.transient.get('records');
  if (bytes === undefined || bytes.byteLength === 0) {
    throw new ContractError(
      'RECORDS_REQUIRED',
      "pass the usage records as a JSON array in the transient data under 'records' (never in the arguments, which go on chain)",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ContractError('INVALID_RECORDS', "the transient 'records' are not UTF-8 JSON");
  }
  const parsed = usageRecordsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ContractError(
      'INVALID_RECORDS',
      `the transient 'records' are not valid usage records at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'bad value'}`,
    );
  }
  return parsed.data;
}

function sumVolumes(records: readonly UsageRecord[]): Totals {
  const t = { voiceSeconds: 0, smsCount: 0, dataBytes: 0 };
  for (const r of records) {
    if (r.service === 'voice') t.voiceSeconds += r.volume;
    else if (r.service === 'sms') t.smsCount += r.volume;
    else t.dataBytes += r.volume;
  }
  return t;
}

const recordTotals = (r: UsageRecord): Totals => sumVolumes([r]);

/** The pair's private collection; NO_PAIR_COLLECTION when the contract definition lacks it. */
function collectionOf(ctx: Context, a: string, b: string) {
  const name = pairCollection(a, b);
  try {
    return ctx.private(name);
  } catch (err) {
    if ((err as { code?: string }).code === 'UNKNOWN_COLLECTION') {
      throw new ContractError(
        'NO_PAIR_COLLECTION',
        `the roaming contract has no private collection ${name} for ${a} and ${b}; the consortium adds it with a contract definition update`,
        { collection: name },
      );
    }
    throw err;
  }
}

export default defineContract({
  name: 'roaming',
  version: '1.0',
  description:
    'Roaming authentication, usage reconciliation with Merkle proofs, and net settlement between carriers.',
  transactions: {
    requestAuthorisation: {
      description: 'VPMN: asks the HPMN to authorise a subscriber; the IMSI is encrypted for the HPMN.',
      args: z.object({ requestId: requestId.optional(), hpmn: orgName, encryptedImsi: base64 }),
      argumentCodes: { encryptedImsi: 'INVALID_CIPHERTEXT', hpmn: 'INVALID_ORG' },
      async run(ctx, a) {
        const vpmn = requireCarrier(ctx, 'NOT_VPMN', 'visited network');
        if (a.hpmn === vpmn) {
          throw new ContractError(
            'NOT_VPMN',
            `${vpmn} is the subscriber's home network; only a visited network asks`,
          );
        }
        if (a.hpmn === REGULATOR) throw new ContractError('NOT_A_CARRIER', `${REGULATOR} is not a carrier`);
        const id = a.requestId ?? `ra-${ctx.txId.slice(0, 16)}`;
        if (await ctx.state.get(authKey(id))) {
          throw new ContractError('REQUEST_EXISTS', `authorisation request ${id} already exists`, {
            requestId: id,
          });
        }
        const req: AuthRequest = {
          requestId: id,
          vpmn,
          hpmn: a.hpmn,
          encryptedImsi: a.encryptedImsi,
          encryptedServices: null,
          status: 'requested',
          requestedAt: ctx.timestamp.toISOString(),
          answeredAt: null,
          activatedAt: null,
        };
        await ctx.state.put(authKey(id), req);
        ctx.emit('AuthorisationRequested', { requestId: id, vpmn, hpmn: a.hpmn });
        return { requestId: id };
      },
    },
    answerAuthorisation: {
      description: 'HPMN: grants or denies, with the entitled services encrypted for the VPMN.',
      args: z.object({ requestId, encryptedServices: base64, decision: z.enum(['granted', 'denied']) }),
      argumentCodes: { encryptedServices: 'INVALID_CIPHERTEXT', decision: 'INVALID_DECISION' },
      async run(ctx, a) {
        const req = await loadAuth(ctx, a.requestId);
        if (ctx.caller.mspId !== req.hpmn) {
          throw new ContractError(
            'NOT_HPMN',
            `only the home network ${req.hpmn} may answer request ${req.requestId}`,
          );
        }
        if (req.status !== 'requested') {
          throw new ContractError('WRONG_STATE', `request ${req.requestId} is already ${req.status}`, {
            status: req.status,
          });
        }
        const next: AuthRequest = {
          ...req,
          status: a.decision,
          encryptedServices: a.encryptedServices,
          answeredAt: ctx.timestamp.toISOString(),
        };
        await ctx.state.put(authKey(req.requestId), next);
        ctx.emit('AuthorisationAnswered', { requestId: req.requestId, decision: a.decision });
        return { requestId: req.requestId, status: a.decision };
      },
    },
    confirmActivation: {
      description: 'VPMN: confirms it activated the granted services.',
      args: z.object({ requestId }),
      async run(ctx, a) {
        const req = await loadAuth(ctx, a.requestId);
        if (ctx.caller.mspId !== req.vpmn) {
          throw new ContractError(
            'NOT_VPMN',
            `only the visited network ${req.vpmn} may confirm request ${req.requestId}`,
          );
        }
        if (req.status !== 'granted') {
          throw new ContractError('WRONG_STATE', `request ${req.requestId} is ${req.status}, not granted`, {
            status: req.status,
          });
        }
        await ctx.state.put(authKey(req.requestId), {
          ...req,
          status: 'activated',
          activatedAt: ctx.timestamp.toISOString(),
        } satisfies AuthRequest);
        ctx.emit('ActivationConfirmed', { requestId: req.requestId });
        return { requestId: req.requestId, status: 'activated' };
      },
    },
    setTariff: {
      description:
        'Proposes a tariff to a partner carrier (replacing a pending proposal); the partner accepts it.',
      args: z.object({ partner: orgName }).extend(ratesSchema.shape),
      argumentCodes: { partner: 'INVALID_ORG' },
      async run(ctx, a) {
        const me = requireCarrier(ctx, 'NOT_A_CARRIER', 'tariff party');
        if (a.partner === me || a.partner === REGULATOR) {
          throw new ContractError(
            'INVALID_PARTNER',
            `a tariff is agreed between two different carriers, not with ${a.partner}`,
          );
        }
        const proposal: TariffProposal = {
          proposalId: ctx.txId,
          proposer: me,
          partner: a.partner,
          rates: {
            voiceCentsPerMinute: a.voiceCentsPerMinute,
            smsCentsPerMessage: a.smsCentsPerMessage,
            dataCentsPerMB: a.dataCentsPerMB,
          },
          proposedAt: ctx.timestamp.toISOString(),
        };
        await ctx.state.put(`proposal:${pair(me, a.partner)}`, proposal);
        ctx.emit('TariffProposed', { proposalId: proposal.proposalId, proposer: me, partner: a.partner });
        return { proposalId: proposal.proposalId };
      },
    },
    acceptTariff: {
      description: "The partner accepts the pending proposal (by its id); it becomes the pair's tariff.",
      args: z.object({ partner: orgName, proposalId: z.string().min(1).max(128) }),
      async run(ctx, a) {
        const me = requireCarrier(ctx, 'NOT_A_CARRIER', 'tariff party');
        const key = `proposal:${pair(me, a.partner)}`;
        const p = await ctx.state.get<TariffProposal>(key);
        if (!p)
          throw new ContractError(
            'NO_TARIFF_PROPOSAL',
            `${a.partner} has no pending tariff proposal to ${me}`,
          );
        if (p.proposer === me) {
          throw new ContractError(
            'OWN_PROPOSAL',
            `${me} proposed this tariff; only ${p.partner} may accept it`,
          );
        }
        if (p.proposalId !== a.proposalId) {
          throw new ContractError(
            'PROPOSAL_CHANGED',
            `the pending proposal is ${p.proposalId}, not ${a.proposalId}; read it again`,
          );
        }
        const [x, y] = me < a.partner ? [me, a.partner] : [a.partner, me];
        const tariff: Tariff = {
          parties: [x, y],
          rates: p.rates,
          proposalId: p.proposalId,
          proposedBy: p.proposer,
          acceptedBy: me,
          agreedAt: ctx.timestamp.toISOString(),
        };
        await ctx.state.put(`tariff:${pair(x, y)}`, tariff);
        await ctx.state.delete(key);
        ctx.emit('TariffAgreed', { parties: tariff.parties, proposalId: p.proposalId });
        return tariff;
      },
    },
    postUsageBatch: {
      description:
        "VPMN: posts a batch of usage records (transient 'records') for the HPMN's subscribers; issues the invoice.",
      args: z.object({
        batchId,
        hpmn: orgName,
        period,
        merkleRoot: hex64,
        recordCount: z.number().int().min(1).max(MAX_BATCH_RECORDS),
        totals: totalsSchema,
      }),
      argumentCodes: { period: 'INVALID_PERIOD', merkleRoot: 'INVALID_MERKLE_ROOT', hpmn: 'INVALID_ORG' },
      async run(ctx, a) {
        const vpmn = requireCarrier(ctx, 'NOT_VPMN', 'visited network');
        if (a.hpmn === vpmn || a.hpmn === REGULATOR) {
          throw new ContractError('NOT_VPMN', `${vpmn} cannot bill ${a.hpmn} for roaming`);
        }
        if (await ctx.state.get(invoiceKey(a.batchId))) {
          throw new ContractError('BATCH_EXISTS', `usage batch ${a.batchId} already exists`, {
            batchId: a.batchId,
          });
        }
        if (await ctx.state.get(`settlement:${a.period}`)) {
          throw new ContractError(
            'PERIOD_SETTLED',
            `period ${a.period} is already settled; post into a later period`,
          );
        }
        const tariff = await ctx.state.get<Tariff>(`tariff:${pair(vpmn, a.hpmn)}`);
        if (!tariff) throw new ContractError('NO_TARIFF', `${vpmn} and ${a.hpmn} have agreed no tariff`);
        const records = transientRecords(ctx);
        if (records.length !== a.recordCount) {
          throw new ContractError(
            'RECORD_COUNT_MISMATCH',
            `recordCount is ${a.recordCount} but ${records.length} records were sent`,
          );
        }
        const sum = sumVolumes(records);
        if (
          sum.voiceSeconds !== a.totals.voiceSeconds ||
          sum.smsCount !== a.totals.smsCount ||
          sum.dataBytes !== a.totals.dataBytes
        ) {
          throw new ContractError('TOTALS_MISMATCH', 'the totals do not add up to the records sent', {
            declared: a.totals,
            records: sum,
          });
        }
        const charges = computeCharges(a.totals, tariff.rates);
        if (!charges)
          throw new ContractError(
            'AMOUNT_TOO_LARGE',
            'the fee of this batch exceeds the largest safe amount',
          );
        const pvt = collectionOf(ctx, vpmn, a.hpmn);
        for (const [i, r] of records.entries()) await pvt.put(`record:${a.batchId}:${i}`, r);
        const invoice: Invoice = {
          batchId: a.batchId,
          period: a.period,
          vpmn,
          hpmn: a.hpmn,
          merkleRoot: a.merkleRoot,
          recordCount: a.recordCount,
          totals: a.totals,
          rates: tariff.rates,
          ...charges,
          status: 'issued',
          disputes: [],
          disputedCents: 0,
          issuedAt: ctx.timestamp.toISOString(),
          decidedAt: null,
          settledIn: null,
        };
        await ctx.state.put(invoiceKey(a.batchId), invoice);
        await ctx.state.put(`period:${a.period}:${a.batchId}`, { batchId: a.batchId });
        ctx.emit('InvoiceIssued', { batchId: a.batchId, vpmn, hpmn: a.hpmn, totalCents: charges.totalCents });
        return invoice;
      },
    },
    confirmInvoice: {
      description: 'HPMN: accepts an issued invoice in full.',
      args: z.object({ batchId }),
      async run(ctx, a) {
        const inv = await loadInvoice(ctx, a.batchId);
        if (ctx.caller.mspId !== inv.hpmn) {
          throw new ContractError(
            'NOT_HPMN',
            `only the home network ${inv.hpmn} may confirm invoice ${inv.batchId}`,
          );
        }
        if (inv.status !== 'issued') {
          throw new ContractError('WRONG_STATE', `invoice ${inv.batchId} is already ${inv.status}`, {
            status: inv.status,
          });
        }
        const next: Invoice = { ...inv, status: 'confirmed', decidedAt: ctx.timestamp.toISOString() };
        await ctx.state.put(invoiceKey(inv.batchId), next);
        ctx.emit('InvoiceConfirmed', { batchId: inv.batchId });
        return next;
      },
    },
    disputeRecords: {
      description:
        "HPMN: disputes records of an issued invoice, each with its Merkle path; the records themselves go in transient 'records', in the same order.",
      args: z.object({ batchId, disputes: z.array(disputeSchema).min(1).max(MAX_DISPUTES) }),
      async run(ctx, a) {
        const inv = await loadInvoice(ctx, a.batchId);
        if (ctx.caller.mspId !== inv.hpmn) {
          throw new ContractError(
            'NOT_HPMN',
            `only the home network ${inv.hpmn} may dispute invoice ${inv.batchId}`,
          );
        }
        if (inv.status !== 'issued') {
          throw new ContractError('WRONG_STATE', `invoice ${inv.batchId} is already ${inv.status}`, {
            status: inv.status,
          });
        }
        const records = transientRecords(ctx);
        if (records.length !== a.disputes.length) {
          throw new ContractError(
            'RECORD_COUNT_MISMATCH',
            `${a.disputes.length} disputes need ${a.disputes.length} records in transient 'records', not ${records.length}`,
          );
        }
        const pvt = collectionOf(ctx, inv.vpmn, inv.hpmn);
        const seen = new Set<number>();
        const disputes: Dispute[] = [];
        let sum = 0;
        for (const [k, d] of a.disputes.entries()) {
          if (d.index >= inv.recordCount) {
            throw new ContractError(
              'UNKNOWN_RECORD',
              `batch ${inv.batchId} has ${inv.recordCount} records; there is no record ${d.index}`,
            );
          }
          if (seen.has(d.index))
            throw new ContractError('DUPLICATE_DISPUTE', `record ${d.index} is disputed twice`);
          seen.add(d.index);
          const sides = expectedPathSides(d.index, inv.recordCount);
          if (d.path.length !== sides.length || d.path.some((s, i) => s.left !== sides[i])) {
            throw new ContractError(
              'MALFORMED_MERKLE_PATH',
              `the path of record ${d.index} does not have the shape of a path to leaf ${d.index} of ${inv.recordCount}; build it with merklePath`,
              { index: d.index },
            );
          }
          const record = records[k]!;
          const copyKey = `dispute:${inv.batchId}:${d.index}`;
          await pvt.put(copyKey, record);
          const posted = await pvt.getHash(`record:${inv.batchId}:${d.index}`);
          if (posted === undefined || posted !== (await pvt.getHash(copyKey))) {
            throw new ContractError(
              'RECORD_MISMATCH',
              `the disputed record ${d.index} is not the record ${inv.vpmn} posted in batch ${inv.batchId}`,
              { index: d.index },
            );
          }
          const charge = computeCharges(recordTotals(record), inv.rates)!;
          sum += charge.totalCents;
          disputes.push({
            index: d.index,
            recordId: record.recordId,
            leafHash: d.leafHash,
            path: d.path,
            reason: d.reason,
            amountCents: charge.totalCents,
          });
        }
        const next: Invoice = {
          ...inv,
          status: 'disputed',
          disputes,
          disputedCents: Math.min(sum, inv.totalCents),
          decidedAt: ctx.timestamp.toISOString(),
        };
        await ctx.state.put(invoiceKey(inv.batchId), next);
        ctx.emit('RecordsDisputed', {
          batchId: inv.batchId,
          count: disputes.length,
          disputedCents: next.disputedCents,
        });
        return next;
      },
    },
    settlePeriod: {
      description:
        "Nets a period's confirmed and disputed invoices across all carriers; disputed amounts carry forward.",
      args: z.object({ period }),
      argumentCodes: { period: 'INVALID_PERIOD' },
      async run(ctx, a) {
        if (await ctx.state.get(`settlement:${a.period}`)) {
          throw new ContractError('PERIOD_SETTLED', `period ${a.period} is already settled`);
        }
        const invoices: Invoice[] = [];
        for await (const { value } of ctx.state.range<{ batchId: string }>(
          `period:${a.period}:`,
          `period:${a.period};`,
        )) {
          invoices.push(await loadInvoice(ctx, value.batchId));
        }
        if (invoices.length === 0)
          throw new ContractError('NOTHING_TO_SETTLE', `period ${a.period} has no invoices`);
        const pending = invoices.filter((i) => i.status === 'issued').map((i) => i.batchId);
        if (pending.length > 0) {
          throw new ContractError(
            'INVOICES_PENDING',
            `the home networks have not yet confirmed or disputed: ${pending.join(', ')}`,
            {
              batchIds: pending,
            },
          );
        }
        const net = netSettlement(
          invoices.map((i) => ({
            batchId: i.batchId,
            debtor: i.hpmn,
            creditor: i.vpmn,
            payableCents: i.totalCents - i.disputedCents,
            carriedCents: i.disputedCents,
          })),
        );
        const settlement = {
          period: a.period,
          invoices: invoices.map((i) => i.batchId),
          ...net,
          settledAt: ctx.timestamp.toISOString(),
          settledBy: ctx.caller.mspId,
        };
        for (const i of invoices)
          await ctx.state.put(invoiceKey(i.batchId), { ...i, settledIn: a.period } satisfies Invoice);
        await ctx.state.put(`settlement:${a.period}`, settlement);
        ctx.emit('PeriodSettled', {
          period: a.period,
          totalPayableCents: net.totalPayableCents,
          totalCarriedCents: net.totalCarriedCents,
        });
        return settlement;
      },
    },
  },
  queries: {
    getAuthorisation: { args: z.object({ requestId }), run: (ctx, a) => loadAuth(ctx, a.requestId) },
    getTariff: {
      args: z.object({ a: orgName, b: orgName }),
      async run(ctx, a) {
        const t = await ctx.state.get<Tariff>(`tariff:${pair(a.a, a.b)}`);
        const proposal = (await ctx.state.get<TariffProposal>(`proposal:${pair(a.a, a.b)}`)) ?? null;
        if (!t && !proposal) throw new ContractError('NO_TARIFF', `${a.a} and ${a.b} have agreed no tariff`);
        return { agreed: t ?? null, proposal };
      },
    },
    getInvoice: { args: z.object({ batchId }), run: (ctx, a) => loadInvoice(ctx, a.batchId) },
    listInvoices: {
      args: z.object({ period }),
      async run(ctx, a) {
        const out: Invoice[] = [];
        for await (const { value } of ctx.state.range<{ batchId: string }>(
          `period:${a.period}:`,
          `period:${a.period};`,
        )) {
          out.push(await loadInvoice(ctx, value.batchId));
        }
        return out;
      },
    },
    getSettlement: {
      args: z.object({ period }),
      async run(ctx, a) {
        const s = await ctx.state.get(`settlement:${a.period}`);
        if (!s) throw new ContractError('NOT_SETTLED', `period ${a.period} is not settled`);
        return s;
      },
    },
    getUsageRecords: {
      description:
        'The records of a batch, from the private collection (clients of the two carriers, on their peers).',
      args: z.object({ batchId }),
      async run(ctx, a) {
        const inv = await loadInvoice(ctx, a.batchId);
        const pvt = collectionOf(ctx, inv.vpmn, inv.hpmn);
        const records: UsageRecord[] = [];
        for (let i = 0; i < inv.recordCount; i++) {
          const r = await pvt.get<UsageRecord>(`record:${inv.batchId}:${i}`);
          if (r === undefined)
            throw new ContractError('RECORDS_UNAVAILABLE', `record ${i} of batch ${inv.batchId} is missing`);
          records.push(r);
        }
        return { batchId: inv.batchId, merkleRoot: inv.merkleRoot, records };
      },
    },
  },
});
