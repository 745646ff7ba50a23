import { describe, expect, it } from 'vitest';
import { fromUtf8, toHex, utf8 } from '../common/index.js';
import { sha256 } from '../crypto/index.js';
import { privateKeyHash } from '../protocol/index.js';
import { MemoryState } from './memoryState.js';
import type { CollectionAccess } from './privateTypes.js';
import { simulate } from './simulator.js';
import { type Body, info, lab, NS, ns } from './testdata/lab.js';
import type { FunctionKind } from './types.js';

const AB: CollectionAccess = {
  name: 'ab',
  memberOrgs: ['TelcoA', 'TelcoB'],
  memberOnlyRead: true,
  memberOnlyWrite: true,
  peerIsMember: true,
};
const OPEN: CollectionAccess = { ...AB, name: 'open', memberOnlyRead: false, memberOnlyWrite: false };

/** A state where the member value of `ab`/`k1` was committed in block 5. */
function seeded(withValue = true): MemoryState {
  const state = new MemoryState();
  const value = utf8('{"text":"SECRET-1"}');
  const rw = {
    ns: [
      {
        namespace: NS,
        reads: [],
        rangeQueries: [],
        writes: [],
        keyPolicies: [],
        collections: [
          {
            collection: 'ab',
            reads: [],
            writes: [
              { keyHash: privateKeyHash('k1'), valueHash: sha256(value), isDelete: false, isPurge: false },
            ],
            pvtRwsetHash: new Uint8Array(32),
          },
        ],
      },
    ],
  } as unknown as Parameters<MemoryState['commit']>[0];
  for (let i = 0; i < 4; i++) state.commit({ ns: [] } as unknown as Parameters<MemoryState['commit']>[0]);
  state.commit(rw, {
    privateWrites: withValue
      ? {
          namespace: NS,
          collections: [
            { collection: 'ab', writes: [{ key: 'k1', value, isDelete: false, isPurge: false }] },
          ],
        }
      : undefined,
  });
  return state;
}

function run(
  body: Body,
  opts: { kind?: FunctionKind; mspId?: string; collections?: CollectionAccess[]; state?: MemoryState } = {},
) {
  const kind = opts.kind ?? 'transaction';
  return simulate({
    definition: lab(body),
    fn: kind === 'query' ? 'q' : 'tx',
    argsJson: {},
    kind,
    info: {
      ...info,
      caller: { ...info.caller, mspId: opts.mspId ?? 'TelcoA' },
      collections: opts.collections ?? [AB, OPEN],
    },
    state: opts.state ?? seeded(),
  });
}

describe('ctx.private: simulation', () => {
  it('puts only hashes in the read–write set and returns the plaintext separately', async () => {
    const sim = await run(async (ctx) => {
      await ctx.private('ab').put('k2', { text: 'SECRET-2' });
      await ctx.private('ab').purge('k1');
      return 'done';
    });
    expect(sim.ok).toBe(true);
    const n = ns(sim);
    expect(n.writes).toEqual([]);
    expect(n.collections).toHaveLength(1);
    const c = n.collections[0]!;
    expect(c.collection).toBe('ab');
    const byKey = new Map(c.writes.map((w) => [toHex(w.keyHash), w]));
    expect(toHex(byKey.get(toHex(privateKeyHash('k2')))!.valueHash)).toBe(
      toHex(sha256(utf8('{"text":"SECRET-2"}'))),
    );
    expect(byKey.get(toHex(privateKeyHash('k1')))).toMatchObject({ isDelete: true, isPurge: true });
    expect(JSON.stringify(n, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('SECRET');
    expect(sim.privateWrites).toEqual({
      namespace: NS,
      collections: [
        {
          collection: 'ab',
          writes: [
            { key: 'k2', value: utf8('{"text":"SECRET-2"}'), isDelete: false, isPurge: false },
            { key: 'k1', value: new Uint8Array(0), isDelete: true, isPurge: true },
          ],
        },
      ],
    });
  });

  it('reads a member value, recording a hashed read with the version of the hashed state', async () => {
    const sim = await run(async (ctx) => {
      const v = await ctx.private('ab').get<{ text: string }>('k1');
      const missing = await ctx.private('ab').get('nope');
      await ctx.private('ab').put('k3', 'x');
      return { v, missing: missing ?? null, mine: await ctx.private('ab').get('k3') };
    });
    expect(sim.result).toEqual({ v: { text: 'SECRET-1' }, missing: null, mine: 'x' });
    const c = ns(sim).collections[0]!;
    const reads = c.reads.map((r) => [
      toHex(r.keyHash),
      r.version ? `${r.version.block}:${r.version.tx}` : '-',
    ]);
    expect(reads.sort()).toEqual(
      [
        [toHex(privateKeyHash('k1')), '5:0'],
        [toHex(privateKeyHash('nope')), '-'],
      ].sort(),
    );
  });

  it('refuses plaintext reads on a non-member peer, and by clients of non-member orgs', async () => {
    const onNonMember = await run(async (ctx) => ctx.private('ab').get('k1'), {
      collections: [{ ...AB, peerIsMember: false }],
    });
    expect(onNonMember.error).toMatchObject({ code: 'NOT_A_COLLECTION_MEMBER', detail: { who: 'peer' } });
    const byOutsider = await run(async (ctx) => ctx.private('ab').get('k1'), { mspId: 'TelcoC' });
    expect(byOutsider.error).toMatchObject({ code: 'NOT_A_COLLECTION_MEMBER', detail: { who: 'client' } });
    // Not member-only read: an outsider's client may read, on a member peer.
    const open = await run(async (ctx) => (await ctx.private('open').get('k1')) ?? 'absent', {
      mspId: 'TelcoC',
    });
    expect(open.result).toBe('absent');
  });

  it('lets any org read a hash, also on a non-member peer, with a hashed read', async () => {
    const sim = await run(async (ctx) => ctx.private('ab').getHash('k1'), {
      mspId: 'Regulator',
      collections: [{ ...AB, peerIsMember: false }],
      state: seeded(false),
    });
    expect(sim.result).toBe(toHex(sha256(utf8('{"text":"SECRET-1"}'))));
    expect(ns(sim).collections[0]!.reads[0]?.version).toMatchObject({ block: 5n, tx: 0 });
  });

  it('refuses writes by clients of non-member orgs (member-only write), and in queries', async () => {
    const outsider = await run(async (ctx) => ctx.private('ab').put('k', 1), { mspId: 'TelcoC' });
    expect(outsider.error?.code).toBe('NOT_A_COLLECTION_MEMBER');
    expect(outsider.rwset.ns).toEqual([]);
    const open = await run(async (ctx) => ctx.private('open').put('k', 1), { mspId: 'TelcoC' });
    expect(open.ok).toBe(true);
    const query = await run(async (ctx) => ctx.private('ab').put('k', 1), { kind: 'query' });
    expect(query.error?.code).toBe('READ_ONLY');
  });

  it('names unknown collections, and a member peer that lacks a value', async () => {
    const unknown = await run(async (ctx) => ctx.private('nope').get('k'));
    expect(unknown.error).toMatchObject({ code: 'UNKNOWN_COLLECTION' });
    expect(unknown.error?.message).toContain('ab, open');
    const lacking = await run(async (ctx) => ctx.private('ab').get('k1'), { state: seeded(false) });
    expect(lacking.error?.code).toBe('PRIVATE_DATA_UNAVAILABLE');
  });

  it('MemoryState keeps the committed plaintext like a member peer', async () => {
    const state = seeded();
    const sim = await run(async (ctx) => ctx.private('ab').put('k9', 'nine'), { state });
    state.commit(sim.rwset, { privateWrites: sim.privateWrites });
    const read = await run(async (ctx) => ctx.private('ab').get('k9'), { state, kind: 'query' });
    expect(read.result).toBe('nine');
    expect(fromUtf8(state.getPrivateEntry(NS, 'ab', privateKeyHash('k9'))!.value!)).toBe('"nine"');
  });
});
