import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, utf8 } from '../../src/common/index.js';
import {
  type CallerInfo,
  type CollectionAccess,
  type FunctionKind,
  MemoryState,
  type SimulationResult,
  simulate,
} from '../../src/contract/index.js';
import { merkleLeafHash, merklePath } from '../../src/crypto/index.js';
import { buildDisputes, buildUsageBatch, recordProof, type UsageRecord } from '../../src/gateway/index.js';
import roaming, { expectedPathSides, pairCollection } from './index.js';

const who = (mspId: string): CallerInfo => ({
  mspId,
  role: 'client',
  id: `${mspId}::user1::01`,
  name: 'user1',
  attributes: {},
});
const A = 'TelcoA';
const B = 'TelcoB';
const C = 'TelcoC';
const REG = 'Regulator';
const CT = Buffer.from('opaque ciphertext for the contract').toString('base64');
const RATES = { voiceCentsPerMinute: 5, smsCentsPerMessage: 2, dataCentsPerMB: 3 };

const collection = (x: string, y: string): CollectionAccess => ({
  name: pairCollection(x, y),
  memberOrgs: [x, y],
  memberOnlyRead: true,
  memberOnlyWrite: true,
  peerIsMember: true,
});

let state: MemoryState;
let n: number;
beforeEach(() => {
  state = new MemoryState();
  n = 0;
});

interface Opts {
  kind?: FunctionKind;
  transient?: Map<string, Uint8Array>;
  /** The simulating peer's org (default: the caller's). */
  peerOrg?: string;
  collections?: [string, string][];
}

async function call(
  mspId: string,
  fn: string,
  args: Record<string, unknown>,
  o: Opts = {},
): Promise<SimulationResult> {
  n++;
  const kind = o.kind ?? 'transaction';
  const txId = `${n.toString(16).padStart(4, '0')}${'0'.repeat(60)}`;
  const peerOrg = o.peerOrg ?? mspId;
  const sim = await simulate({
    definition: roaming,
    fn,
    argsJson: args,
    kind,
    info: {
      txId,
      channel: 'telecom',
      timestamp: Date.UTC(2025, 2, 1, 0, n),
      caller: who(mspId),
      ...(o.transient ? { transient: o.transient } : {}),
      collections: (
        o.collections ?? [
          [A, B],
          [A, C],
          [B, C],
        ]
      ).map(([x, y]) => ({
        ...collection(x, y),
        peerIsMember: peerOrg === x || peerOrg === y,
      })),
    },
    state,
  });
  if (sim.ok && kind === 'transaction') state.commit(sim.rwset, { txId, privateWrites: sim.privateWrites });
  return sim;
}
const code = (s: SimulationResult) => s.error?.code;
const ok = (s: SimulationResult) => {
  expect(s.error).toBeUndefined();
  return s.result as Record<string, unknown>;
};

function records(count: number, tag = 'r'): UsageRecord[] {
  const services = ['voice', 'sms', 'data'] as const;
  const volumes = [90, 1, 1_500_000];
  return Array.from({ length: count }, (_, i) => ({
    recordId: `${tag}${i}`,
    service: services[i % 3]!,
    imsiHash: (i % 16).toString(16).repeat(64),
    startedAt: `2025-03-0${1 + (i % 9)}T10:00:00.000Z`,
    volume: volumes[i % 3]! * (1 + Math.floor(i / 3)),
  }));
}

async function agreeTariff(x = A, y = B, rates = RATES) {
  const p = ok(await call(x, 'setTariff', { partner: y, ...rates }));
  return ok(await call(y, 'acceptTariff', { partner: x, proposalId: p.proposalId }));
}

async function post(batchId: string, recs: UsageRecord[], vpmn = A, hpmn = B, period = '2025-03') {
  const b = buildUsageBatch({ batchId, hpmn, period, records: recs });
  return call(vpmn, 'postUsageBatch', b.arguments, { transient: b.transient });
}

describe('authentication (use case 1A)', () => {
  it('runs request → answer → activation, each step by the right party only', async () => {
    const r = ok(await call(A, 'requestAuthorisation', { hpmn: B, encryptedImsi: CT }));
    const id = r.requestId as string;
    expect(id).toMatch(/^ra-[0-9a-f]{16}$/);
    expect(
      code(
        await call(C, 'answerAuthorisation', { requestId: id, encryptedServices: CT, decision: 'granted' }),
      ),
    ).toBe('NOT_HPMN');
    expect(
      code(
        await call(A, 'answerAuthorisation', { requestId: id, encryptedServices: CT, decision: 'granted' }),
      ),
    ).toBe('NOT_HPMN');
    expect(code(await call(A, 'confirmActivation', { requestId: id }))).toBe('WRONG_STATE');
    ok(await call(B, 'answerAuthorisation', { requestId: id, encryptedServices: CT, decision: 'granted' }));
    expect(
      code(
        await call(B, 'answerAuthorisation', { requestId: id, encryptedServices: CT, decision: 'denied' }),
      ),
    ).toBe('WRONG_STATE');
    expect(code(await call(B, 'confirmActivation', { requestId: id }))).toBe('NOT_VPMN');
    expect(ok(await call(A, 'confirmActivation', { requestId: id }))).toEqual({
      requestId: id,
      status: 'activated',
    });
    expect(code(await call(A, 'confirmActivation', { requestId: id }))).toBe('WRONG_STATE');
    const got = ok(await call(C, 'getAuthorisation', { requestId: id }, { kind: 'query' }));
    expect(got).toMatchObject({
      vpmn: A,
      hpmn: B,
      status: 'activated',
      encryptedImsi: CT,
      encryptedServices: CT,
    });
  });

  it('refuses the HPMN or the regulator as VPMN, duplicates, unknown ids, a denied activation and bad input', async () => {
    expect(code(await call(B, 'requestAuthorisation', { hpmn: B, encryptedImsi: CT }))).toBe('NOT_VPMN');
    expect(code(await call(REG, 'requestAuthorisation', { hpmn: B, encryptedImsi: CT }))).toBe('NOT_VPMN');
    expect(code(await call(A, 'requestAuthorisation', { hpmn: REG, encryptedImsi: CT }))).toBe(
      'NOT_A_CARRIER',
    );
    ok(await call(A, 'requestAuthorisation', { requestId: 'auth-1', hpmn: B, encryptedImsi: CT }));
    expect(
      code(await call(A, 'requestAuthorisation', { requestId: 'auth-1', hpmn: B, encryptedImsi: CT })),
    ).toBe('REQUEST_EXISTS');
    expect(
      code(
        await call(B, 'answerAuthorisation', {
          requestId: 'nope',
          encryptedServices: CT,
          decision: 'granted',
        }),
      ),
    ).toBe('UNKNOWN_REQUEST');
    expect(code(await call(A, 'requestAuthorisation', { hpmn: B, encryptedImsi: '262011234567890!' }))).toBe(
      'INVALID_CIPHERTEXT',
    );
    expect(
      code(
        await call(B, 'answerAuthorisation', {
          requestId: 'auth-1',
          encryptedServices: CT,
          decision: 'maybe',
        }),
      ),
    ).toBe('INVALID_DECISION');
    ok(
      await call(B, 'answerAuthorisation', {
        requestId: 'auth-1',
        encryptedServices: CT,
        decision: 'denied',
      }),
    );
    expect(code(await call(A, 'confirmActivation', { requestId: 'auth-1' }))).toBe('WRONG_STATE');
  });
});

describe('tariffs', () => {
  it('are proposed by one carrier and accepted by the other, by proposal id', async () => {
    const p = ok(await call(A, 'setTariff', { partner: B, ...RATES }));
    expect(code(await call(A, 'acceptTariff', { partner: B, proposalId: p.proposalId }))).toBe(
      'OWN_PROPOSAL',
    );
    expect(code(await call(B, 'acceptTariff', { partner: A, proposalId: 'other' }))).toBe('PROPOSAL_CHANGED');
    expect(code(await call(C, 'acceptTariff', { partner: A, proposalId: p.proposalId }))).toBe(
      'NO_TARIFF_PROPOSAL',
    );
    const t = ok(await call(B, 'acceptTariff', { partner: A, proposalId: p.proposalId }));
    expect(t).toMatchObject({ parties: [A, B], rates: RATES, proposedBy: A, acceptedBy: B });
    expect(ok(await call(REG, 'getTariff', { a: B, b: A }, { kind: 'query' }))).toMatchObject({
      agreed: t,
      proposal: null,
    });
    expect(code(await call(B, 'acceptTariff', { partner: A, proposalId: p.proposalId }))).toBe(
      'NO_TARIFF_PROPOSAL',
    );
  });

  it('refuses the regulator, oneself, fractional or negative rates', async () => {
    expect(code(await call(REG, 'setTariff', { partner: B, ...RATES }))).toBe('NOT_A_CARRIER');
    expect(code(await call(A, 'setTariff', { partner: A, ...RATES }))).toBe('INVALID_PARTNER');
    expect(code(await call(A, 'setTariff', { partner: REG, ...RATES }))).toBe('INVALID_PARTNER');
    expect(code(await call(A, 'setTariff', { partner: B, ...RATES, smsCentsPerMessage: 1.5 }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(await call(A, 'setTariff', { partner: B, ...RATES, dataCentsPerMB: -1 }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(await call(A, 'getTariff', { a: A, b: B }, { kind: 'query' }))).toBe('NO_TARIFF');
  });
});

describe('usage batches and invoices (use case 1B)', () => {
  it('keeps records private, the root public, and computes the fee with the rounding rule', async () => {
    await agreeTariff();
    const recs = records(3); // 90 s voice, 1 sms, 1.5 MB
    const sim = await post('b1', recs);
    const inv = ok(sim);
    expect(inv).toMatchObject({
      vpmn: A,
      hpmn: B,
      status: 'issued',
      voiceCents: 8,
      smsCents: 2,
      dataCents: 5,
      totalCents: 15,
    });
    const onChain = JSON.stringify(sim.rwset, (_k, v) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : typeof v === 'bigint' ? String(v) : v,
    );
    expect(onChain).not.toContain(recs[0]!.imsiHash);
    expect(sim.privateWrites?.collections[0]?.collection).toBe('roaming-TelcoA-TelcoB');
    const got = ok(await call(B, 'getUsageRecords', { batchId: 'b1' }, { kind: 'query' }));
    expect(got.records).toEqual(recs);
    expect(code(await call(C, 'getUsageRecords', { batchId: 'b1' }, { kind: 'query' }))).toBe(
      'NOT_A_COLLECTION_MEMBER',
    );
    expect(ok(await call(C, 'listInvoices', { period: '2025-03' }, { kind: 'query' }))).toHaveLength(1);
  });

  it('refuses a batch without a tariff, with wrong counts or totals, without records, twice, or by the wrong party', async () => {
    const recs = records(4);
    expect(code(await post('b1', recs))).toBe('NO_TARIFF');
    await agreeTariff();
    const b = buildUsageBatch({ batchId: 'b1', hpmn: B, period: '2025-03', records: recs });
    expect(code(await call(A, 'postUsageBatch', b.arguments))).toBe('RECORDS_REQUIRED');
    expect(
      code(
        await call(A, 'postUsageBatch', b.arguments, { transient: new Map([['records', utf8('{nope')]]) }),
      ),
    ).toBe('INVALID_RECORDS');
    const badRecord = new Map([['records', utf8(canonicalJson([{ ...recs[0]!, volume: 1.5 }]))]]);
    expect(
      code(await call(A, 'postUsageBatch', { ...b.arguments, recordCount: 1 }, { transient: badRecord })),
    ).toBe('INVALID_RECORDS');
    expect(
      code(await call(A, 'postUsageBatch', { ...b.arguments, recordCount: 5 }, { transient: b.transient })),
    ).toBe('RECORD_COUNT_MISMATCH');
    const totals = { ...b.arguments.totals, smsCount: b.arguments.totals.smsCount + 1 };
    expect(
      code(await call(A, 'postUsageBatch', { ...b.arguments, totals }, { transient: b.transient })),
    ).toBe('TOTALS_MISMATCH');
    expect(
      code(
        await call(A, 'postUsageBatch', { ...b.arguments, period: '2025-13' }, { transient: b.transient }),
      ),
    ).toBe('INVALID_PERIOD');
    expect(
      code(
        await call(A, 'postUsageBatch', { ...b.arguments, merkleRoot: 'xyz' }, { transient: b.transient }),
      ),
    ).toBe('INVALID_MERKLE_ROOT');
    expect(code(await call(B, 'postUsageBatch', b.arguments, { transient: b.transient }))).toBe('NOT_VPMN');
    expect(code(await call(REG, 'postUsageBatch', b.arguments, { transient: b.transient }))).toBe('NOT_VPMN');
    ok(await call(A, 'postUsageBatch', b.arguments, { transient: b.transient }));
    expect(code(await call(A, 'postUsageBatch', b.arguments, { transient: b.transient }))).toBe(
      'BATCH_EXISTS',
    );
  });

  it('needs a collection for the pair in the contract definition', async () => {
    await agreeTariff();
    const b = buildUsageBatch({ batchId: 'b1', hpmn: B, period: '2025-03', records: records(2) });
    const sim = await call(A, 'postUsageBatch', b.arguments, {
      transient: b.transient,
      collections: [[B, C]],
    });
    expect(code(sim)).toBe('NO_PAIR_COLLECTION');
  });

  it('lets only the HPMN confirm, once', async () => {
    await agreeTariff();
    ok(await post('b1', records(3)));
    expect(code(await call(A, 'confirmInvoice', { batchId: 'b1' }))).toBe('NOT_HPMN');
    expect(code(await call(B, 'confirmInvoice', { batchId: 'nope' }))).toBe('UNKNOWN_BATCH');
    expect(ok(await call(B, 'confirmInvoice', { batchId: 'b1' }))).toMatchObject({ status: 'confirmed' });
    expect(code(await call(B, 'confirmInvoice', { batchId: 'b1' }))).toBe('WRONG_STATE');
    const d = buildDisputes({
      batchId: 'b1',
      merkleRoot: (await invoiceOf('b1')).merkleRoot,
      records: records(3),
      disputes: [{ index: 0, reason: 'x' }],
    });
    expect(code(await call(B, 'disputeRecords', d.arguments, { transient: d.transient }))).toBe(
      'WRONG_STATE',
    );
  });
});

async function invoiceOf(batchId: string) {
  return ok(await call(REG, 'getInvoice', { batchId }, { kind: 'query' })) as {
    merkleRoot: string;
    [k: string]: unknown;
  };
}

describe('disputes', () => {
  const recs = records(5);
  async function setup() {
    await agreeTariff();
    ok(await post('b1', recs));
    return (await invoiceOf('b1')).merkleRoot;
  }

  it('records disputed records with their proofs and amounts, on a peer outside the collection too', async () => {
    const root = await setup();
    const d = buildDisputes({
      batchId: 'b1',
      merkleRoot: root,
      records: recs,
      disputes: [{ index: 3, reason: 'not our subscriber' }],
    });
    // Endorsed by TelcoC's peer, which holds only hashes of the pair's records.
    const inv = ok(await call(B, 'disputeRecords', d.arguments, { transient: d.transient, peerOrg: C }));
    // record 3: 180 s voice at 5 c/min = 15 c
    expect(inv).toMatchObject({ status: 'disputed', disputedCents: 15 });
    expect(inv.disputes).toEqual([
      { ...recordProof(recs, 3), recordId: 'r3', reason: 'not our subscriber', amountCents: 15 },
    ]);
  });

  it('detects a tampered record (RECORD_MISMATCH) and refuses malformed paths', async () => {
    const root = await setup();
    const d = buildDisputes({
      batchId: 'b1',
      merkleRoot: root,
      records: recs,
      disputes: [{ index: 1, reason: 'x' }],
    });
    const tampered = new Map([['records', utf8(canonicalJson([{ ...recs[1]!, volume: 999 }]))]]);
    expect(code(await call(B, 'disputeRecords', d.arguments, { transient: tampered }))).toBe(
      'RECORD_MISMATCH',
    );
    const other = new Map([['records', utf8(canonicalJson([recs[2]]))]]);
    expect(code(await call(B, 'disputeRecords', d.arguments, { transient: other }))).toBe('RECORD_MISMATCH');
    const [entry] = d.arguments.disputes;
    const withPath = (path: unknown, index = entry!.index) => ({
      batchId: 'b1',
      disputes: [{ ...entry!, index, path }],
    });
    const sib = 'ab'.repeat(32);
    for (const path of [
      entry!.path.slice(1), // a step dropped
      [...entry!.path, { sibling: sib, left: false }], // a step added
      entry!.path.map((s, i) => (i === 0 ? { ...s, left: !s.left } : s)), // a side flipped
    ]) {
      expect(code(await call(B, 'disputeRecords', withPath(path), { transient: d.transient }))).toBe(
        'MALFORMED_MERKLE_PATH',
      );
    }
    expect(
      code(
        await call(B, 'disputeRecords', withPath([{ sibling: 'zz', left: true }]), {
          transient: d.transient,
        }),
      ),
    ).toBe('INVALID_ARGUMENT');
    expect(code(await call(B, 'disputeRecords', withPath(entry!.path, 5), { transient: d.transient }))).toBe(
      'UNKNOWN_RECORD',
    );
    const twice = { batchId: 'b1', disputes: [entry!, entry!] };
    const two = new Map([['records', utf8(canonicalJson([recs[1], recs[1]]))]]);
    expect(code(await call(B, 'disputeRecords', twice, { transient: two }))).toBe('DUPLICATE_DISPUTE');
    expect(code(await call(B, 'disputeRecords', d.arguments, { transient: two }))).toBe(
      'RECORD_COUNT_MISMATCH',
    );
    expect(code(await call(A, 'disputeRecords', d.arguments, { transient: d.transient }))).toBe('NOT_HPMN');
    expect(code(await call(B, 'disputeRecords', d.arguments))).toBe('RECORDS_REQUIRED');
  });

  it('caps the disputed amount at the invoice total', async () => {
    await agreeTariff();
    // Three 1-second calls: 3 s × 5 c/min = 0.25 → 0 c for the batch, but each record alone 0.083 → 0, so
    // use 6-second calls: batch 18 s → 1.5 → 2 c, each record 0.5 → 1 c: disputes sum to 3 c, capped at 2.
    const calls = records(3).map((r, i) => ({
      ...r,
      recordId: `c${i}`,
      service: 'voice' as const,
      volume: 6,
    }));
    ok(await post('b2', calls));
    const inv = await invoiceOf('b2');
    expect(inv.totalCents).toBe(2);
    const d = buildDisputes({
      batchId: 'b2',
      merkleRoot: inv.merkleRoot,
      records: calls,
      disputes: [0, 1, 2].map((index) => ({ index, reason: 'duplicate' })),
    });
    expect(ok(await call(B, 'disputeRecords', d.arguments, { transient: d.transient }))).toMatchObject({
      disputedCents: 2,
    });
  });

  it('checks the path shape exactly as merklePath builds it (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), (count, at) => {
        const index = at % count;
        const leaves = Array.from({ length: count }, (_, i) => merkleLeafHash(utf8(String(i))));
        expect(merklePath(leaves, index).map((s) => s.left)).toEqual(expectedPathSides(index, count));
      }),
      { seed: 7 },
    );
  });
});

describe('settlePeriod', () => {
  it('nets all carriers (Σ nets = 0), carries disputed amounts forward, and closes the period', async () => {
    await agreeTariff(A, B);
    await agreeTariff(A, C);
    expect(code(await call(C, 'settlePeriod', { period: '2025-03' }))).toBe('NOTHING_TO_SETTLE');
    const ab = records(3); // A visited by B's subscribers: 15 c
    ok(await post('ab', ab, A, B));
    ok(await post('ba', records(6, 's'), B, A)); // B visited by A's subscribers
    ok(await post('ca', records(2, 't'), C, A)); // C visited by A's subscribers
    expect(code(await call(C, 'settlePeriod', { period: '2025-03' }))).toBe('INVOICES_PENDING');
    const root = (await invoiceOf('ab')).merkleRoot;
    const d = buildDisputes({
      batchId: 'ab',
      merkleRoot: root,
      records: ab,
      disputes: [{ index: 2, reason: 'x' }],
    });
    ok(await call(B, 'disputeRecords', d.arguments, { transient: d.transient }));
    ok(await call(A, 'confirmInvoice', { batchId: 'ba' }));
    ok(await call(A, 'confirmInvoice', { batchId: 'ca' }));
    const ba = (await invoiceOf('ba')).totalCents as number;
    const ca = (await invoiceOf('ca')).totalCents as number;
    const s = ok(await call(REG, 'settlePeriod', { period: '2025-03' })) as {
      positions: { carrier: string; netCents: number }[];
      sumOfNetsCents: number;
      totalCarriedCents: number;
    };
    // ab: 15 c, of which record 2 (1.5 MB data = 5 c) is disputed: 10 c payable by B to A.
    expect(s.totalCarriedCents).toBe(5);
    expect(s.positions).toEqual([
      expect.objectContaining({ carrier: A, netCents: 10 - ba - ca }),
      expect.objectContaining({ carrier: B, netCents: ba - 10 }),
      expect.objectContaining({ carrier: C, netCents: ca }),
    ]);
    expect(s.sumOfNetsCents).toBe(0);
    expect((await invoiceOf('ca')).settledIn).toBe('2025-03');
    expect(code(await call(C, 'settlePeriod', { period: '2025-03' }))).toBe('PERIOD_SETTLED');
    expect(code(await post('late', records(1, 'u'), A, B))).toBe('PERIOD_SETTLED');
    expect(ok(await call(C, 'getSettlement', { period: '2025-03' }, { kind: 'query' }))).toMatchObject({
      period: '2025-03',
    });
    expect(code(await call(C, 'getSettlement', { period: '2025-04' }, { kind: 'query' }))).toBe(
      'NOT_SETTLED',
    );
  });
});
