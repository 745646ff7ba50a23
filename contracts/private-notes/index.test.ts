import { beforeEach, describe, expect, it } from 'vitest';
import { utf8 } from '../../src/common/index.js';
import {
  type CallerInfo,
  type CollectionAccess,
  type FunctionKind,
  MemoryState,
  type SimulationResult,
  simulate,
} from '../../src/contract/index.js';
import privateNotes from './index.js';

const AB: CollectionAccess = {
  name: 'telco-ab',
  memberOrgs: ['TelcoA', 'TelcoB'],
  memberOnlyRead: true,
  memberOnlyWrite: true,
  peerIsMember: true,
};

const caller = (mspId: string): CallerInfo => ({
  mspId,
  role: 'client',
  id: `${mspId}::user1::01`,
  name: 'user1',
  attributes: {},
});

let state: MemoryState;
let n: number;

beforeEach(() => {
  state = new MemoryState();
  n = 0;
});

/** Simulates a call on a peer (member of telco-ab or not) and commits it when it is a valid transaction. */
async function call(
  mspId: string,
  fn: string,
  args: Record<string, unknown>,
  opts: { note?: string; kind?: FunctionKind; peerIsMember?: boolean } = {},
): Promise<SimulationResult> {
  n++;
  const kind = opts.kind ?? 'transaction';
  const sim = await simulate({
    definition: privateNotes,
    fn,
    argsJson: args,
    kind,
    info: {
      txId: `tx-${n}`,
      channel: 'telecom',
      timestamp: Date.UTC(2025, 0, 1, 0, n),
      caller: caller(mspId),
      ...(opts.note === undefined ? {} : { transient: new Map([['note', utf8(opts.note)]]) }),
      collections: [{ ...AB, peerIsMember: opts.peerIsMember ?? true }],
    },
    state,
  });
  if (sim.ok && kind === 'transaction')
    state.commit(sim.rwset, { txId: `tx-${n}`, privateWrites: sim.privateWrites });
  return sim;
}

const ref = { collection: 'telco-ab', id: 'n1' };

describe('private-notes', () => {
  it('stores the transient text privately; the read–write set and result hold no text', async () => {
    const put = await call('TelcoA', 'putNote', ref, { note: 'SECRET TEXT' });
    expect(put.result).toEqual({ collection: 'telco-ab', id: 'n1' });
    const serialized = JSON.stringify(put.rwset, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    expect(serialized).not.toContain('SECRET');
    expect(JSON.stringify(put.events.map((e) => new TextDecoder().decode(e.payload)))).not.toContain(
      'SECRET',
    );
    const got = await call('TelcoB', 'getNote', ref, { kind: 'query' });
    expect(got.result).toEqual({
      text: 'SECRET TEXT',
      author: 'TelcoA',
      updatedAt: '2025-01-01T00:01:00.000Z',
    });
  });

  it('needs the text in transient data', async () => {
    expect((await call('TelcoA', 'putNote', ref)).error?.code).toBe('NOTE_REQUIRED');
  });

  it('refuses non-member orgs, and plaintext reads on a non-member peer, but shows anyone the hash', async () => {
    await call('TelcoA', 'putNote', ref, { note: 'x' });
    expect((await call('TelcoC', 'putNote', ref, { note: 'y' })).error?.code).toBe('NOT_A_COLLECTION_MEMBER');
    expect((await call('TelcoC', 'getNote', ref, { kind: 'query' })).error?.code).toBe(
      'NOT_A_COLLECTION_MEMBER',
    );
    const onOther = await call('TelcoA', 'getNote', ref, { kind: 'query', peerIsMember: false });
    expect(onOther.error?.code).toBe('NOT_A_COLLECTION_MEMBER');
    const hash = await call('Regulator', 'getNoteHash', ref, { kind: 'query', peerIsMember: false });
    expect((hash.result as { valueHash: string }).valueHash).toMatch(/^[0-9a-f]{64}$/);
    const ack = await call('Regulator', 'acknowledgeNote', ref, { peerIsMember: false });
    expect(ack.result).toEqual(hash.result);
    expect(ack.rwset.ns[0]?.writes.map((w) => w.key)).toEqual(['ack:telco-ab:n1:Regulator']);
  });

  it('appends, checks without storing the text, and purges', async () => {
    await call('TelcoA', 'putNote', ref, { note: 'line 1' });
    await call('TelcoB', 'appendNote', ref, { note: 'line 2' });
    expect(((await call('TelcoA', 'getNote', ref, { kind: 'query' })).result as { text: string }).text).toBe(
      'line 1\nline 2',
    );
    const checked = await call('TelcoB', 'checkNote', ref, { note: 'GUESS' });
    expect(checked.result).toEqual({ matches: false });
    expect(new TextDecoder().decode(checked.rwset.ns[0]!.writes[0]!.value)).not.toContain('GUESS');
    const purge = await call('TelcoB', 'purgeNote', ref);
    expect(purge.rwset.ns[0]?.collections[0]?.writes[0]).toMatchObject({ isPurge: true, isDelete: true });
    expect((await call('TelcoA', 'getNote', ref, { kind: 'query' })).error?.code).toBe('NOTE_NOT_FOUND');
    expect((await call('TelcoA', 'purgeNote', ref)).error?.code).toBe('NOTE_NOT_FOUND');
  });
});
