import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../src/common/index.js';
import {
  type CallerInfo,
  ContractTestBench,
  describeContract,
  type FunctionKind,
  testCaller,
} from '../../src/contract/index.js';
import proofRegistry from './index.js';

const NS = 'proof-registry';

const telcoA = testCaller('TelcoA', 'ann', '01');
const telcoB = testCaller('TelcoB', 'bob', '02');

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const doc1 = sha('contract #1');
const doc2 = sha('contract #2');

let bench: ContractTestBench;

beforeEach(() => {
  bench = new ContractTestBench({ definition: proofRegistry, caller: telcoA });
});

const call = (
  fn: string,
  argsJson: Record<string, unknown>,
  opts: { caller?: CallerInfo; kind?: FunctionKind } = {},
) => bench.call(fn, argsJson, opts);

const lookup = (hash: unknown, caller: CallerInfo = telcoA) =>
  call('lookup', { hash }, { kind: 'query', caller });

describe('register', () => {
  it("is one blind write of the caller's org under p:<hash>: no read, no result, no event", async () => {
    const sim = await call('register', { hash: doc1 });
    expect(sim.ok).toBe(true);
    expect(sim.result).toBeUndefined();
    expect(sim.events).toEqual([]);
    expect(sim.rwset.ns).toHaveLength(1);
    const ns = sim.rwset.ns[0]!;
    expect(ns.namespace).toBe(NS);
    expect(ns.reads).toEqual([]);
    expect(ns.rangeQueries).toEqual([]);
    expect(ns.keyPolicies).toEqual([]);
    expect(ns.writes).toHaveLength(1);
    expect(ns.writes[0]!.key).toBe(`p:${doc1}`);
    expect(ns.writes[0]!.isDelete).toBe(false);
    expect(fromUtf8(ns.writes[0]!.value)).toBe('"TelcoA"');
  });

  it('stays a blind write when the hash is already registered, and overwrites the value', async () => {
    await call('register', { hash: doc1 });
    const again = await call('register', { hash: doc1 }, { caller: telcoB });
    expect(again.ok).toBe(true);
    expect(again.rwset.ns[0]!.reads).toEqual([]);
    expect(fromUtf8(bench.state.getState(NS, `p:${doc1}`)!.value)).toBe('"TelcoB"');
  });

  it.each([
    ['upper-case hex', doc1.toUpperCase()],
    ['63 characters', doc1.slice(1)],
    ['65 characters', `${doc1}0`],
    ['not hex', 'g'.repeat(64)],
    ['a 0x prefix', `0x${doc1.slice(2)}`],
    ['empty', ''],
    ['a number', 42],
    ['missing', undefined],
  ])('refuses a hash that is %s with INVALID_ARGUMENT and writes nothing', async (_label, hash) => {
    const sim = await call('register', hash === undefined ? {} : { hash });
    expect(sim.ok).toBe(false);
    expect(sim.error?.code).toBe('INVALID_ARGUMENT');
    expect(sim.rwset.ns).toEqual([]);
  });

  it('refuses arguments other than hash with INVALID_ARGUMENT', async () => {
    const sim = await call('register', { hash: doc1, note: 'x' });
    expect(sim.error?.code).toBe('INVALID_ARGUMENT');
  });
});

describe('lookup', () => {
  it('reports the first of several registrations by different orgs, and their count', async () => {
    const first = await call('register', { hash: doc1 });
    expect(first.ok).toBe(true);
    await call('register', { hash: doc1 }, { caller: telcoB });
    await call('register', { hash: doc2 }, { caller: telcoB });
    const sim = await lookup(doc1, telcoB);
    expect(sim.ok).toBe(true);
    // ContractTestBench: call n is tx<n>, at 2025-01-01 plus n minutes.
    expect(sim.result).toEqual({
      hash: doc1,
      firstRegistered: { org: 'TelcoA', txId: 'tx1', timestamp: '2025-01-01T00:01:00.000Z' },
      registrations: 2,
    });
    expect((await lookup(doc2)).result).toMatchObject({
      firstRegistered: { org: 'TelcoB', txId: 'tx3' },
      registrations: 1,
    });
  });

  it('answers UNKNOWN_PROOF for a hash never registered', async () => {
    await call('register', { hash: doc1 });
    const sim = await lookup(doc2);
    expect(sim.ok).toBe(false);
    expect(sim.error).toMatchObject({ code: 'UNKNOWN_PROOF', detail: { hash: doc2 } });
  });

  it('refuses a malformed hash with INVALID_ARGUMENT', async () => {
    expect((await lookup('abc')).error?.code).toBe('INVALID_ARGUMENT');
  });
});

describe('description', () => {
  it('has register as its only transaction and lookup as its only query', () => {
    const d = describeContract(proofRegistry);
    expect(d.name).toBe(NS);
    expect(Object.keys(d.transactions)).toEqual(['register']);
    expect(Object.keys(d.queries)).toEqual(['lookup']);
  });
});
