import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../src/common/index.js';
import {
  type CallerInfo,
  type FunctionKind,
  MemoryState,
  type SimulationResult,
  simulate,
} from '../../src/contract/index.js';
import proofOfDelivery, { MAX_BATCH } from './index.js';

const NS = 'proof-of-delivery';
const T0 = Date.UTC(2025, 0, 1);

function caller(mspId: string, role: 'admin' | 'client' = 'client'): CallerInfo {
  const name = role === 'admin' ? 'admin' : 'user1';
  return { mspId, role, id: `${mspId}::${name}::01`, name, attributes: {} };
}

const telcoA = caller('TelcoA');
const telcoB = caller('TelcoB', 'admin');
const telcoC = caller('TelcoC');
const regulator = caller('Regulator');

const doc = (n: number) => createHash('sha256').update(`document ${n}`).digest('hex');
const H1 = doc(1);
const H2 = doc(2);
const H3 = doc(3);

let state: MemoryState;
let clock: number;
let txCount: number;

beforeEach(() => {
  state = new MemoryState();
  clock = T0;
  txCount = 0;
});

interface Call extends SimulationResult {
  readonly txId: string;
  readonly timestamp: number;
}

/** Simulates one call a minute after the previous one; a valid transaction is committed. */
async function call(
  who: CallerInfo,
  fn: string,
  argsJson: Record<string, unknown>,
  kind: FunctionKind = 'transaction',
): Promise<Call> {
  clock += 60_000;
  const timestamp = clock;
  const txId = createHash('sha256').update(`tx${++txCount}`).digest('hex');
  const sim = await simulate({
    definition: proofOfDelivery,
    fn,
    argsJson,
    kind,
    info: { txId, channel: 'telecom', timestamp, caller: who },
    state,
    history: state.history,
  });
  if (sim.ok && kind === 'transaction') state.commit(sim.rwset, { txId, timestamp });
  return { ...sim, txId, timestamp };
}

const query = (who: CallerInfo, fn: string, args: Record<string, unknown>) => call(who, fn, args, 'query');

function stored(hash: string): Record<string, unknown> | undefined {
  const e = state.getState(NS, `d:${hash}`);
  return e === undefined ? undefined : (JSON.parse(fromUtf8(e.value)) as Record<string, unknown>);
}

function storedBytes(hash: string): number {
  return state.getState(NS, `d:${hash}`)?.value.byteLength ?? 0;
}

const events = (sim: SimulationResult) => sim.events.map((e) => [e.name, JSON.parse(fromUtf8(e.payload))]);
const iso = (ms: number) => new Date(ms).toISOString();

async function deliver(hash: string, to = 'TelcoB', from: CallerInfo = telcoA, reference?: string) {
  const sim = await call(from, 'registerDelivery', {
    documentHash: hash,
    recipient: to,
    ...(reference === undefined ? {} : { reference }),
  });
  expect(sim.error).toBeUndefined();
  return sim;
}

describe('registerDelivery', () => {
  it("records the caller's org as sender, with the proposal time, and stores only compact data", async () => {
    const sim = await deliver(H1, 'TelcoB', telcoA, 'INV-2025-0042');
    expect(sim.result).toEqual({
      documentHash: H1,
      sender: 'TelcoA',
      recipient: 'TelcoB',
      reference: 'INV-2025-0042',
      deliveredAt: iso(sim.timestamp),
      deliveryTxId: sim.txId,
    });
    expect(stored(H1)).toEqual({ s: 'TelcoA', r: 'TelcoB', d: sim.timestamp, f: 'INV-2025-0042' });
    expect(storedBytes(H1)).toBeLessThan(100);
    expect(events(sim)).toEqual([
      ['DeliveryRegistered', { documentHash: H1, sender: 'TelcoA', recipient: 'TelcoB' }],
    ]);
    // It read the key (so a concurrent duplicate fails MVCC) and wrote only that key.
    const ns = sim.rwset.ns[0]!;
    expect(ns.reads.map((r) => r.key)).toEqual([`d:${H1}`]);
    expect(ns.writes.map((w) => w.key)).toEqual([`d:${H1}`]);
  });

  it('refuses a second delivery of the same document with DELIVERY_EXISTS, also from another sender', async () => {
    await deliver(H1);
    for (const [who, to] of [
      [telcoA, 'TelcoB'],
      [telcoC, 'TelcoB'],
      [telcoA, 'TelcoC'],
    ] as const) {
      const again = await call(who, 'registerDelivery', { documentHash: H1, recipient: to });
      expect(again.error).toMatchObject({
        code: 'DELIVERY_EXISTS',
        detail: { documentHash: H1, sender: 'TelcoA', recipient: 'TelcoB' },
      });
      expect(again.rwset.ns).toEqual([]);
    }
    expect(stored(H1)).toMatchObject({ s: 'TelcoA', r: 'TelcoB' });
  });

  it('refuses delivering to its own org with SELF_DELIVERY and writes nothing', async () => {
    const sim = await call(telcoA, 'registerDelivery', { documentHash: H1, recipient: 'TelcoA' });
    expect(sim.error?.code).toBe('SELF_DELIVERY');
    expect(stored(H1)).toBeUndefined();
  });

  it.each<[unknown, string]>([
    ['A'.repeat(64), 'upper case'],
    ['a'.repeat(63), '63 characters'],
    ['a'.repeat(65), '65 characters'],
    [`${'a'.repeat(63)}g`, 'a non-hex character'],
    ['', 'empty'],
    [42, 'a number'],
  ])('refuses the document hash %j (%s) with INVALID_DOCUMENT_HASH', async (documentHash) => {
    const sim = await call(telcoA, 'registerDelivery', { documentHash, recipient: 'TelcoB' });
    expect(sim.error?.code).toBe('INVALID_DOCUMENT_HASH');
    expect(sim.error?.message).toContain("'documentHash'");
    expect(state.rangeState(NS, '', '')).toEqual([]);
  });

  it.each([
    [{ documentHash: H1, recipient: 'Telco B' }, 'INVALID_RECIPIENT'],
    [{ documentHash: H1, recipient: '' }, 'INVALID_RECIPIENT'],
    [{ documentHash: H1 }, 'INVALID_RECIPIENT'],
    [{ documentHash: H1, recipient: 'TelcoB', reference: '' }, 'INVALID_REFERENCE'],
    [{ documentHash: H1, recipient: 'TelcoB', reference: 'x'.repeat(65) }, 'INVALID_REFERENCE'],
    [{ documentHash: H1, recipient: 'TelcoB', reference: 'line\nbreak' }, 'INVALID_REFERENCE'],
  ])('refuses %j with %s', async (args, code) => {
    const sim = await call(telcoA, 'registerDelivery', args);
    expect(sim.error?.code).toBe(code);
    expect(stored(H1)).toBeUndefined();
  });

  it('refuses any other argument with INVALID_ARGUMENT, so no content can ride along in the proposal', async () => {
    const sim = await call(telcoA, 'registerDelivery', {
      documentHash: H1,
      recipient: 'TelcoB',
      body: 'secret',
    });
    expect(sim.error?.code).toBe('INVALID_ARGUMENT');
    expect(stored(H1)).toBeUndefined();
    const batch = await call(telcoA, 'registerDeliveries', {
      deliveries: [{ documentHash: H1, recipient: 'TelcoB', body: 'secret' }],
    });
    expect(batch.error?.code).toBe('INVALID_BATCH');
  });
});

describe('acknowledgeReceipt', () => {
  it('lets the recipient acknowledge once, stamped with its proposal time', async () => {
    const d = await deliver(H1);
    const ack = await call(telcoB, 'acknowledgeReceipt', { documentHash: H1 });
    expect(ack.error).toBeUndefined();
    expect(ack.result).toEqual({
      documentHash: H1,
      sender: 'TelcoA',
      recipient: 'TelcoB',
      deliveredAt: iso(d.timestamp),
      receivedAt: iso(ack.timestamp),
      receiptTxId: ack.txId,
    });
    expect(stored(H1)).toEqual({ s: 'TelcoA', r: 'TelcoB', d: d.timestamp, a: ack.timestamp });
    expect(events(ack)).toEqual([
      ['ReceiptAcknowledged', { documentHash: H1, sender: 'TelcoA', recipient: 'TelcoB' }],
    ]);
    const again = await call(telcoB, 'acknowledgeReceipt', { documentHash: H1 });
    expect(again.error).toMatchObject({ code: 'ALREADY_ACKNOWLEDGED', detail: { documentHash: H1 } });
    expect(stored(H1)).toMatchObject({ a: ack.timestamp });
  });

  it('refuses anyone but the recipient with NOT_RECIPIENT: the sender, a third org, the regulator', async () => {
    await deliver(H1);
    for (const who of [telcoA, telcoC, regulator]) {
      const sim = await call(who, 'acknowledgeReceipt', { documentHash: H1 });
      expect(sim.error).toMatchObject({
        code: 'NOT_RECIPIENT',
        detail: { recipient: 'TelcoB', caller: who.mspId },
      });
    }
    expect(stored(H1)).not.toHaveProperty('a');
  });

  it('refuses an unknown document with UNKNOWN_DOCUMENT and a bad hash with INVALID_DOCUMENT_HASH', async () => {
    expect((await call(telcoB, 'acknowledgeReceipt', { documentHash: H2 })).error?.code).toBe(
      'UNKNOWN_DOCUMENT',
    );
    expect((await call(telcoB, 'acknowledgeReceipt', { documentHash: 'nope' })).error?.code).toBe(
      'INVALID_DOCUMENT_HASH',
    );
  });
});

describe('batches', () => {
  it('registers and acknowledges many documents in one transaction each', async () => {
    const hashes = [H1, H2, H3];
    const reg = await call(telcoA, 'registerDeliveries', {
      deliveries: [
        { documentHash: H1, recipient: 'TelcoB' },
        { documentHash: H2, recipient: 'TelcoC', reference: 'R-2' },
        { documentHash: H3, recipient: 'TelcoB' },
      ],
    });
    expect(reg.error).toBeUndefined();
    expect(reg.result).toEqual({ deliveryTxId: reg.txId, count: 3 });
    expect(events(reg)).toEqual([
      ['DeliveriesRegistered', { sender: 'TelcoA', recipients: ['TelcoB', 'TelcoC'], count: 3 }],
    ]);
    expect(hashes.map((h) => stored(h)?.r)).toEqual(['TelcoB', 'TelcoC', 'TelcoB']);
    const ack = await call(telcoB, 'acknowledgeReceipts', { documentHashes: [H1, H3] });
    expect(ack.result).toEqual({ receiptTxId: ack.txId, count: 2 });
    expect(stored(H1)).toMatchObject({ a: ack.timestamp });
    expect(stored(H3)).toMatchObject({ a: ack.timestamp });
    expect(stored(H2)).not.toHaveProperty('a');
  });

  it('is all or nothing: one bad item refuses the whole batch, naming the item', async () => {
    await deliver(H2, 'TelcoC');
    const cases: Array<[unknown[], string]> = [
      [
        [
          { documentHash: H1, recipient: 'TelcoB' },
          { documentHash: H2, recipient: 'TelcoB' },
        ],
        'DELIVERY_EXISTS',
      ],
      [
        [
          { documentHash: H1, recipient: 'TelcoB' },
          { documentHash: H1, recipient: 'TelcoC' },
        ],
        'DUPLICATE_IN_BATCH',
      ],
      [[{ documentHash: H1, recipient: 'TelcoA' }], 'SELF_DELIVERY'],
      [
        [
          { documentHash: H3, recipient: 'TelcoB' },
          { documentHash: 'x', recipient: 'TelcoB' },
        ],
        'INVALID_DOCUMENT_HASH',
      ],
      [[{ documentHash: H1, recipient: 'Telco B' }], 'INVALID_RECIPIENT'],
      [[{ documentHash: H1, recipient: 'TelcoB', reference: '\u0007' }], 'INVALID_REFERENCE'],
      [[], 'INVALID_BATCH'],
      [
        Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({
          documentHash: doc(100 + i),
          recipient: 'TelcoB',
        })),
        'INVALID_BATCH',
      ],
    ];
    for (const [deliveries, code] of cases) {
      const sim = await call(telcoA, 'registerDeliveries', { deliveries });
      expect(sim.error?.code, code).toBe(code);
      expect(sim.rwset.ns).toEqual([]);
    }
    expect(stored(H1)).toBeUndefined();
    expect(stored(H3)).toBeUndefined();
    const badIndex = await call(telcoA, 'registerDeliveries', {
      deliveries: [
        { documentHash: H1, recipient: 'TelcoB' },
        { documentHash: 'x', recipient: 'TelcoB' },
      ],
    });
    expect(badIndex.error).toMatchObject({ code: 'INVALID_DOCUMENT_HASH', detail: { index: 1 } });
  });

  it('refuses a receipt batch with any document not addressed to the caller or seen twice', async () => {
    await deliver(H1, 'TelcoB');
    await deliver(H2, 'TelcoC');
    expect((await call(telcoB, 'acknowledgeReceipts', { documentHashes: [H1, H2] })).error?.code).toBe(
      'NOT_RECIPIENT',
    );
    expect((await call(telcoB, 'acknowledgeReceipts', { documentHashes: [H1, H1] })).error?.code).toBe(
      'DUPLICATE_IN_BATCH',
    );
    expect((await call(telcoB, 'acknowledgeReceipts', { documentHashes: [H1, H3] })).error?.code).toBe(
      'UNKNOWN_DOCUMENT',
    );
    expect(stored(H1)).not.toHaveProperty('a');
  });
});

describe('getProof', () => {
  it('tells any member who delivered, to whom, when, and in which transactions', async () => {
    const d = await deliver(H1, 'TelcoB', telcoA, 'REF-1');
    const pending = await query(regulator, 'getProof', { documentHash: H1 });
    expect(pending.result).toEqual({
      documentHash: H1,
      sender: 'TelcoA',
      recipient: 'TelcoB',
      reference: 'REF-1',
      deliveredAt: iso(d.timestamp),
      deliveryTxId: d.txId,
    });
    const ack = await call(telcoB, 'acknowledgeReceipt', { documentHash: H1 });
    const done = await query(telcoC, 'getProof', { documentHash: H1 });
    expect(done.result).toEqual({
      documentHash: H1,
      sender: 'TelcoA',
      recipient: 'TelcoB',
      reference: 'REF-1',
      deliveredAt: iso(d.timestamp),
      deliveryTxId: d.txId,
      receivedAt: iso(ack.timestamp),
      receiptTxId: ack.txId,
    });
  });

  it('refuses an unknown document with UNKNOWN_DOCUMENT and a malformed hash with INVALID_DOCUMENT_HASH', async () => {
    expect((await query(telcoA, 'getProof', { documentHash: H1 })).error).toMatchObject({
      code: 'UNKNOWN_DOCUMENT',
      detail: { documentHash: H1 },
    });
    expect((await query(telcoA, 'getProof', { documentHash: 'abc' })).error?.code).toBe(
      'INVALID_DOCUMENT_HASH',
    );
  });
});

describe('listDeliveries', () => {
  it("lists only the caller's own org's deliveries, by role and status, a page at a time", async () => {
    const hashes = Array.from({ length: 7 }, (_, i) => doc(10 + i));
    // TelcoA → TelcoB: 0..3; TelcoC → TelcoA: 4, 5; TelcoB → TelcoC: 6 (not TelcoA's business).
    for (const h of hashes.slice(0, 4)) await deliver(h, 'TelcoB', telcoA);
    for (const h of hashes.slice(4, 6)) await deliver(h, 'TelcoA', telcoC);
    await deliver(hashes[6]!, 'TelcoC', telcoB);
    await call(telcoB, 'acknowledgeReceipt', { documentHash: hashes[0]! });

    const list = async (who: CallerInfo, args: Record<string, unknown> = {}) =>
      (await query(who, 'listDeliveries', args)).result as {
        deliveries: { documentHash: string; sender: string; recipient: string; receivedAt?: string }[];
        next?: string;
      };
    const sorted = (hs: string[]) => [...hs].sort();

    const all = await list(telcoA);
    expect(all.deliveries.map((d) => d.documentHash)).toEqual(sorted(hashes.slice(0, 6)));
    expect(all.next).toBeUndefined();
    expect((await list(telcoA, { as: 'sender' })).deliveries.map((d) => d.documentHash)).toEqual(
      sorted(hashes.slice(0, 4)),
    );
    expect((await list(telcoA, { as: 'recipient' })).deliveries.map((d) => d.documentHash)).toEqual(
      sorted(hashes.slice(4, 6)),
    );
    expect(
      (await list(telcoB, { as: 'recipient', pendingOnly: true })).deliveries.map((d) => d.documentHash),
    ).toEqual(sorted(hashes.slice(1, 4)));
    expect((await list(regulator)).deliveries).toEqual([]);

    // Paging: 6 deliveries in pages of 4 then 2, without gaps or repeats.
    const page1 = await list(telcoA, { limit: 4 });
    expect(page1.deliveries).toHaveLength(4);
    expect(page1.next).toBe(page1.deliveries[3]!.documentHash);
    const page2 = await list(telcoA, { limit: 4, after: page1.next });
    expect(page2.next).toBeUndefined();
    expect([...page1.deliveries, ...page2.deliveries].map((d) => d.documentHash)).toEqual(
      all.deliveries.map((d) => d.documentHash),
    );
  });

  it('refuses a bad page argument', async () => {
    expect((await query(telcoA, 'listDeliveries', { after: 'zz' })).error?.code).toBe(
      'INVALID_DOCUMENT_HASH',
    );
    expect((await query(telcoA, 'listDeliveries', { limit: 0 })).error?.code).toBe('INVALID_ARGUMENT');
    expect((await query(telcoA, 'listDeliveries', { as: 'auditor' })).error?.code).toBe('INVALID_ARGUMENT');
  });
});
