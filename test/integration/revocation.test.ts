import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../src/common/index.js';
import { newPrivateKeySigner, privateKeyFrom, signBytes } from '../../src/crypto/index.js';
import {
  channelReadAccess,
  connect,
  EndorseError,
  proposeConfigUpdate,
  submitConfigUpdate,
} from '../../src/gateway/index.js';
import { CertificateAuthority } from '../../src/identity/index.js';
import { layout, readIdentityDir } from '../../src/network/index.js';
import {
  blockSigningBytes,
  encodeBlock,
  encodeEnvelope,
  encodeIdentity,
  newBlockHeader,
  ValidationCode,
} from '../../src/protocol/index.js';
import { removeDir, startNetwork, type TestNetwork } from '../support/network.js';

const CH = 'telecom';
const CC = 'asset-registry';
let t: TestNetwork;

beforeAll(async () => {
  t = await startNetwork();
});

afterAll(async () => {
  await t.stop();
  removeDir(t.dataDir);
});

function admin(label: string) {
  const id = t.network.identity(label);
  return { mspId: id.mspId, certDer: id.certDer, signer: id.signer };
}

describe('certificate revocation reaches the peers through a config update', () => {
  it("refuses a CRL update for an org signed only by another org's admin", async () => {
    const ca = await CertificateAuthority.load(layout.caDir(t.dataDir, 'TelcoA'));
    const crl = await ca.crl();
    const current = t.gateway.peerFor(CH).channelConfig(CH);
    const update = proposeConfigUpdate(current, admin('TelcoB.admin'), (c) => ({
      ...c,
      orgs: c.orgs.map((o) => (o.mspId === 'TelcoA' ? { ...o, crls: [toBase64(crl)] } : o)),
    }));
    await expect(
      submitConfigUpdate(t.gateway, update, admin('TelcoB.admin'), [admin('TelcoB.admin')], CH),
    ).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
    expect(t.gateway.peerFor(CH).channelConfig(CH).sequence).toBe(current.sequence);
  });

  it('a channel-wide change needs MAJORITY Admins', async () => {
    const current = t.gateway.peerFor(CH).channelConfig(CH);
    const change = (c: typeof current) => ({ ...c, batch: { ...c.batch, maxMessageCount: 100 } });
    const two = [admin('TelcoA.admin'), admin('TelcoB.admin')];
    await expect(
      submitConfigUpdate(t.gateway, proposeConfigUpdate(current, two[0]!, change), two[0]!, two, CH),
    ).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
    const three = [...two, admin('Regulator.admin')];
    const ok = await submitConfigUpdate(
      t.gateway,
      proposeConfigUpdate(current, three[0]!, change),
      three[0]!,
      three,
      CH,
    );
    expect(ok.blockNumber).toBeGreaterThan(0);
    await t.network.settle();
    expect(t.gateway.peerFor(CH).channelConfig(CH).batch.maxMessageCount).toBe(100);
  });

  // Runs last: it feeds peers a block the orderer did not cut, so the orderer's copy falls behind.
  it('a revoked creator is refused at endorsement and flagged BAD_CREATOR at validation', async () => {
    const ca = await CertificateAuthority.load(layout.caDir(t.dataDir, 'TelcoA'));
    const temp = await ca.enroll({ name: 'contractor', role: 'client' });
    const client = connect({
      identity: { mspId: 'TelcoA', credentials: temp.certDer },
      signer: newPrivateKeySigner(privateKeyFrom(temp.privateKeyPem!)),
      gateway: t.gateway,
    });
    const contract = client.network(CH).contract(CC);
    await expect(
      contract.submit('createAsset', { arguments: { id: 'rev-1', owner: 'C', value: 1 } }),
    ).resolves.toMatchObject({
      validationCode: 'VALID',
    });

    // Endorsed before the revocation, ordered after it.
    const signer = newPrivateKeySigner(privateKeyFrom(temp.privateKeyPem!));
    const held = contract.newProposal('updateValue', { arguments: { id: 'rev-1', value: 2 } });
    const heldTx = await held.endorse(signer(held.bytes) as Uint8Array);

    // The REST gateway's read check judges the same certificate the way the peers do.
    const canRead = channelReadAccess({
      gateway: t.gateway,
      identities: () => ({ mspId: 'TelcoA', certDer: temp.certDer }),
    });
    await expect(canRead(CH, 'TelcoA.contractor')).resolves.toBe(CH);

    const crl = await ca.revoke(temp.serial, 'keyCompromise');
    await ca.save(layout.caDir(t.dataDir, 'TelcoA'));
    const current = t.gateway.peerFor(CH).channelConfig(CH);
    const update = proposeConfigUpdate(current, admin('TelcoA.admin'), (c) => ({
      ...c,
      orgs: c.orgs.map((o) => (o.mspId === 'TelcoA' ? { ...o, crls: [toBase64(crl)] } : o)),
    }));
    await submitConfigUpdate(t.gateway, update, admin('TelcoA.admin'), [admin('TelcoA.admin')], CH);
    await t.network.settle();
    for (const p of t.network.peers) expect(p.context(CH).sequence).toBe(current.sequence + 1);
    await expect(canRead(CH, 'TelcoA.contractor')).rejects.toMatchObject({ code: 'CERT_REVOKED' });

    // The orderer already knows the CRL and refuses the envelope outright.
    const envelope = encodeEnvelope(heldTx.bytes, signer(heldTx.bytes) as Uint8Array);
    await expect(t.gateway.submit(envelope)).rejects.toMatchObject({ code: 'BAD_CREATOR' });

    // Peers do not rely on the orderer: a block that carries it anyway (cut by an orderer whose
    // view lags) gets it flagged BAD_CREATOR by every peer, and nothing is written.
    const peers = t.network.peers;
    const height = peers[0]!.height(CH);
    const orderer = readIdentityDir(layout.nodeDir(t.dataDir, 'Orderer', 'orderer0'), 'Orderer.orderer0');
    const ordererBytes = encodeIdentity(orderer.mspId, orderer.certDer);
    const header = newBlockHeader({
      channel: CH,
      number: height,
      previousHash: peers[0]!.ledger(CH).lastBlockHash!,
      envelopes: [envelope],
      timestamp: Date.now(),
    });
    const block = encodeBlock(
      header,
      [envelope],
      [
        {
          signer: ordererBytes,
          signature: signBytes(orderer.privateKey, blockSigningBytes(header, ordererBytes)),
        },
      ],
    );
    for (const p of peers) {
      await p.deliverBlock(CH, block);
      expect(p.txStatus(CH, held.transactionId)?.validationCode).toBe(ValidationCode.BAD_CREATOR);
      expect(JSON.parse(Buffer.from(p.ledger(CH).getState(CC, 'rev-1')!.value).toString()).value).toBe(1);
    }

    const err = await contract
      .submit('updateValue', { arguments: { id: 'rev-1', value: 3 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndorseError);
    expect((err as EndorseError).code).toBe('BAD_CREATOR');
  });
});
