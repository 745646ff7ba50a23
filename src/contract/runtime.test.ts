import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../common/index.js';
import { MemoryState } from './memoryState.js';
import { ContractRuntime } from './runtime.js';
import type { SimulationInfo } from './types.js';

const probe = fileURLToPath(new URL('./testdata/probe.ts', import.meta.url));
const impostor = new URL('./testdata/notAContract.ts', import.meta.url).href;

const info: SimulationInfo = {
  txId: 'tx1',
  channel: 'telecom',
  timestamp: Date.UTC(2025, 0, 2, 3, 4, 5),
  caller: { mspId: 'TelcoA', role: 'client', id: 'TelcoA::ann::01', name: 'ann', attributes: {} },
};

describe('ContractRuntime in worker threads', () => {
  let runtime: ContractRuntime;
  const state = new MemoryState();
  state.set('probe', 'src', utf8('{"n":7}'), { block: 4, tx: 2 });
  state.set('probe', 'n1', utf8('1'), { block: 1, tx: 0 });
  state.set('probe', 'n2', utf8('2'), { block: 1, tx: 1 });
  state.addHistory('probe', 'n1', {
    blockNumber: 1,
    txIndex: 0,
    txId: 'tx0',
    timestamp: 0,
    isDelete: false,
    value: utf8('1'),
  });

  beforeAll(() => {
    runtime = new ContractRuntime({
      contracts: new Map([
        ['probe', probe],
        ['impostor', impostor],
        ['misnamed', probe],
      ]),
      timeoutMs: 300,
      threads: 1,
    });
  });
  afterAll(async () => {
    await runtime.close();
  });

  const call = (
    fn: string,
    argsJson: Record<string, unknown> = {},
    kind: 'transaction' | 'query' = 'transaction',
  ) => runtime.execute({ contract: 'probe', fn, argsJson, kind, info }, state, state.history);

  it('runs a transaction that reads state from the main thread', async () => {
    const sim = await call('copy', { from: 'src', to: 'dst' });
    expect(sim.error).toBeUndefined();
    expect(sim.ok).toBe(true);
    expect(sim.result).toEqual({ copied: { n: 7 } });
    const ns = sim.rwset.ns[0]!;
    expect(ns.namespace).toBe('probe');
    expect(ns.reads.map((r) => [r.key, r.version?.block, r.version?.tx])).toEqual([['src', 4n, 2]]);
    expect(ns.writes.map((w) => [w.key, new TextDecoder().decode(w.value)])).toEqual([['dst', '{"n":7}']]);
    expect(sim.events.map((e) => e.name)).toEqual(['Copied']);
  });

  it('serves range reads and history from the main thread', async () => {
    const sim = await call('sum', { start: 'n', end: 'o' }, 'query');
    expect(sim.result).toEqual({
      total: 3,
      keys: ['n1', 'n2'],
      history: [{ txId: 'tx0', at: '1970-01-01T00:00:00.000Z', value: 1 }],
    });
    expect(sim.rwset.ns[0]?.rangeQueries[0]?.exhausted).toBe(true);
  });

  it('records an early-stopped range read from the main thread as not exhausted', async () => {
    const sim = await call('firstKey', {}, 'query');
    expect(sim.result).toBe('n1');
    const rq = sim.rwset.ns[0]?.rangeQueries[0];
    expect(rq?.exhausted).toBe(false);
    expect(rq?.reads.map((r) => r.key)).toEqual(['n1']);
  });

  it('stops a busy loop with CONTRACT_TIMEOUT and keeps serving', async () => {
    expect((await call('epoch')).ok).toBe(true); // a warm worker: the budget counts from the run's start
    const started = process.hrtime.bigint();
    const sim = await call('spin');
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(sim.ok).toBe(false);
    expect(sim.error?.code).toBe('CONTRACT_TIMEOUT');
    expect(sim.rwset.ns).toEqual([]);
    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    expect(elapsedMs).toBeLessThan(1500);
    const next = await call('copy', { from: 'src', to: 'dst2' });
    expect(next.ok).toBe(true);
  });

  it.each([
    ['clock', 'Date.now()'],
    ['newDate', 'new Date()'],
    ['random', 'Math.random()'],
    ['uuid', 'crypto.randomUUID()'],
    ['bytes', 'crypto.randomBytes()'],
    ['perf', 'performance.now()'],
    ['hrtime', 'process.hrtime.bigint()'],
  ])('refuses %s with NONDETERMINISM', async (fn, api) => {
    const sim = await call(fn);
    expect(sim.ok).toBe(false);
    expect(sim.error?.code).toBe('NONDETERMINISM');
    expect(sim.error?.detail).toEqual({ api });
  });

  it('keeps new Date(x) and ctx.timestamp working in the sandbox', async () => {
    const sim = await call('epoch');
    expect(sim.result).toEqual({ epoch: '1970-01-01T00:00:00.000Z', at: '2025-01-02T03:04:05.000Z' });
  });

  it('reports a failing ledger read in the main thread as STATE_READ_FAILED', async () => {
    const broken = {
      getState: () => {
        throw new Error('lmdb: MDB_CORRUPTED');
      },
      rangeState: () => [],
      getKeyPolicy: () => undefined,
    };
    const sim = await runtime.execute(
      { contract: 'probe', fn: 'copy', argsJson: { from: 'a', to: 'b' }, info },
      broken,
    );
    expect(sim.error).toMatchObject({
      code: 'STATE_READ_FAILED',
      message: expect.stringContaining('MDB_CORRUPTED'),
    });
  });

  it('refuses modules that are not the registered contract with INVALID_CONTRACT', async () => {
    const notContract = await runtime.execute({ contract: 'impostor', fn: 'x', argsJson: {}, info }, state);
    expect(notContract.error?.code).toBe('INVALID_CONTRACT');
    expect(notContract.error?.message).toContain('must default-export defineContract');
    const misnamed = await runtime.execute({ contract: 'misnamed', fn: 'epoch', argsJson: {}, info }, state);
    expect(misnamed.error?.code).toBe('INVALID_CONTRACT');
    expect(misnamed.error?.message).toContain("defines contract 'probe' but is registered as 'misnamed'");
    expect(() => runtime.describe('impostor')).toThrow(expect.objectContaining({ code: 'INVALID_CONTRACT' }));
  });

  it('reports an unknown contract', async () => {
    const sim = await runtime.execute({ contract: 'nope', fn: 'x', argsJson: {}, info }, state);
    expect(sim.error?.code).toBe('UNKNOWN_CONTRACT');
    expect(sim.error?.message).toContain('installed contracts: impostor, misnamed, probe');
    expect(() => runtime.describe('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_CONTRACT' }));
  });

  it('describes a contract synchronously', () => {
    const d = runtime.describe('probe');
    expect(Object.keys(d.transactions)).toContain('copy');
    expect(d.queries.sum?.argsJsonSchema).toMatchObject({
      type: 'object',
      properties: { start: { type: 'string' } },
    });
  });
});

describe('ContractRuntime in process', () => {
  it('runs contracts in this thread, commits through MemoryState, and reports RUNTIME_CLOSED after close', async () => {
    const runtime = new ContractRuntime({ contracts: new Map([['probe', probe]]), inProcess: true });
    const state = new MemoryState();
    state.set('probe', 'src', utf8('5'), { block: 1, tx: 0 });
    const first = await runtime.execute(
      { contract: 'probe', fn: 'copy', argsJson: { from: 'src', to: 'dst' }, info },
      state,
    );
    expect(first.result).toEqual({ copied: 5 });
    expect(state.commit(first.rwset)).toEqual({ block: 2, tx: 0 });
    expect(state.getState('probe', 'dst')?.version).toEqual({ block: 2, tx: 0 });
    const bad = await runtime.execute(
      { contract: 'probe', fn: 'copy', argsJson: { from: 'zz', to: 'x' }, info },
      state,
    );
    expect(bad.error).toMatchObject({ code: 'MISSING' });
    await runtime.close();
    const closed = await runtime.execute({ contract: 'probe', fn: 'epoch', argsJson: {}, info }, state);
    expect(closed.error?.code).toBe('RUNTIME_CLOSED');
  });

  it('refuses bad options', () => {
    expect(() => new ContractRuntime({ contracts: new Map(), timeoutMs: 0 })).toThrow(
      /timeoutMs must be a positive number/,
    );
  });
});
