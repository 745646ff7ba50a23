import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fromUtf8, utf8 } from '../common/index.js';
import { defineContract } from './defineContract.js';
import { ContractError } from './errors.js';
import { MemoryState } from './memoryState.js';
import { simulate } from './simulator.js';
import { info, lab, NS, ns, reads, run, seeded } from './testdata/lab.js';
import type { Context, FunctionKind } from './types.js';

describe('simulate: key policies, events, history, context', () => {
  it('records key policy writes in canonical form, sorted, and null clears', async () => {
    const state = seeded();
    state.setKeyPolicy(NS, 'b', "OR('TelcoA.member')");
    const sim = await run(
      async (ctx) => {
        const before = await ctx.state.getKeyPolicy('b');
        await ctx.state.setKeyPolicy('z', "and('TelcoA.peer',   'Regulator.peer')");
        await ctx.state.setKeyPolicy('b', null);
        return {
          before,
          after: (await ctx.state.getKeyPolicy('b')) ?? 'none',
          z: await ctx.state.getKeyPolicy('z'),
        };
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
    state.addHistory(NS, 'a', {
      blockNumber: 1,
      txIndex: 0,
      txId: 't1',
      timestamp: 1000,
      isDelete: false,
      value: utf8('1'),
    });
    state.addHistory(NS, 'a', { blockNumber: 2, txIndex: 0, txId: 't2', timestamp: 2000, isDelete: true });
    const sim = await run(
      async (ctx) =>
        (await ctx.state.history('a')).map((h) => ({
          ...h,
          timestamp: h.timestamp.toISOString(),
          value: h.value ?? null,
        })),
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
        args: z.object({
          id: z.string().min(1),
          value: z.number().int(),
          tags: z.array(z.string()).default([]),
        }),
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
    const issues = (sim.error?.detail as { issues: Array<{ path: unknown[] }> } | undefined)?.issues ?? [];
    expect(issues.map((i) => i.path)).toEqual([['id'], ['value']]);
  });

  it('refuses an unknown function with UNKNOWN_FUNCTION listing the available ones', async () => {
    const sim = await call('destroy', {});
    expect(sim.error?.code).toBe('UNKNOWN_FUNCTION');
    expect(sim.error?.message).toBe(
      "contract assets has no transaction named 'destroy'; available transactions: create",
    );
  });

  it('says when a query is submitted as a transaction, and the reverse', async () => {
    expect((await call('read', { id: 'x' })).error?.message).toContain(
      'read is a query: evaluate it instead',
    );
    expect((await call('create', {}, 'query')).error?.message).toContain(
      'create is a transaction: submit it instead',
    );
  });

  it('does not treat inherited object properties as functions', async () => {
    const sim = await call('toString', {});
    expect(sim.error?.code).toBe('UNKNOWN_FUNCTION');
  });
});
