import { describe, expect, it } from 'vitest';
import { isConsortiaError, utf8 } from '../common/index.js';
import {
  type CollectionConfig,
  type ContractDefinition,
  decodePrivateDataMessage,
  type NsPvtWrites,
} from '../protocol/index.js';
import { PrivateDataService } from './privateData.js';
import type { PrivateDataPeer, PrivateDataTransport } from './privateDataTransport.js';

const collection = (name: string, memberOrgs: string[], required: number, max: number): CollectionConfig => ({
  name,
  memberOrgs,
  requiredPeerCount: required,
  maxPeerCount: max,
  blockToLive: 0,
  memberOnlyRead: true,
  memberOnlyWrite: true,
});

const def = (...collections: CollectionConfig[]): ContractDefinition => ({
  name: 'notes',
  version: '1',
  sequence: 1,
  endorsementPolicy: 'ANY Writers',
  collections,
});

const PEERS: PrivateDataPeer[] = [
  { id: 'A.peer0', mspId: 'A' },
  { id: 'A.peer1', mspId: 'A' },
  { id: 'B.peer0', mspId: 'B' },
  { id: 'B.peer1', mspId: 'B' },
  { id: 'C.peer0', mspId: 'C' },
];

/** A transport that records pushes and refuses those to `down` peers. */
function transport(down: string[] = []) {
  const pushes: { to: string; collections: string[] }[] = [];
  const t: PrivateDataTransport = {
    peers: (_ch, orgs, self) => PEERS.filter((p) => orgs.includes(p.mspId) && p.id !== self),
    push: async (_from, to, message) => {
      if (down.includes(to)) throw new Error('down');
      pushes.push({
        to,
        collections: decodePrivateDataMessage(message, 'push').collections.map((c) => c.collection),
      });
    },
    pull: async () => new Uint8Array(),
  };
  return { t, pushes };
}

const writes = (...collections: string[]): NsPvtWrites => ({
  namespace: 'notes',
  collections: collections.map((c) => ({
    collection: c,
    writes: [{ key: 'k', value: utf8(`secret of ${c}`), isDelete: false, isPurge: false }],
  })),
});

function service(t: PrivateDataTransport, self: PrivateDataPeer = PEERS[0]!) {
  return new PrivateDataService({ self, transport: t, channel: () => undefined });
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return isConsortiaError(err) ? err.code : String(err);
  }
}

describe('PrivateDataService.disseminate', () => {
  it('sends each peer only the collections its org is a member of, other orgs first, at most maxPeerCount', async () => {
    const { t, pushes } = transport();
    const s = service(t);
    await s.disseminate(
      'ch',
      'tx1',
      def(collection('ab', ['A', 'B'], 1, 2), collection('ac', ['A', 'C'], 1, 5)),
      writes('ab', 'ac'),
      7,
    );
    const byPeer = Object.fromEntries(pushes.map((p) => [p.to, p.collections.sort()]));
    // ab: two of A.peer1, B.peer0, B.peer1, B's first; ac: C.peer0 and A.peer1.
    expect(byPeer).toEqual({ 'B.peer0': ['ab'], 'A.peer1': ['ab', 'ac'], 'C.peer0': ['ac'] });
    expect(s.transient.get('ch', 'tx1')?.collections.map((c) => c.collection)).toEqual(['ab', 'ac']);
  });

  it('keeps nothing locally for a collection its own org is not a member of', async () => {
    const { t, pushes } = transport();
    const s = service(t, { id: 'C.peer0', mspId: 'C' });
    await s.disseminate('ch', 'tx2', def(collection('ab', ['A', 'B'], 1, 1)), writes('ab'), 1);
    expect(s.transient.get('ch', 'tx2')).toBeUndefined();
    expect(pushes).toHaveLength(1);
  });

  it('fails when fewer than requiredPeerCount peers took the data', async () => {
    const { t } = transport(['B.peer0', 'B.peer1']);
    const s = service(t);
    expect(
      await code(s.disseminate('ch', 'tx3', def(collection('ab', ['A', 'B'], 2, 2)), writes('ab'), 1)),
    ).toBe('PRIVATE_DATA_DISSEMINATION_FAILED');
    await s.disseminate('ch', 'tx4', def(collection('ab', ['A', 'B'], 1, 3)), writes('ab'), 1);
    expect(
      await code(s.disseminate('ch', 'tx5', def(collection('ab', ['A', 'B'], 0, 0)), writes('nope'), 1)),
    ).toBe('UNKNOWN_COLLECTION');
  });
});
