import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8, toHex, utf8 } from '../../src/common/index.js';
import { sha256 } from '../../src/crypto/index.js';
import type { Contract } from '../../src/gateway/index.js';
import { layout, type NetworkConfigInput } from '../../src/network/index.js';
import type { Peer } from '../../src/peer/index.js';
import {
  decodePrivateDataMessage,
  decodeProposalResponse,
  encodeEnvelope,
  encodePrivateDataMessage,
  encodeSignedProposal,
  encodeTransactionPayload,
  newProposal,
  parseBlock,
  parseEnvelope,
  privateKeyHash,
  type TransientMap,
  ValidationCode,
  validationCodeName,
} from '../../src/protocol/index.js';
import { removeDir, startNetwork, type TestNetwork } from '../support/network.js';
import { filesContaining } from '../support/scan.js';

const CH = 'telecom';
const NOTES = 'private-notes';
const AB = 'telco-ab';
const SHORT = 'telco-ab-shortlived';
const GUARDED = join(import.meta.dirname, '../support/contracts/guardedAssets.ts');

/** TelcoB runs two peers, so one of them can miss a dissemination while the endorsement succeeds. */
const CONFIG: NetworkConfigInput = {
  orgs: [
    { name: 'Regulator' },
    { name: 'TelcoA' },
    { name: 'TelcoB', peers: ['peer0', 'peer1'] },
    { name: 'TelcoC' },
  ],
  channels: [
    {
      name: CH,
      orgs: ['Regulator', 'TelcoA', 'TelcoB', 'TelcoC'],
      contracts: [
        {
          name: NOTES,
          endorsementPolicy: "OutOf(1, 'TelcoA.member', 'TelcoB.member')",
          collections: [
            { name: AB, memberOrgs: ['TelcoA', 'TelcoB'], requiredPeerCount: 1, maxPeerCount: 3 },
            { name: SHORT, memberOrgs: ['TelcoA', 'TelcoB'], requiredPeerCount: 1, blockToLive: 3 },
          ],
        },
        {
          name: 'guarded-assets',
          path: GUARDED,
          endorsementPolicy:
            "OutOf(1, 'Regulator.member', 'TelcoA.member', 'TelcoB.member', 'TelcoC.member')",
        },
      ],
    },
  ],
};

let t: TestNetwork;
/** Pushes from a peer to a peer listed here are dropped. */
const dropPushesTo = new Set<string>();

beforeAll(async () => {
  t = await startNetwork({
    config: CONFIG,
    reconcileIntervalMs: 0,
    privateDataFilter: (_from, to, kind) => !(kind === 'push' && dropPushesTo.has(to)),
  });
}, 60_000);

afterAll(async () => {
  await t.stop();
  removeDir(t.dataDir);
});

const marker = (what: string) => `MARKER-${what}-${randomBytes(12).toString('hex')}`;
const notes = (label: string): Contract => t.client(label).network(CH).contract(NOTES);
const noteText = (text: string): TransientMap => new Map([['note', utf8(text)]]);
const peer = (id: string): Peer => t.network.peer(id);
const MEMBERS = ['TelcoA.peer0', 'TelcoB.peer0', 'TelcoB.peer1'];
const NON_MEMBERS = ['Regulator.peer0', 'TelcoC.peer0'];

function nodeDir(id: string): string {
  const [org, node] = id.split('.') as [string, string];
  return layout.nodeDir(t.dataDir, org, node);
}

const ordererDir = () => layout.nodeDir(t.dataDir, 'Orderer', 'orderer0');

function entry(peerId: string, collection: string, id: string) {
  return peer(peerId).ledger(CH).getPrivateEntry(NOTES, collection, privateKeyHash(id));
}

async function putNote(label: string, collection: string, id: string, text: string) {
  return notes(label).submit('putNote', { arguments: { collection, id }, transient: noteText(text) });
}

async function errorCodeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

/** Endorses a proposal on the given peers (bypassing the gateway's choice) and submits it. */
async function endorseOn(
  label: string,
  contract: string,
  fn: string,
  args: Record<string, unknown>,
  peerIds: readonly string[],
  transient?: TransientMap,
): Promise<{ txId: string; submit: () => Promise<number> }> {
  const id = t.network.identity(label);
  const creator = t.client(label).creator;
  const { bytes, txId } = newProposal({
    channel: CH,
    contract,
    fn,
    args,
    creator,
    ...(transient ? { transient } : {}),
  });
  const signed = encodeSignedProposal(bytes, await id.signer(bytes), transient);
  const responses = await Promise.all(peerIds.map((p) => peer(p).endorse(signed)));
  const decoded = responses.map((r) => decodeProposalResponse(r));
  for (const d of decoded) expect(d.response.status, d.response.message).toBe(200);
  const payload = encodeTransactionPayload(
    bytes,
    decoded[0]!.payload,
    decoded.map((d) => ({ endorser: d.endorser!, signature: d.signature! })),
  );
  return {
    txId,
    submit: async () => {
      await t.gateway.submit(encodeEnvelope(payload, await id.signer(payload)));
      const status = await t.gateway.commitStatus(CH, txId, id.mspId);
      await t.network.settle();
      return status.validationCode;
    },
  };
}

describe('private data collections', () => {
  it('gives the plaintext to member peers only; blocks and non-members hold hashes', async () => {
    const text = marker('visible');
    const r = await putNote('TelcoA.admin', AB, 'n-visible', text);
    await t.network.settle();

    expect(
      (
        await notes('TelcoA.admin').evaluate<{ text: string }>('getNote', {
          arguments: { collection: AB, id: 'n-visible' },
        })
      ).text,
    ).toBe(text);
    expect(
      (
        await notes('TelcoB.user1').evaluate<{ text: string }>('getNote', {
          arguments: { collection: AB, id: 'n-visible' },
        })
      ).text,
    ).toBe(text);
    for (const label of ['TelcoC.admin', 'Regulator.admin']) {
      expect(
        await errorCodeOf(
          notes(label).evaluate('getNote', { arguments: { collection: AB, id: 'n-visible' } }),
        ),
      ).toBe('NOT_A_COLLECTION_MEMBER');
    }

    const stored = entry('TelcoA.peer0', AB, 'n-visible');
    expect(stored?.value).toBeDefined();
    for (const id of MEMBERS) {
      expect(JSON.parse(fromUtf8(entry(id, AB, 'n-visible')!.value!))).toMatchObject({
        text,
        author: 'TelcoA',
      });
    }
    for (const id of NON_MEMBERS) {
      const e = entry(id, AB, 'n-visible');
      expect(e?.value).toBeUndefined();
      expect(toHex(e!.valueHash)).toBe(toHex(stored!.valueHash));
    }
    // Any org reads the hash: the regulator can check a document the parties show it.
    const hash = await notes('Regulator.admin').evaluate<{ valueHash: string }>('getNoteHash', {
      arguments: { collection: AB, id: 'n-visible' },
    });
    expect(hash.valueHash).toBe(toHex(sha256(stored!.value!)));

    // The block carries the key hash and the value hash, never the plaintext.
    const block = parseBlock(peer('TelcoC.peer0').ledger(CH).getBlock(r.blockNumber)!);
    const tx = block.envelopes.map((e) => parseEnvelope(e)).find((x) => x.txId === r.transactionId)!;
    expect(tx.type).toBe('endorser');
    const ns = tx.type === 'endorser' ? tx.responsePayload.results!.ns[0]! : undefined;
    expect(ns?.writes).toEqual([]);
    expect(ns?.collections.map((c) => c.collection)).toEqual([AB]);
    expect(toHex(ns!.collections[0]!.writes[0]!.keyHash)).toBe(toHex(privateKeyHash('n-visible')));
    expect(toHex(ns!.collections[0]!.writes[0]!.valueHash)).toBe(toHex(stored!.valueHash));
    expect(Buffer.from(block.envelopes[0]!).includes(Buffer.from(text))).toBe(false);

    // Raw files: the marker is on the members' disks and nowhere else.
    for (const id of NON_MEMBERS) expect(filesContaining(nodeDir(id), text)).toEqual([]);
    expect(filesContaining(ordererDir(), text)).toEqual([]);
    for (const id of MEMBERS) expect(filesContaining(nodeDir(id), text).length).toBeGreaterThan(0);

    const digests = t.network.peers.map((p) => p.ledger(CH).privateData.hashedDigest());
    expect(new Set(digests).size).toBe(1);
  });

  it('refuses writes by non-member orgs (member-only write) and unknown collections', async () => {
    expect(await errorCodeOf(putNote('TelcoC.admin', AB, 'n-intruder', 'x'))).toBe('NOT_A_COLLECTION_MEMBER');
    expect(await errorCodeOf(putNote('TelcoA.admin', 'no-such', 'n1', 'x'))).toBe('UNKNOWN_COLLECTION');
    expect(entry('TelcoA.peer0', AB, 'n-intruder')).toBeUndefined();
  });

  it('validates hashed reads (MVCC) on every peer, members or not', async () => {
    await putNote('TelcoA.admin', AB, 'n-race', 'first');
    // Two appends read the same version of the note; the one ordered second conflicts.
    const one = await endorseOn(
      'TelcoA.admin',
      NOTES,
      'appendNote',
      { collection: AB, id: 'n-race' },
      ['TelcoA.peer0'],
      noteText('one'),
    );
    const two = await endorseOn(
      'TelcoB.admin',
      NOTES,
      'appendNote',
      { collection: AB, id: 'n-race' },
      ['TelcoB.peer0'],
      noteText('two'),
    );
    const codes = await Promise.all([one.submit(), two.submit()]);
    expect(codes.sort()).toEqual([ValidationCode.VALID, ValidationCode.MVCC_READ_CONFLICT]);
    await t.network.settle();
    for (const p of t.network.peers) {
      expect([one.txId, two.txId].map((id) => p.txStatus(CH, id)?.validationCodeName).sort()).toEqual([
        'MVCC_READ_CONFLICT',
        'VALID',
      ]);
    }
    // A hash read by a non-member org's client goes stale when the note changes.
    const ack = await endorseOn(
      'Regulator.admin',
      NOTES,
      'acknowledgeNote',
      { collection: AB, id: 'n-race' },
      ['TelcoA.peer0'],
    );
    await putNote('TelcoB.admin', AB, 'n-race', 'replaced');
    expect(validationCodeName(await ack.submit())).toBe('MVCC_READ_CONFLICT');
    const fresh = await endorseOn(
      'Regulator.admin',
      NOTES,
      'acknowledgeNote',
      { collection: AB, id: 'n-race' },
      ['TelcoB.peer0'],
    );
    expect(validationCodeName(await fresh.submit())).toBe('VALID');
  });

  it('purges a value on request: members erase it, only hashes remain', async () => {
    const text = marker('purged');
    const put = await putNote('TelcoA.admin', AB, 'n-purge', text);
    await t.network.settle();
    const valueHash = toHex(entry('TelcoB.peer1', AB, 'n-purge')!.valueHash);
    for (const id of MEMBERS) expect(filesContaining(nodeDir(id), text).length).toBeGreaterThan(0);

    const purge = await notes('TelcoB.admin').submit('purgeNote', {
      arguments: { collection: AB, id: 'n-purge' },
    });
    await t.network.settle();
    for (const p of t.network.peers) {
      expect(p.ledger(CH).getPrivateEntry(NOTES, AB, privateKeyHash('n-purge'))).toBeUndefined();
    }
    expect(
      await errorCodeOf(
        notes('TelcoA.admin').evaluate('getNote', { arguments: { collection: AB, id: 'n-purge' } }),
      ),
    ).toBe('NOTE_NOT_FOUND');
    // No node's files hold the text any more, members included.
    for (const p of t.network.peers) expect(filesContaining(nodeDir(p.id), text)).toEqual([]);
    expect(filesContaining(ordererDir(), text)).toEqual([]);
    // What remains are the hashes in the blocks: the put's value hash, and the purge's flag.
    const hashedOf = (blockNumber: number, txId: string) => {
      const block = parseBlock(peer('TelcoA.peer0').ledger(CH).getBlock(blockNumber)!);
      const tx = block.envelopes.map((e) => parseEnvelope(e)).find((x) => x.txId === txId)!;
      return tx.type === 'endorser'
        ? tx.responsePayload.results!.ns[0]!.collections[0]!.writes[0]!
        : undefined;
    };
    expect(toHex(hashedOf(put.blockNumber, put.transactionId)!.valueHash)).toBe(valueHash);
    expect(hashedOf(purge.blockNumber, purge.transactionId)).toMatchObject({ isPurge: true, isDelete: true });
    // The public history of the contract knows nothing of the private key.
    expect(peer('TelcoA.peer0').ledger(CH).getHistory(NOTES, 'n-purge')).toEqual([]);
  });

  it('purges a value blockToLive blocks after its commit', async () => {
    const text = marker('short');
    const put = await putNote('TelcoA.admin', SHORT, 'n-short', text);
    await t.network.settle();
    const readable = () => MEMBERS.map((id) => entry(id, SHORT, 'n-short')?.value !== undefined);
    // blockToLive 3: readable while blocks b+1..b+3 commit, purged with block b+4.
    for (let i = 1; i <= 3; i++) {
      await putNote('TelcoA.admin', AB, `n-filler-${i}`, 'filler');
      await t.network.settle();
      expect(peer('TelcoA.peer0').height(CH)).toBe(put.blockNumber + i + 1);
      expect(readable()).toEqual([true, true, true]);
    }
    await putNote('TelcoA.admin', AB, 'n-filler-4', 'filler');
    await t.network.settle();
    expect(peer('TelcoA.peer0').height(CH)).toBe(put.blockNumber + 5);
    for (const p of t.network.peers) {
      expect(p.ledger(CH).getPrivateEntry(NOTES, SHORT, privateKeyHash('n-short'))).toBeUndefined();
    }
    for (const p of t.network.peers) expect(filesContaining(nodeDir(p.id), text)).toEqual([]);
    expect(new Set(t.network.peers.map((p) => p.ledger(CH).privateData.hashedDigest())).size).toBe(1);
  });

  it('a member peer that missed the dissemination reconciles from another member', async () => {
    const text = marker('missed');
    dropPushesTo.add('TelcoB.peer1');
    try {
      await putNote('TelcoA.admin', AB, 'n-missed', text);
      await t.network.settle();
    } finally {
      dropPushesTo.delete('TelcoB.peer1');
    }
    const late = peer('TelcoB.peer1');
    expect(entry('TelcoB.peer0', AB, 'n-missed')?.value).toBeDefined();
    const missed = entry('TelcoB.peer1', AB, 'n-missed');
    expect(missed?.value).toBeUndefined();
    expect(missed?.valueHash).toBeDefined();
    expect(late.ledger(CH).privateData.missing()).toHaveLength(1);
    expect(filesContaining(nodeDir('TelcoB.peer1'), text)).toEqual([]);

    // A pull by a non-member org is answered with nothing.
    const pull = encodePrivateDataMessage({
      type: 'pull',
      channel: CH,
      items: [
        {
          namespace: NOTES,
          collection: AB,
          ...missed!.version,
          keyHashes: [toHex(privateKeyHash('n-missed'))],
        },
      ],
    });
    expect(
      decodePrivateDataMessage(peer('TelcoA.peer0').servePrivateData(pull, 'TelcoC'), 'pulled').entries,
    ).toEqual([]);
    expect(
      decodePrivateDataMessage(peer('TelcoA.peer0').servePrivateData(pull, 'TelcoB'), 'pulled').entries,
    ).toHaveLength(1);

    expect(await late.reconcilePrivateData(CH)).toEqual({ stored: 1, stillMissing: 0, unheldKeys: 0 });
    expect(JSON.parse(fromUtf8(entry('TelcoB.peer1', AB, 'n-missed')!.value!)).text).toBe(text);
    expect(late.ledger(CH).privateData.missing()).toEqual([]);
    expect(filesContaining(nodeDir('TelcoB.peer1'), text).length).toBeGreaterThan(0);
  });

  it('refuses to endorse when the data cannot reach requiredPeerCount member peers', async () => {
    for (const id of MEMBERS) dropPushesTo.add(id);
    try {
      expect(await errorCodeOf(putNote('TelcoA.admin', AB, 'n-alone', 'x'))).toBe(
        'PRIVATE_DATA_DISSEMINATION_FAILED',
      );
    } finally {
      dropPushesTo.clear();
    }
    expect(entry('TelcoA.peer0', AB, 'n-alone')).toBeUndefined();
  });

  it('never writes transient inputs to any node', async () => {
    await putNote('TelcoA.admin', AB, 'n-check', 'the real text');
    const guess = marker('transient');
    const r = await notes('TelcoB.admin').submit<{ matches: boolean }>('checkNote', {
      arguments: { collection: AB, id: 'n-check' },
      transient: noteText(guess),
    });
    expect(r.result).toEqual({ matches: false });
    await t.network.settle();
    for (const p of t.network.peers) expect(filesContaining(nodeDir(p.id), guess)).toEqual([]);
    expect(filesContaining(ordererDir(), guess)).toEqual([]);
  });
});

describe('state-based (key-level) endorsement policies', () => {
  const KEY_POLICY = "AND('Regulator.member', 'TelcoB.member')";
  const put = (args: Record<string, unknown>, peers: string[]) =>
    endorseOn('TelcoA.admin', 'guarded-assets', 'put', args, peers).then((e) => e.submit());
  const setPolicy = (args: Record<string, unknown>, peers: string[]) =>
    endorseOn('TelcoA.admin', 'guarded-assets', 'setPolicy', args, peers).then((e) => e.submit());

  it('a key with its own policy needs its endorsers; other keys keep the contract policy', async () => {
    // Creating the key: it has no policy yet, so the contract policy (any one org) applies.
    expect(await put({ id: 'k1', value: 1, policy: KEY_POLICY }, ['TelcoA.peer0'])).toBe(
      ValidationCode.VALID,
    );
    expect(peer('TelcoC.peer0').ledger(CH).getKeyPolicy('guarded-assets', 'k1')).toBe(KEY_POLICY);
    // Now the key's policy applies: one org is not enough, nor two wrong ones.
    expect(await put({ id: 'k1', value: 2 }, ['TelcoA.peer0'])).toBe(
      ValidationCode.ENDORSEMENT_POLICY_FAILURE,
    );
    expect(await put({ id: 'k1', value: 2 }, ['TelcoA.peer0', 'TelcoB.peer0'])).toBe(
      ValidationCode.ENDORSEMENT_POLICY_FAILURE,
    );
    expect(await put({ id: 'k1', value: 3 }, ['Regulator.peer0', 'TelcoB.peer0'])).toBe(ValidationCode.VALID);
    // A key without a policy of its own still needs only the contract policy.
    expect(await put({ id: 'k2', value: 1 }, ['TelcoC.peer0'])).toBe(ValidationCode.VALID);
    const state = await t
      .client('TelcoC.admin')
      .network(CH)
      .contract('guarded-assets')
      .evaluate('get', { arguments: { id: 'k1' } });
    expect(state).toEqual({ value: 3, policy: KEY_POLICY });
  });

  it('changing or clearing a key policy needs the current key policy; cleared, the contract policy applies', async () => {
    expect(await setPolicy({ id: 'k1', policy: null }, ['TelcoA.peer0'])).toBe(
      ValidationCode.ENDORSEMENT_POLICY_FAILURE,
    );
    expect(peer('TelcoA.peer0').ledger(CH).getKeyPolicy('guarded-assets', 'k1')).toBe(KEY_POLICY);
    expect(await setPolicy({ id: 'k1', policy: null }, ['Regulator.peer0', 'TelcoB.peer0'])).toBe(
      ValidationCode.VALID,
    );
    for (const p of t.network.peers)
      expect(p.ledger(CH).getKeyPolicy('guarded-assets', 'k1')).toBeUndefined();
    expect(await put({ id: 'k1', value: 4 }, ['TelcoA.peer0'])).toBe(ValidationCode.VALID);
  });
});
