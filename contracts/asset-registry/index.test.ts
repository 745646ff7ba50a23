import { beforeEach, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../src/common/index.js';
import {
  type CallerInfo,
  ContractTestBench,
  describeContract,
  type FunctionKind,
  type MemoryState,
  testCaller,
} from '../../src/contract/index.js';
import assetRegistry, { type Asset } from './index.js';

const NS = 'asset-registry';

const telcoA = testCaller('TelcoA', 'ann', '01');
const telcoB = testCaller('TelcoB', 'bob', '02');

let bench: ContractTestBench;
let state: MemoryState;

beforeEach(() => {
  bench = new ContractTestBench({ definition: assetRegistry, caller: telcoA });
  state = bench.state;
});

/** Simulates one call; a valid transaction is committed to `state`, as a peer would. */
const call = (
  fn: string,
  argsJson: Record<string, unknown>,
  opts: { caller?: CallerInfo; kind?: FunctionKind } = {},
) => bench.call(fn, argsJson, opts);

const query = (fn: string, argsJson: Record<string, unknown>, caller?: CallerInfo) =>
  call(fn, argsJson, caller ? { kind: 'query', caller } : { kind: 'query' });

function stored(id: string): Asset | undefined {
  const entry = state.getState(NS, id);
  return entry === undefined ? undefined : (JSON.parse(fromUtf8(entry.value)) as Asset);
}

describe('createAsset', () => {
  it("stores the asset with the caller's org and the proposal time, and emits AssetCreated", async () => {
    const sim = await call('createAsset', { id: 'car1', owner: 'ann', value: 100 });
    const expected = {
      id: 'car1',
      owner: 'ann',
      ownerOrg: 'TelcoA',
      value: 100,
      updatedAt: '2025-01-01T00:01:00.000Z',
    };
    expect(sim.ok).toBe(true);
    expect(sim.result).toEqual(expected);
    expect(stored('car1')).toEqual(expected);
    expect(sim.events.map((e) => [e.name, JSON.parse(fromUtf8(e.payload))])).toEqual([
      ['AssetCreated', expected],
    ]);
    const ns = sim.rwset.ns[0]!;
    expect(ns.namespace).toBe(NS);
    expect(ns.reads.map((r) => [r.key, r.version])).toEqual([['car1', undefined]]);
    expect(ns.writes.map((w) => w.key)).toEqual(['car1']);
  });

  it('refuses an id that exists with ASSET_EXISTS', async () => {
    await call('createAsset', { id: 'car1', owner: 'ann', value: 100 });
    const sim = await call('createAsset', { id: 'car1', owner: 'bob', value: 5 }, { caller: telcoB });
    expect(sim.error).toMatchObject({ code: 'ASSET_EXISTS', detail: { id: 'car1' } });
    expect(stored('car1')?.owner).toBe('ann');
  });

  it.each([
    [{ id: '', owner: 'ann', value: 1 }, 'id'],
    [{ id: 'x', owner: 'ann', value: 1.5 }, 'value'],
    [{ id: 'x', owner: 'ann', value: -1 }, 'value'],
    [{ id: 'x', value: 1 }, 'owner'],
  ])('refuses %j with INVALID_ARGUMENT naming %s', async (args, field) => {
    const sim = await call('createAsset', args);
    expect(sim.error?.code).toBe('INVALID_ARGUMENT');
    expect(sim.error?.message).toContain(`'${field}'`);
  });
});

describe('transferAsset', () => {
  beforeEach(async () => {
    await call('createAsset', { id: 'car1', owner: 'ann', value: 100 });
  });

  it('lets the owning org transfer, records the new owner and org, and emits AssetTransferred', async () => {
    const sim = await call('transferAsset', { id: 'car1', newOwner: 'carol' });
    expect(sim.ok).toBe(true);
    expect(stored('car1')).toEqual({
      id: 'car1',
      owner: 'carol',
      ownerOrg: 'TelcoA',
      value: 100,
      updatedAt: '2025-01-01T00:02:00.000Z',
    });
    expect(sim.events.map((e) => [e.name, JSON.parse(fromUtf8(e.payload))])).toEqual([
      ['AssetTransferred', { id: 'car1', from: 'ann', to: 'carol' }],
    ]);
    expect(sim.rwset.ns[0]?.reads.map((r) => [r.key, r.version?.block])).toEqual([['car1', 1n]]);
  });

  it('refuses a caller of another org with NOT_OWNER and changes nothing', async () => {
    const sim = await call('transferAsset', { id: 'car1', newOwner: 'bob' }, { caller: telcoB });
    expect(sim.error).toMatchObject({
      code: 'NOT_OWNER',
      detail: { id: 'car1', ownerOrg: 'TelcoA', callerOrg: 'TelcoB' },
    });
    expect(sim.rwset.ns).toEqual([]);
    expect(stored('car1')?.owner).toBe('ann');
  });

  it('refuses an unknown asset with UNKNOWN_ASSET', async () => {
    const sim = await call('transferAsset', { id: 'nope', newOwner: 'bob' });
    expect(sim.error?.code).toBe('UNKNOWN_ASSET');
  });
});

describe('updateValue and deleteAsset', () => {
  beforeEach(async () => {
    await call('createAsset', { id: 'car1', owner: 'ann', value: 100 });
  });

  it('updates the value for the owning org', async () => {
    const sim = await call('updateValue', { id: 'car1', value: 250 });
    expect(sim.ok).toBe(true);
    expect(stored('car1')).toMatchObject({ value: 250, owner: 'ann', updatedAt: '2025-01-01T00:02:00.000Z' });
    expect(sim.events[0]?.name).toBe('AssetValueUpdated');
  });

  it('refuses updateValue from another org (NOT_OWNER) and of an unknown asset (UNKNOWN_ASSET)', async () => {
    expect((await call('updateValue', { id: 'car1', value: 1 }, { caller: telcoB })).error?.code).toBe(
      'NOT_OWNER',
    );
    expect((await call('updateValue', { id: 'car9', value: 1 })).error?.code).toBe('UNKNOWN_ASSET');
    expect(stored('car1')?.value).toBe(100);
  });

  it('deletes for the owning org and emits AssetDeleted', async () => {
    const sim = await call('deleteAsset', { id: 'car1' });
    expect(sim.result).toEqual({ id: 'car1', deleted: true });
    expect(sim.rwset.ns[0]?.writes.map((w) => [w.key, w.isDelete])).toEqual([['car1', true]]);
    expect(sim.events.map((e) => e.name)).toEqual(['AssetDeleted']);
    expect(stored('car1')).toBeUndefined();
    expect((await query('readAsset', { id: 'car1' })).error?.code).toBe('UNKNOWN_ASSET');
  });

  it('refuses deleteAsset from another org (NOT_OWNER) and of an unknown asset (UNKNOWN_ASSET)', async () => {
    expect((await call('deleteAsset', { id: 'car1' }, { caller: telcoB })).error?.code).toBe('NOT_OWNER');
    expect((await call('deleteAsset', { id: 'car9' })).error?.code).toBe('UNKNOWN_ASSET');
    expect(stored('car1')).toBeDefined();
  });

  it('keeps the owning org after a transfer, so other orgs still cannot change the asset', async () => {
    expect((await call('transferAsset', { id: 'car1', newOwner: 'bob' })).ok).toBe(true);
    expect(stored('car1')).toMatchObject({ owner: 'bob', ownerOrg: 'TelcoA' });
    expect((await call('updateValue', { id: 'car1', value: 1 }, { caller: telcoB })).error?.code).toBe(
      'NOT_OWNER',
    );
  });
});

describe('queries', () => {
  beforeEach(async () => {
    for (const [id, value] of [
      ['a1', 1],
      ['a2', 2],
      ['b1', 3],
    ] as const) {
      await call('createAsset', { id, owner: 'ann', value });
    }
  });

  it('readAsset returns the asset to any org, and UNKNOWN_ASSET for a missing one', async () => {
    const sim = await query('readAsset', { id: 'a2' }, telcoB);
    expect(sim.result).toMatchObject({ id: 'a2', value: 2 });
    expect((await query('readAsset', { id: 'zz' })).error).toMatchObject({
      code: 'UNKNOWN_ASSET',
      detail: { id: 'zz' },
    });
  });

  it('listAssets lists all assets in key order, or a key range', async () => {
    const all = await query('listAssets', {});
    expect((all.result as Asset[]).map((a) => a.id)).toEqual(['a1', 'a2', 'b1']);
    expect(all.rwset.ns[0]?.rangeQueries[0]).toMatchObject({ startKey: '', endKey: '', exhausted: true });
    const someA = await query('listAssets', { startKey: 'a', endKey: 'b' });
    expect((someA.result as Asset[]).map((a) => a.id)).toEqual(['a1', 'a2']);
  });

  it('assetHistory gives every committed change, oldest first, including the delete', async () => {
    await call('updateValue', { id: 'a1', value: 10 });
    await call('deleteAsset', { id: 'a1' });
    const sim = await query('assetHistory', { id: 'a1' });
    const history = sim.result as Array<{ txId: string; isDelete: boolean; value?: Asset }>;
    expect(history.map((h) => [h.txId, h.isDelete, h.value?.value])).toEqual([
      ['tx1', false, 1],
      ['tx4', false, 10],
      ['tx5', true, undefined],
    ]);
    expect((await query('assetHistory', { id: 'never' })).error?.code).toBe('UNKNOWN_ASSET');
  });

  it('are read-only: a query cannot be submitted and a transaction cannot be evaluated', async () => {
    expect((await call('readAsset', { id: 'a1' })).error?.code).toBe('UNKNOWN_FUNCTION');
    expect((await query('createAsset', { id: 'z', owner: 'x', value: 1 })).error?.code).toBe(
      'UNKNOWN_FUNCTION',
    );
  });
});

describe('description', () => {
  it('describes every function with a JSON Schema of its arguments', () => {
    const d = describeContract(assetRegistry);
    expect(d).toMatchObject({ name: NS, version: '1.0' });
    expect(Object.keys(d.transactions).sort()).toEqual([
      'createAsset',
      'deleteAsset',
      'transferAsset',
      'updateValue',
    ]);
    expect(Object.keys(d.queries).sort()).toEqual(['assetHistory', 'listAssets', 'readAsset']);
    expect(d.transactions.createAsset?.argsJsonSchema).toMatchObject({
      type: 'object',
      required: ['id', 'owner', 'value'],
      properties: { id: { type: 'string', minLength: 1, description: 'asset id (also its state key)' } },
    });
    expect(d.queries.listAssets?.argsJsonSchema).not.toHaveProperty('required');
  });
});
