import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/index.js';
import {
  connect,
  exportProofBundle,
  peerProofSource,
  proofBundleToJson,
  verifyProofBundle,
} from '../../src/gateway/index.js';
import { verifyDataDir } from '../../src/network/index.js';
import {
  decodeIdentity,
  encodeIdentity,
  encodeSignedProposal,
  newProposal,
  parseBlock,
  parseEnvelope,
} from '../../src/protocol/index.js';
import { removeDir, startNetwork, type TestNetwork } from '../support/network.js';

const CH = 'telecom';
const CC = 'asset-registry';
let t: TestNetwork;
let stopped = false;

beforeAll(async () => {
  t = await startNetwork();
});

afterAll(async () => {
  if (t && !stopped) await t.stop();
  if (t) removeDir(t.dataDir);
});

/** The committed envelope of a transaction, parsed, with its size. */
function committed(txId: string) {
  const peer = t.network.peers[0]!;
  const status = peer.txStatus(CH, txId)!;
  const block = parseBlock(peer.ledger(CH).getBlock(status.blockNumber)!);
  const bytes = block.envelopes[status.txIndex]!;
  const tx = parseEnvelope(bytes);
  if (tx.type !== 'endorser') throw new Error('not an endorser transaction');
  return { tx, bytes: bytes.byteLength, code: block.validationCodes[status.txIndex] };
}

describe('identities by certificate hash (decision 0007)', () => {
  it('sends the certificate until a transaction of it is committed, then its hash; endorsers likewise', async () => {
    const gw = t.client('TelcoB.admin');
    const contract = gw.network(CH).contract(CC);
    const first = await contract.submit('createAsset', { arguments: { id: 'h-1', owner: 'B', value: 1 } });
    const second = await contract.submit('createAsset', { arguments: { id: 'h-2', owner: 'B', value: 2 } });
    const a = committed(first.transactionId);
    const b = committed(second.transactionId);

    const id = t.network.identity('TelcoB.admin');
    expect(decodeIdentity(a.tx.creatorBytes).cert).toEqual(id.certDer);
    const named = decodeIdentity(b.tx.creatorBytes);
    expect(named.cert.byteLength).toBe(0);
    expect(named.certHash).toEqual(sha256(id.certDer));
    // Endorsers whose certificate an earlier block carried name it by hash too.
    expect(b.tx.endorsements.every((e) => decodeIdentity(e.endorser).cert.byteLength === 0)).toBe(true);
    expect(b.code).toBe(0);
    expect(a.bytes - b.bytes).toBeGreaterThan(1500);

    // Every peer stored the same state, and queries by hash work as well.
    await t.network.settle();
    const asset = await contract.evaluate<{ value: number }>('readAsset', { arguments: { id: 'h-2' } });
    expect(asset.value).toBe(2);
  });

  it('refuses a hash no committed block carried, and the SDK then sends the full certificate', async () => {
    const id = t.network.identity('TelcoC.user1');
    const { bytes } = newProposal({
      channel: CH,
      contract: CC,
      fn: 'readAsset',
      args: { id: 'h-1' },
      creator: encodeIdentity(id.mspId, id.certDer, true),
    });
    const signed = encodeSignedProposal(bytes, await id.signer(bytes));
    const client = connect({
      identity: { mspId: id.mspId, credentials: id.certDer },
      signer: id.signer,
      gateway: t.gateway,
    });
    const err = await t.gateway.endorse(CH, CC, signed, id.mspId).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_CREATOR', detail: { reason: 'UNKNOWN_IDENTITY' } });
    // A client that never committed sends its full certificate: the same query works.
    const asset = await client
      .network(CH)
      .contract(CC)
      .evaluate<{ id: string }>('readAsset', { arguments: { id: 'h-1' } });
    expect(asset.id).toBe('h-1');
  });

  it('exports a proof of a transaction that names certificates by hash, carrying those certificates', async () => {
    const contract = t.client('TelcoA.admin').network(CH).contract(CC);
    await contract.submit('createAsset', { arguments: { id: 'h-3', owner: 'A', value: 3 } });
    const r = await contract.submit('createAsset', { arguments: { id: 'h-4', owner: 'A', value: 4 } });
    expect(decodeIdentity(committed(r.transactionId).tx.creatorBytes).cert.byteLength).toBe(0);
    const bundle = exportProofBundle(peerProofSource(t.gateway.peerFor(CH), CH), r.transactionId);
    expect(bundle.certificates?.length).toBeGreaterThanOrEqual(1);
    const v = await verifyProofBundle(JSON.stringify(proofBundleToJson(bundle)));
    expect(v.transaction.creator.mspId).toBe('TelcoA');
    // Without the certificates the bundle proves nothing.
    const { certificates: _dropped, ...bare } = bundle;
    await expect(verifyProofBundle(bare)).rejects.toMatchObject({ code: expect.any(String) });
  });

  it('replays a chain with identities by hash in consortia verify', async () => {
    await t.stop();
    stopped = true;
    // Throws VERIFY_FAILED naming the node and block if any replayed decision differed.
    const result = await verifyDataDir(t.dataDir);
    expect(result.channels).toEqual([expect.objectContaining({ channel: CH, invalid: 0 })]);
    expect(result.channels[0]!.valid).toBeGreaterThanOrEqual(5);
  });
});
