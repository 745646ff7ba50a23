import { randomBytes } from 'node:crypto';
import { canonicalJson, utf8 } from '../../common/index.js';
import {
  assertRecordInBatch,
  buildDisputes,
  buildUsageBatch,
  type Contract,
  decryptJson,
  encryptImsi,
  encryptServices,
  hashImsi,
  RoamingErrorCodes,
  type RoamingServices,
  recordProof,
  type UsageRecord,
  verifyRecordProof,
  verifyUsageBatch,
} from '../../gateway/index.js';
import {
  check,
  type DemoContext,
  type DemoOptions,
  type DemoResult,
  type DemoScriptStep,
  errorCode,
  runDemo,
} from './demoRunner.js';

const CHANNEL = 'telecom';
const CONTRACT = 'roaming';
type Org = 'TelcoA' | 'TelcoB' | 'TelcoC' | 'Regulator';

interface Invoice {
  batchId: string;
  vpmn: string;
  hpmn: string;
  merkleRoot: string;
  voiceCents: number;
  smsCents: number;
  dataCents: number;
  totalCents: number;
  status: string;
  disputedCents: number;
  disputes: { index: number; recordId: string; leafHash: string; path: unknown; amountCents: number }[];
}
interface Settlement {
  positions: { carrier: string; receivableCents: number; payableCents: number; netCents: number }[];
  pairs: { a: string; b: string; from: string; to: string; amountCents: number }[];
  totalPayableCents: number;
  totalCarriedCents: number;
  sumOfNetsCents: number;
}

/** The tariffs of the story, in euro cents: per minute of voice, per SMS, per MB of data. */
const TARIFF_AB = { voiceCentsPerMinute: 9, smsCentsPerMessage: 4, dataCentsPerMB: 120 };
const TARIFF_AC = { voiceCentsPerMinute: 6, smsCentsPerMessage: 2, dataCentsPerMB: 80 };
const TARIFF_BC = { voiceCentsPerMinute: 7, smsCentsPerMessage: 3, dataCentsPerMB: 100 };

const euros = (cents: number) => `${cents < 0 ? '−' : ''}€${(Math.abs(cents) / 100).toFixed(2)}`;

/**
 * `consortia demo roaming`: use cases 1A and 1B on an embedded network. TelcoA, TelcoB and TelcoC
 * agree tariffs; TelcoA (visited) authenticates a TelcoB (home) subscriber with the IMSI and the
 * granted services encrypted on the ledger; TelcoA posts a usage batch (records in the pair's
 * private collection, the Merkle root on chain) and the contract issues the invoice; TelcoB
 * verifies the records, catches a tampered one, and disputes one record with a Merkle proof; two
 * more invoices are confirmed and the period is settled net across the three carriers (Σ = 0).
 *
 * @example
 * const r = await runRoamingDemo({ out: (line) => process.stdout.write(`${line}\n`) });
 * if (r.failed > 0) process.exitCode = 1;
 */
export function runRoamingDemo(opts: Readonly<DemoOptions>): Promise<DemoResult> {
  return runDemo(
    { name: 'roaming', title: 'Roaming authentication and settlement', steps: buildSteps },
    opts,
  );
}

function buildSteps(ctx: DemoContext): DemoScriptStep[] {
  const roaming = (org: Org): Contract => ctx.client(`${org}.admin`).network(CHANNEL).contract(CONTRACT);
  const id = (org: Org) => ctx.network.identity(`${org}.admin`);
  // Each org's encryption key is its admin's certificate here; in production an org publishes one.
  const cert = (org: Org) => id(org).certPem;
  const submit = <T>(
    org: Org,
    fn: string,
    args: Record<string, unknown>,
    transient?: Map<string, Uint8Array>,
  ) => roaming(org).submit<T>(fn, { arguments: args, ...(transient ? { transient } : {}) });
  const evaluate = <T>(org: Org, fn: string, args: Record<string, unknown>) =>
    roaming(org).evaluate<T>(fn, { arguments: args });

  const run = randomBytes(4).toString('hex');
  const imsi = '262029876543210';
  const pairSecret = `ab-secret-${run}`;
  const imsiHash = hashImsi(imsi, pairSecret);
  let period = '';
  let requestId = '';
  const rec = (i: number, service: UsageRecord['service'], volume: number, day = 3): UsageRecord => ({
    recordId: `cdr-${run}-${i}`,
    service,
    imsiHash,
    startedAt: `2025-01-${String(day).padStart(2, '0')}T1${i % 10}:00:00.000Z`,
    volume,
  });
  // TelcoB's subscriber roaming on TelcoA: 815 s voice, 2 SMS, 3 250 001 bytes.
  const abRecords = [
    rec(0, 'voice', 754),
    rec(1, 'sms', 1),
    rec(2, 'sms', 1),
    rec(3, 'data', 2_500_000),
    rec(4, 'voice', 61),
    rec(5, 'data', 750_001),
  ];
  const batch = { ab: `ab-${run}`, ba: `ba-${run}`, ca: `ca-${run}` };
  let invoiceAB: Invoice | undefined;

  return [
    {
      title: 'The carriers agree tariffs pairwise: one proposes, the other accepts',
      async run(log) {
        for (const [x, y, rates] of [
          ['TelcoA', 'TelcoB', TARIFF_AB],
          ['TelcoA', 'TelcoC', TARIFF_AC],
          ['TelcoB', 'TelcoC', TARIFF_BC],
        ] as const) {
          const p = await submit<{ proposalId: string }>(x, 'setTariff', { partner: y, ...rates });
          const own = await errorCode(() =>
            submit(x, 'acceptTariff', { partner: y, proposalId: p.result.proposalId }),
          );
          check(
            own === 'OWN_PROPOSAL',
            `${x} accepting its own proposal should fail with OWN_PROPOSAL, got ${own}`,
          );
          await submit(y, 'acceptTariff', { partner: x, proposalId: p.result.proposalId });
          const t = await evaluate<{ agreed: { rates: typeof rates } }>('Regulator', 'getTariff', {
            a: x,
            b: y,
          });
          check(
            canonicalJson(t.agreed.rates) === canonicalJson(rates),
            `the ${x}–${y} tariff is not the one proposed`,
          );
          log(
            `${x}–${y}: voice ${rates.voiceCentsPerMinute} c/min, SMS ${rates.smsCentsPerMessage} c, data ${rates.dataCentsPerMB} c/MB (proposed by ${x}, accepted by ${y})`,
          );
        }
        for (let m = 1; m <= 12 * 50 && period === ''; m++) {
          const p = `${2025 + Math.floor((m - 1) / 12)}-${String(((m - 1) % 12) + 1).padStart(2, '0')}`;
          const settled = await errorCode(() => evaluate('Regulator', 'getSettlement', { period: p }));
          const invoices = await evaluate<unknown[]>('Regulator', 'listInvoices', { period: p });
          if (settled === 'NOT_SETTLED' && invoices.length === 0) period = p;
        }
        check(period !== '', 'found no unused billing period');
        log(`billing period ${period}`);
      },
    },
    {
      title: 'Authentication (1A): TelcoA asks TelcoB about a roaming subscriber, IMSI encrypted for TelcoB',
      async run(log) {
        const r = await submit<{ requestId: string }>('TelcoA', 'requestAuthorisation', {
          hpmn: 'TelcoB',
          encryptedImsi: encryptImsi(cert('TelcoB'), imsi),
        });
        requestId = r.result.requestId;
        const req = await evaluate<{ encryptedImsi: string; status: string }>('TelcoB', 'getAuthorisation', {
          requestId,
        });
        const seen = decryptJson<{ imsi: string }>(id('TelcoB').privateKey, req.encryptedImsi);
        check(seen.imsi === imsi, 'TelcoB did not decrypt the IMSI TelcoA sent');
        const c = await errorCode(() => decryptJson(id('TelcoC').privateKey, req.encryptedImsi));
        check(c === 'NOT_A_RECIPIENT', `TelcoC should not decrypt the IMSI (got ${c})`);
        log(`request ${requestId} (block ${r.blockNumber}); TelcoB decrypts IMSI ${imsi}; TelcoC: ${c}`);
      },
    },
    {
      title: 'TelcoB grants services encrypted for TelcoA; only TelcoB may answer, only TelcoA confirm',
      async run(log) {
        const services: RoamingServices = { voice: true, sms: true, data: true };
        const args = {
          requestId,
          encryptedServices: encryptServices(cert('TelcoA'), services),
          decision: 'granted',
        };
        const byC = await errorCode(() => submit('TelcoC', 'answerAuthorisation', args));
        check(byC === 'NOT_HPMN', `TelcoC answering should fail with NOT_HPMN, got ${byC}`);
        const early = await errorCode(() => submit('TelcoA', 'confirmActivation', { requestId }));
        check(
          early === 'WRONG_STATE',
          `confirming before the answer should fail with WRONG_STATE, got ${early}`,
        );
        await submit('TelcoB', 'answerAuthorisation', args);
        const req = await evaluate<{ encryptedServices: string }>('TelcoA', 'getAuthorisation', {
          requestId,
        });
        const granted = decryptJson<RoamingServices>(id('TelcoA').privateKey, req.encryptedServices);
        check(granted.voice && granted.sms && granted.data, 'TelcoA did not decrypt the granted services');
        const byB = await errorCode(() => submit('TelcoB', 'confirmActivation', { requestId }));
        check(byB === 'NOT_VPMN', `TelcoB confirming should fail with NOT_VPMN, got ${byB}`);
        const done = await submit<{ status: string }>('TelcoA', 'confirmActivation', { requestId });
        check(done.result.status === 'activated', 'the subscriber is not activated');
        log(`refused: TelcoC answering (${byC}), an early activation (${early}), TelcoB activating (${byB})`);
        log(
          `TelcoA decrypts: voice ${granted.voice}, sms ${granted.sms}, data ${granted.data}; activated (block ${done.blockNumber})`,
        );
      },
    },
    {
      title:
        'Settlement (1B): TelcoA posts a usage batch; records private to TelcoA and TelcoB, Merkle root on chain',
      async run(log) {
        const b = buildUsageBatch({ batchId: batch.ab, hpmn: 'TelcoB', period, records: abRecords });
        const r = await submit<Invoice>('TelcoA', 'postUsageBatch', b.arguments, b.transient);
        invoiceAB = r.result;
        // 815 s × 9 / 60 = 122.25 → 122; 2 × 4 = 8; 3 250 001 B × 120 / 10⁶ = 390.00012 → 390
        check(
          invoiceAB.voiceCents === 122 && invoiceAB.smsCents === 8 && invoiceAB.dataCents === 390,
          `the invoice should be 122 + 8 + 390 cents, got ${invoiceAB.voiceCents} + ${invoiceAB.smsCents} + ${invoiceAB.dataCents}`,
        );
        check(
          invoiceAB.totalCents === 520,
          `the invoice total should be 520 cents, got ${invoiceAB.totalCents}`,
        );
        const c = await errorCode(() => evaluate('TelcoC', 'getUsageRecords', { batchId: batch.ab }));
        check(c === 'NOT_A_COLLECTION_MEMBER', `TelcoC should not read the records (got ${c})`);
        log(
          `batch ${batch.ab}: ${abRecords.length} records, root ${b.arguments.merkleRoot.slice(0, 16)}… (block ${r.blockNumber})`,
        );
        log(`invoice: voice 815 s → 122 c, SMS 2 → 8 c, data 3 250 001 B → 390 c; total ${euros(520)}`);
        log(`TelcoC reading the records: ${c}`);
      },
    },
    {
      title: 'TelcoB checks the records against the root; a tampered record is detected',
      async run(log) {
        const got = await evaluate<{ records: UsageRecord[]; merkleRoot: string }>(
          'TelcoB',
          'getUsageRecords',
          {
            batchId: batch.ab,
          },
        );
        verifyUsageBatch(got.records, invoiceAB!.merkleRoot);
        const tampered = got.records.with(4, { ...got.records[4]!, volume: 6100 });
        const whole = await errorCode(() => verifyUsageBatch(tampered, invoiceAB!.merkleRoot));
        check(
          whole === RoamingErrorCodes.BATCH_ROOT_MISMATCH,
          `the tampered batch should fail, got ${whole}`,
        );
        const path = recordProof(got.records, 4).path;
        const one = await errorCode(() =>
          assertRecordInBatch({ record: tampered[4]!, path, merkleRoot: invoiceAB!.merkleRoot }),
        );
        check(
          one === RoamingErrorCodes.RECORD_NOT_IN_BATCH,
          `the tampered record's proof should fail, got ${one}`,
        );
        const forged = buildDisputes({
          batchId: batch.ab,
          merkleRoot: invoiceAB!.merkleRoot,
          records: got.records,
          disputes: [{ index: 4, reason: 'forged' }],
        });
        const onChain = await errorCode(() =>
          submit(
            'TelcoB',
            'disputeRecords',
            forged.arguments,
            new Map([['records', utf8(canonicalJson([tampered[4]]))]]),
          ),
        );
        check(
          onChain === 'RECORD_MISMATCH',
          `the contract should refuse the tampered record, got ${onChain}`,
        );
        const malformed = await errorCode(() =>
          submit(
            'TelcoB',
            'disputeRecords',
            {
              ...forged.arguments,
              disputes: [{ ...forged.arguments.disputes[0]!, path: path.slice(1) }],
            },
            forged.transient,
          ),
        );
        check(malformed === 'MALFORMED_MERKLE_PATH', `a shortened path should fail, got ${malformed}`);
        log(`the ${got.records.length} records match root ${invoiceAB!.merkleRoot.slice(0, 16)}…`);
        log(`record 4 changed from 61 s to 6100 s: batch ${whole}, proof ${one}, contract ${onChain}`);
        log(`a dispute with a shortened Merkle path: ${malformed}`);
      },
    },
    {
      title: 'TelcoB disputes one record with a Merkle proof; anyone with the record re-verifies it',
      async run(log) {
        const d = buildDisputes({
          batchId: batch.ab,
          merkleRoot: invoiceAB!.merkleRoot,
          records: abRecords,
          disputes: [{ index: 4, reason: 'subscriber was not in the visited network at that time' }],
        });
        const r = await submit<Invoice>('TelcoB', 'disputeRecords', d.arguments, d.transient);
        // 61 s × 9 / 60 = 9.15 → 9 cents
        check(
          r.result.status === 'disputed' && r.result.disputedCents === 9,
          `disputed amount should be 9, got ${r.result.disputedCents}`,
        );
        const inv = await evaluate<Invoice>('TelcoA', 'getInvoice', { batchId: batch.ab });
        const dispute = inv.disputes[0]!;
        check(
          verifyRecordProof({
            record: abRecords[dispute.index]!,
            path: dispute.path,
            merkleRoot: inv.merkleRoot,
          }),
          'the stored proof does not verify against the root',
        );
        log(
          `record ${dispute.recordId} disputed: ${euros(dispute.amountCents)} (block ${r.blockNumber}); TelcoA re-verified the proof`,
        );
      },
    },
    {
      title: 'TelcoB and TelcoC bill TelcoA for its roaming subscribers; TelcoA confirms both',
      async run(log) {
        const aHash = hashImsi('262011111111111', `a-secret-${run}`);
        const mk = (p: string, list: [UsageRecord['service'], number][]) =>
          list.map(([service, volume], i) => ({
            ...rec(i, service, volume, 5),
            recordId: `${p}-${run}-${i}`,
            imsiHash: aHash,
          }));
        const ba = buildUsageBatch({
          batchId: batch.ba,
          hpmn: 'TelcoA',
          period,
          records: mk('ba', [
            ['voice', 300],
            ['data', 10_000_000],
          ]),
        });
        const ca = buildUsageBatch({
          batchId: batch.ca,
          hpmn: 'TelcoA',
          period,
          records: mk('ca', [
            ['sms', 5],
            ['data', 1_000_000],
            ['voice', 30],
          ]),
        });
        const rb = await submit<Invoice>('TelcoB', 'postUsageBatch', ba.arguments, ba.transient);
        const rc = await submit<Invoice>('TelcoC', 'postUsageBatch', ca.arguments, ca.transient);
        // 300 s × 9 / 60 = 45; 10 MB × 120 = 1200 → 1245.   5 × 2 = 10; 1 MB × 80 = 80; 30 s × 6 / 60 = 3 → 93
        check(
          rb.result.totalCents === 1245,
          `TelcoB's invoice should be 1245 cents, got ${rb.result.totalCents}`,
        );
        check(
          rc.result.totalCents === 93,
          `TelcoC's invoice should be 93 cents, got ${rc.result.totalCents}`,
        );
        const pending = await errorCode(() => submit('Regulator', 'settlePeriod', { period }));
        check(pending === 'INVOICES_PENDING', `settling with open invoices should fail, got ${pending}`);
        await submit('TelcoA', 'confirmInvoice', { batchId: batch.ba });
        await submit('TelcoA', 'confirmInvoice', { batchId: batch.ca });
        log(
          `TelcoB → TelcoA ${euros(1245)}, TelcoC → TelcoA ${euros(93)}: confirmed (settling before: ${pending})`,
        );
      },
    },
    {
      title:
        'The period is settled net across all carriers; it reconciles to 0 and the dispute carries forward',
      async run(log) {
        const r = await submit<Settlement>('Regulator', 'settlePeriod', { period });
        const s = r.result;
        const net = Object.fromEntries(s.positions.map((p) => [p.carrier, p.netCents]));
        // TelcoA: +511 (520 − 9 disputed) − 1245 − 93 = −827; TelcoB: +1245 − 511 = +734; TelcoC: +93
        check(
          net.TelcoA === -827 && net.TelcoB === 734 && net.TelcoC === 93,
          `net positions ${canonicalJson(net)}`,
        );
        check(
          s.sumOfNetsCents === 0 && s.positions.reduce((t, p) => t + p.netCents, 0) === 0,
          'nets do not sum to 0',
        );
        check(s.totalCarriedCents === 9, `9 cents should carry forward, got ${s.totalCarriedCents}`);
        for (const p of s.positions) {
          log(
            `${p.carrier}: receives ${euros(p.receivableCents)}, pays ${euros(p.payableCents)}, net ${euros(p.netCents)}`,
          );
        }
        for (const p of s.pairs.filter((x) => x.amountCents > 0))
          log(`transfer: ${p.from} pays ${p.to} ${euros(p.amountCents)}`);
        log(
          `carried forward (disputed): ${euros(s.totalCarriedCents)}; Σ nets = ${s.sumOfNetsCents} (block ${r.blockNumber})`,
        );
        const again = await errorCode(() => submit('TelcoA', 'settlePeriod', { period }));
        check(again === 'PERIOD_SETTLED', `settling twice should fail, got ${again}`);
      },
    },
  ];
}
