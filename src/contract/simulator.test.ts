import { toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fromUtf8, utf8 } from '../common/index.js';
import { type NsRwSet, TxRwSetSchema } from '../protocol/index.js';
import { defineContract } from './defineContract.js';
import { ContractError } from './errors.js';
import { MemoryState } from './memoryState.js';
import { simulate } from './simulator.js';
import type { Context, FunctionKind, SimulationInfo, StateReader } from './types.js';

const NS = 'lab';

const info: SimulationInfo = {
  txId: 'tx-42',
  channel: 'telecom',
  timestamp: Date.UTC(2025, 5, 1, 12, 0, 0),
  caller: {
    mspId: 'TelcoA',
    role: 'client',
    id: 'TelcoA::ann::0a',
    name: 'ann',
    attributes: { department: 'billing' },
  },
  transient: new Map([['secret', utf8('s3cr3t')]]),
};

type Body = (ctx: Context, a: Record<string, unknown>) => unknown;

/** A contract whose one transaction and one query run the given bodies. */
function lab(tx: Body, query: Body = tx) {
  return defineContract({
    name: NS,
    version: '2.0',
    transactions: { tx: { args: z.object({}).passthrough(), run: (ctx, a) => tx(ctx, a) } },
    queries: { q: { args: z.object({}).passthrough(), run: (ctx, a) => query(ctx, a) } },
  });
}

function seeded(): MemoryState {
  const state = new MemoryState();
  state.set(NS, 'a', utf8('"A"'), { block: 1, tx: 0 });
  state.set(NS, 'b', utf8('"B"'), { block: 2, tx: 3 });
  state.set(NS, 'c', utf8('"C"'), { block: 3, tx: 1 });
  state.set(NS, 'raw', new Uint8Array([0xff, 0x00]), { block: 3, tx: 2 });
  state.set('other', 'a', utf8('"other"'), { block: 1, tx: 1 });
  return state;
}

async function run(body: Body, opts: { kind?: FunctionKind; state?: StateReader; args?: Record<string, unknown> } = {}) {
  const kind = opts.kind ?? 'transaction';
  const state = opts.state ?? seeded();
  return simulate({
    definition: lab(body),
    fn: kind === 'query' ? 'q' : 'tx',
    argsJson: opts.args ?? {},
    kind,
    info,
    state,
    history: state instanceof MemoryState ? state.history : undefined,
  });
}

function ns(sim: { rwset: { ns: NsRwSet[] } }): NsRwSet {
  expect(sim.rwset.ns).toHaveLength(1);
  return sim.rwset.ns[0]!;
}

const reads = (n: NsRwSet) => n.reads.map((r) => (r.version ? `${r.key}@${r.version.block}:${r.version.tx}` : `${r.key}@-`));
const writes = (n: NsRwSet) => n.writes.map((w) => (w.isDelete ? `${w.key}=DEL` : `${w.key}=${fromUtf8(w.value)}`));

describe('simulate: reads and writes', () => {
  it('records each first read with its committed version, and an absent version for a missing key', async () => {
    const sim = await run(async (ctx) => [await ctx.state.get('b'), await ctx.state.get('zz'), await ctx.state.get('b')]);
    expect(sim.ok).toBe(true);
    expect(sim.result).toEqual(['B', null, 'B']);
    const n = ns(sim);
    expect(n.namespace).toBe(NS);
    expect(reads(n)).toEqual(['b@2:3', 'zz@-']);
    expect(n.reads[1]?.version).toBeUndefined();
    expect(n.writes).toEqual([]);
  });

  it('returns its own writes (read-your-writes) without recording a read', async () => {
    const sim = await run(async (ctx) => {
      await ctx.state.put('new', { n: 1 });
      await ctx.state.delete('a');
      return { fresh: await ctx.state.get('new'), gone: (await ctx.state.get('a')) ?? 'gone' };
    });
    expect(sim.result).toEqual({ fresh: { n: 1 }, gone: 'gone' });
    expect(ns(sim).reads).toEqual([]);
  });

  it('keeps the last write per key, sorted by key, with deletes flagged', async () => {
    const sim = await run(async (ctx) => {
      await ctx.state.put('m', 1);
      await ctx.state.put('b', { z: 1, a: [true, null] });
      await ctx.state.put('m', 2);
      await ctx.state.delete('c');
      await ctx.state.putBytes('k', new Uint8Array([1, 2]));
    });
    const n = ns(sim);
    expect(writes(n)).toEqual(['b={"a":[true,null],"z":1}', 'c=DEL', `k=${fromUtf8(new Uint8Array([1, 2]))}`, 'm=2']);
    expect(n.writes[1]?.value).toEqual(new Uint8Array(0));
    expect(sim.result).toBeUndefined();
  });

  it('records a read and then a write of the same key (MVCC)', async () => {
    const sim = await run(async (ctx) => {
      const v = await ctx.state.get<string>('a');
      await ctx.state.put('a', `${v}!`);
    });
    expect(reads(ns(sim))).toEqual(['a@1:0']);
    expect(writes(ns(sim))).toEqual(['a="A!"']);
  });

  it('reads raw bytes with getBytes and refuses to JSON-decode them with NOT_JSON', async () => {
    const bytes = await run(async (ctx) => Array.from((await ctx.state.getBytes('raw')) ?? []));
    expect(bytes.result).toEqual([0xff, 0x00]);
    const json = await run(async (ctx) => ctx.state.get('raw'));
    expect(json.error?.code).toBe('NOT_JSON');
    expect(json.error?.message).toContain("'raw'");
  });

  it('only sees its own namespace', async () => {
    const sim = await run(async (ctx) => ctx.state.get('a'));
    expect(sim.result).toBe('A');
  });

  it.each([
    ['', 'non-empty'],
    ['a\u0000b', 'U+0000'],
    ['x'.repeat(1025), 'at most 1024'],
  ])('refuses key %j with INVALID_KEY', async (key, words) => {
    for (const body of [
      (ctx: Context) => ctx.state.get(key),
      (ctx: Context) => ctx.state.put(key, 1),
      (ctx: Context) => ctx.state.delete(key),
    ]) {
      const sim = await run(body);
      expect(sim.error?.code).toBe('INVALID_KEY');
      expect(sim.error?.message).toContain(words);
    }
  });

  it('accepts a key of exactly 1024 characters', async () => {
    const sim = await run(async (ctx) => ctx.state.put('k'.repeat(1024), 1));
    expect(sim.ok).toBe(true);
  });

  it('reports a failing state reader as STATE_READ_FAILED', async () => {
    const broken: StateReader = {
      getState: () => {
        throw new Error('disk on fire');
      },
      rangeState: () => [],
      getKeyPolicy: () => undefined,
    };
    const sim = await run(async (ctx) => ctx.state.get('a'), { state: broken });
    expect(sim.error).toMatchObject({ code: 'STATE_READ_FAILED', message: 'reading world state failed: disk on fire' });
  });
});

describe('simulate: range reads', () => {
  const keysOf = (items: Array<{ key: string }>) => items.map((i) => i.key);

  it('records the keys and versions seen and exhausted=true when the iteration reaches the end', async () => {
    const sim = await run(async (ctx) => {
      const out: Array<{ key: string; value: unknown }> = [];
      for await (const kv of ctx.state.range('a', 'c')) out.push(kv);
      return out;
    });
    expect(sim.result).toEqual([
      { key: 'a', value: 'A' },
      { key: 'b', value: 'B' },
    ]);
    const rq = ns(sim).rangeQueries;
    expect(rq).toHaveLength(1);
    expect(rq[0]).toMatchObject({ startKey: 'a', endKey: 'c', exhausted: true });
    expect(rq[0]?.reads.map((r) => `${r.key}@${r.version?.block}:${r.version?.tx}`)).toEqual(['a@1:0', 'b@2:3']);
    expect(ns(sim).reads).toEqual([]);
  });

  it('records exhausted=false and only the keys read when the contract stops early', async () => {
    const sim = await run(async (ctx) => {
      for await (const kv of ctx.state.rangeBytes('', '')) return kv.key;
      return null;
    });
    expect(sim.result).toBe('a');
    const rq = ns(sim).rangeQueries[0]!;
    expect(rq.exhausted).toBe(false);
    expect(rq.reads.map((r) => r.key)).toEqual(['a']);
  });

  it("treats '' as the end of the namespace", async () => {
    const sim = await run(async (ctx) => {
      const out: Array<{ key: string }> = [];
      for await (const kv of ctx.state.rangeBytes('b', '')) out.push(kv);
      return keysOf(out);
    });
    expect(sim.result).toEqual(['b', 'c', 'raw']);
    expect(ns(sim).rangeQueries[0]?.exhausted).toBe(true);
  });

  it('merges pending writes and deletes into the results but records only committed keys', async () => {
    const sim = await run(async (ctx) => {
      await ctx.state.put('aa', 'new');
      await ctx.state.put('b', 'B2');
      await ctx.state.delete('c');
      await ctx.state.put('d', 'D');
      await ctx.state.put('zz', 'outside');
      const out: Array<{ key: string; value: unknown }> = [];
      for await (const kv of ctx.state.range('a', 'e')) out.push(kv);
      return out;
    });
    expect(sim.result).toEqual([
      { key: 'a', value: 'A' },
      { key: 'aa', value: 'new' },
      { key: 'b', value: 'B2' },
      { key: 'd', value: 'D' },
    ]);
    const rq = ns(sim).rangeQueries[0]!;
    expect(rq.exhausted).toBe(true);
    expect(rq.reads.map((r) => r.key)).toEqual(['a', 'b', 'c']);
  });

  it('records one range query per iteration, in order', async () => {
    const sim = await run(async (ctx) => {
      const r = ctx.state.rangeBytes('a', 'b');
      for await (const _ of r) {
        // drain
      }
      for await (const _ of ctx.state.rangeBytes('c', 'd')) {
        // drain
      }
    });
    expect(ns(sim).rangeQueries.map((q) => `${q.startKey}-${q.endKey}`)).toEqual(['a-b', 'c-d']);
  });

  it('refuses a range key containing U+0000', async () => {
    const sim = await run(async (ctx) => ctx.state.rangeBytes('a\u0000', ''));
    expect(sim.error?.code).toBe('INVALID_KEY');
  });
});

describe('simulate: key policies, events, history, context', () => {
  it('records key policy writes in canonical form, sorted, and null clears', async () => {
    const state = seeded();
    state.setKeyPolicy(NS, 'b', "OR('TelcoA.member')");
    const sim = await run(
      async (ctx) => {
        const before = await ctx.state.getKeyPolicy('b');
        await ctx.state.setKeyPolicy('z', "and('TelcoA.peer',   'Regulator.peer')");
        await ctx.state.setKeyPolicy('b', null);
        return { before, after: (await ctx.state.getKeyPolicy('b')) ?? 'none', z: await ctx.state.getKeyPolicy('z') };
      },
      { state },
    );
    expect(sim.result).toEqual({
      before: "OR('TelcoA.member')",
      after: 'none',
      z: "AND('TelcoA.peer', 'Regulator.peer')",
    });
    const n = ns(sim);
    expect(n.keyPolicies.map((p) => [p.key, p.policy])).toEqual([
      ['b', ''],
      ['z', "AND('TelcoA.peer', 'Regulator.peer')"],
    ]);
    expect(reads(n)).toEqual(['b@2:3']);
  });

  it('refuses a policy that does not parse with the policy error', async () => {
    const sim = await run(async (ctx) => ctx.state.setKeyPolicy('a', "AND('TelcoA.member'"));
    expect(sim.error?.code).toBe('POLICY_SYNTAX');
  });

  it('emits events in order with canonical JSON payloads', async () => {
    const sim = await run((ctx) => {
      ctx.emit('First', { b: 2, a: 1 });
      ctx.emit('Second', null);
    });
    expect(sim.events.map((e) => [e.name, fromUtf8(e.payload)])).toEqual([
      ['First', '{"a":1,"b":2}'],
      ['Second', 'null'],
    ]);
  });

  it('refuses an event payload that is not JSON with CONTRACT_FAILED', async () => {
    const sim = await run((ctx) => ctx.emit('Bad', { n: 10n }));
    expect(sim.error?.code).toBe('CONTRACT_FAILED');
    expect(sim.error?.message).toContain("the payload of event 'Bad' is not JSON-serialisable at $.n");
  });

  it('gives history oldest first with decoded values and Date timestamps', async () => {
    const state = seeded();
    state.addHistory(NS, 'a', { blockNumber: 1, txIndex: 0, txId: 't1', timestamp: 1000, isDelete: false, value: utf8('1') });
    state.addHistory(NS, 'a', { blockNumber: 2, txIndex: 0, txId: 't2', timestamp: 2000, isDelete: true });
    const sim = await run(
      async (ctx) =>
        (await ctx.state.history('a')).map((h) => ({ ...h, timestamp: h.timestamp.toISOString(), value: h.value ?? null })),
      { state },
    );
    expect(sim.result).toEqual([
      { txId: 't1', timestamp: '1970-01-01T00:00:01.000Z', isDelete: false, value: 1 },
      { txId: 't2', timestamp: '1970-01-01T00:00:02.000Z', isDelete: true, value: null },
    ]);
    expect(ns(sim).reads).toEqual([]);
  });

  it('reports HISTORY_UNAVAILABLE when the peer gives no history reader', async () => {
    const state = seeded();
    const sim = await simulate({
      definition: lab((ctx) => ctx.state.history('a')),
      fn: 'tx',
      argsJson: {},
      info,
      state,
    });
    expect(sim.error?.code).toBe('HISTORY_UNAVAILABLE');
  });

  it('exposes the proposal data, the caller and transient data', async () => {
    const sim = await run((ctx) => ({
      txId: ctx.txId,
      channel: ctx.channel,
      contract: ctx.contract,
      at: ctx.timestamp.toISOString(),
      mspId: ctx.caller.mspId,
      role: ctx.caller.role,
      dept: ctx.caller.attr('department'),
      missing: ctx.caller.attr('toString') ?? 'none',
      secret: fromUtf8(ctx.transient.get('secret')!),
    }));
    expect(sim.result).toEqual({
      txId: 'tx-42',
      channel: 'telecom',
      contract: NS,
      at: '2025-06-01T12:00:00.000Z',
      mspId: 'TelcoA',
      role: 'client',
      dept: 'billing',
      missing: 'none',
      secret: 's3cr3t',
    });
  });

  it('refuses use of ctx after the function returned with SIMULATION_CLOSED', async () => {
    let kept: Context | undefined;
    const sim = await run((ctx) => {
      kept = ctx;
    });
    expect(sim.ok).toBe(true);
    expect(() => kept!.state.put('a', 1)).toThrow(expect.objectContaining({ code: 'SIMULATION_CLOSED' }));
    expect(() => kept!.emit('Late', 1)).toThrow(expect.objectContaining({ code: 'SIMULATION_CLOSED' }));
    await expect(kept!.state.get('a')).rejects.toMatchObject({ code: 'SIMULATION_CLOSED' });
  });
});

describe('simulate: queries are read-only', () => {
  it.each([
    ['put', (ctx: Context) => ctx.state.put('a', 1)],
    ['putBytes', (ctx: Context) => ctx.state.putBytes('a', new Uint8Array(1))],
    ['delete', (ctx: Context) => ctx.state.delete('a')],
    ['setKeyPolicy', (ctx: Context) => ctx.state.setKeyPolicy('a', null)],
    ['emit', (ctx: Context) => ctx.emit('E', 1)],
  ])('refuses %s in a query with READ_ONLY', async (op, body) => {
    const sim = await run(body, { kind: 'query' });
    expect(sim.ok).toBe(false);
    expect(sim.error?.code).toBe('READ_ONLY');
    expect(sim.error?.message).toContain(`${NS}.q is a query`);
    expect(sim.error?.detail).toEqual({ op });
  });

  it('lets a query read, and returns its reads', async () => {
    const sim = await run(async (ctx) => ctx.state.get('c'), { kind: 'query' });
    expect(sim.result).toBe('C');
    expect(reads(ns(sim))).toEqual(['c@3:1']);
  });
});

describe('simulate: errors and results', () => {
  it('surfaces a ContractError with its code and detail, and an empty rwset', async () => {
    const sim = await run(async (ctx) => {
      await ctx.state.put('a', 1);
      ctx.emit('Never', {});
      throw new ContractError('NOT_OWNER', 'asset a belongs to TelcoB', { owner: 'TelcoB' });
    });
    expect(sim).toMatchObject({
      ok: false,
      error: { code: 'NOT_OWNER', message: 'asset a belongs to TelcoB', detail: { owner: 'TelcoB' } },
    });
    expect(sim.rwset.ns).toEqual([]);
    expect(sim.events).toEqual([]);
  });

  it('turns any other thrown error into CONTRACT_FAILED naming the function', async () => {
    const sim = await run(() => {
      throw new TypeError('x is undefined');
    });
    expect(sim.error).toEqual({ code: 'CONTRACT_FAILED', message: 'lab.tx failed: x is undefined' });
  });

  it.each([
    ['a bigint', () => 1n, '$'],
    ['a Map', () => ({ m: new Map() }), '$.m'],
    ['a function', () => [() => 1], '$[0]'],
    ['NaN', () => ({ n: Number.NaN }), '$.n'],
    ['a forgotten await', (ctx: Context) => ({ p: ctx.state.get('a') }), '$.p'],
  ])('refuses %s as a result with CONTRACT_FAILED', async (_what, body, path) => {
    const sim = await run(body);
    expect(sim.error?.code).toBe('CONTRACT_FAILED');
    expect(sim.error?.message).toContain(`the result of lab.tx is not JSON-serialisable at ${path}`);
    expect(sim.rwset.ns).toEqual([]);
  });

  it('refuses a cyclic result', async () => {
    const sim = await run(() => {
      const o: Record<string, unknown> = {};
      o.self = o;
      return o;
    });
    expect(sim.error?.message).toContain('cycle');
  });

  it('returns JSON values as JSON would (Dates as ISO text, undefined fields dropped)', async () => {
    const sim = await run(() => ({ at: new Date(0), gone: undefined, n: -0 }));
    expect(sim.result).toEqual({ at: '1970-01-01T00:00:00.000Z', n: 0 });
  });
});

describe('simulate: functions and arguments', () => {
  const assets = defineContract({
    name: 'assets',
    transactions: {
      create: {
        args: z.object({ id: z.string().min(1), value: z.number().int(), tags: z.array(z.string()).default([]) }),
        run: (_ctx, a) => a,
      },
    },
    queries: { read: { args: z.object({ id: z.string() }), run: (_ctx, a) => a.id } },
  });
  const call = (fn: string, argsJson: Record<string, unknown>, kind?: FunctionKind) =>
    simulate({ definition: assets, fn, argsJson, info, state: new MemoryState(), ...(kind ? { kind } : {}) });

  it('passes parsed arguments (with defaults) to the function', async () => {
    const sim = await call('create', { id: 'a1', value: 3 });
    expect(sim.result).toEqual({ id: 'a1', value: 3, tags: [] });
  });

  it('refuses bad arguments with INVALID_ARGUMENT naming the field', async () => {
    const sim = await call('create', { id: 'a1', value: 1.5 });
    expect(sim.error?.code).toBe('INVALID_ARGUMENT');
    expect(sim.error?.message).toMatch(/^invalid argument 'value' of create: /);
    expect(sim.error?.detail).toMatchObject({ fn: 'create', issues: [{ path: ['value'] }] });
  });

  it('names nested fields with their path', async () => {
    const sim = await call('create', { id: 'a1', value: 1, tags: ['ok', 7] });
    expect(sim.error?.message).toMatch(/^invalid argument 'tags\[1\]' of create: /);
  });

  it('lists every issue in detail.issues', async () => {
    const sim = await call('create', { id: '', value: 'x' });
    const issues = (sim.error?.detail as { issues: Array<{ path: unknown[] }> }).issues;
    expect(issues.map((i) => i.path)).toEqual([['id'], ['value']]);
  });

  it('refuses an unknown function with UNKNOWN_FUNCTION listing the available ones', async () => {
    const sim = await call('destroy', {});
    expect(sim.error?.code).toBe('UNKNOWN_FUNCTION');
    expect(sim.error?.message).toBe("contract assets has no transaction named 'destroy'; available transactions: create");
  });

  it('says when a query is submitted as a transaction, and the reverse', async () => {
    expect((await call('read', { id: 'x' })).error?.message).toContain('read is a query: evaluate it instead');
    expect((await call('create', {}, 'query')).error?.message).toContain('create is a transaction: submit it instead');
  });

  it('does not treat inherited object properties as functions', async () => {
    const sim = await call('toString', {});
    expect(sim.error?.code).toBe('UNKNOWN_FUNCTION');
  });
});

describe('simulate: determinism (property)', () => {
  type Op = { op: 'put'; key: string; value: number } | { op: 'del'; key: string } | { op: 'get'; key: string };
  const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('put' as const), key, value: fc.integer() }),
    fc.record({ op: fc.constant('del' as const), key }),
    fc.record({ op: fc.constant('get' as const), key }),
  );

  it('produces identical bytes every run, last write per key, and reads only of keys not yet written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
        const body = async (ctx: Context) => {
          for (const o of ops) {
            if (o.op === 'put') await ctx.state.put(o.key, o.value);
            else if (o.op === 'del') await ctx.state.delete(o.key);
            else await ctx.state.get(o.key);
          }
        };
        const first = await run(body);
        const second = await run(body);
        expect(toBinary(TxRwSetSchema, first.rwset)).toEqual(toBinary(TxRwSetSchema, second.rwset));

        const last = new Map<string, string>();
        const readKeys = new Set<string>();
        for (const o of ops) {
          if (o.op === 'put') last.set(o.key, `${o.key}=${o.value}`);
          else if (o.op === 'del') last.set(o.key, `${o.key}=DEL`);
          else if (!last.has(o.key)) readKeys.add(o.key);
        }
        const n = ns(first);
        expect(writes(n)).toEqual([...last.keys()].sort().map((k) => last.get(k)));
        expect(n.reads.map((r) => r.key)).toEqual([...readKeys].sort());
      }),
      { numRuns: 100 },
    );
  });
});
