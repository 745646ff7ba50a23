import { toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromUtf8 } from '../common/index.js';
import { TxRwSetSchema } from '../protocol/index.js';
import { NS, ns, reads, run, writes } from './testdata/lab.js';
import type { Context, StateReader } from './types.js';

describe('simulate: reads and writes', () => {
  it('records each first read with its committed version, and an absent version for a missing key', async () => {
    const sim = await run(async (ctx) => [
      await ctx.state.get('b'),
      await ctx.state.get('zz'),
      await ctx.state.get('b'),
    ]);
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
    expect(writes(n)).toEqual([
      'b={"a":[true,null],"z":1}',
      'c=DEL',
      `k=${fromUtf8(new Uint8Array([1, 2]))}`,
      'm=2',
    ]);
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

  it('lets the contract destructure ctx.state and hides the simulation controls', async () => {
    const sim = await run(async (ctx) => {
      const { get, put } = ctx.state;
      await put('n', 1);
      return { n: await get('n'), a: await get('a'), keys: Object.keys(ctx.state).includes('close') };
    });
    expect(sim.result).toEqual({ n: 1, a: 'A', keys: false });
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
    expect(sim.error).toMatchObject({
      code: 'STATE_READ_FAILED',
      message: 'reading world state failed: disk on fire',
    });
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
    expect(rq[0]?.reads.map((r) => `${r.key}@${r.version?.block}:${r.version?.tx}`)).toEqual([
      'a@1:0',
      'b@2:3',
    ]);
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

describe('simulate: determinism (property)', () => {
  type Op =
    | { op: 'put'; key: string; value: number }
    | { op: 'del'; key: string }
    | { op: 'get'; key: string };
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
