import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyConfigChange,
  approvalStatus,
  type ConfigSigner,
  type ConfigUpdateFile,
  newConfigUpdateFile,
  signConfigUpdateFile,
  submitConfigUpdateFile,
} from '../../src/gateway/index.js';
import { encodeEnvelope, parseBlock, parseEnvelope, ValidationCode } from '../../src/protocol/index.js';
import { removeDir, startNetwork, type TestNetwork } from '../support/network.js';

const CH = 'telecom';
const V1 = join(import.meta.dirname, '../support/contracts/counterV1.ts');
const V2 = join(import.meta.dirname, '../support/contracts/counterV2.ts');
let t: TestNetwork;

beforeAll(async () => {
  t = await startNetwork();
});

afterAll(async () => {
  await t.stop();
  removeDir(t.dataDir);
});

function admin(org: string): ConfigSigner {
  const id = t.network.identity(`${org}.admin`);
  return { mspId: id.mspId, certDer: id.certDer, signer: id.signer };
}

async function define(version: string, policy: string): Promise<ConfigUpdateFile> {
  const current = t.gateway.peerFor(CH).channelConfig(CH);
  const next = applyConfigChange(current, {
    kind: 'set-contract',
    name: 'counter',
    version,
    endorsementPolicy: policy,
  });
  return newConfigUpdateFile(current, next, admin('TelcoA'));
}

async function approve(file: ConfigUpdateFile, orgs: string[]): Promise<ConfigUpdateFile> {
  let f = file;
  for (const org of orgs) f = await signConfigUpdateFile(f, admin(org));
  return f;
}

describe('contract lifecycle: install, approve, commit, upgrade', () => {
  it('commits a definition only once MAJORITY Admins approved it, and shows who approved', async () => {
    expect(t.network.installContract(V1)).toEqual({ name: 'counter', version: '1.0' });
    const draft = await define('1.0', 'MAJORITY Endorsement');
    const two = await approve(draft, ['TelcoA', 'TelcoB']);
    const status = approvalStatus(two, t.gateway.peerFor(CH).channelConfig(CH));
    expect(status.policy).toBe('MAJORITY Admins');
    expect(status.satisfied).toBe(false);
    expect(status.orgs.filter((o) => o.approved).map((o) => o.mspId)).toEqual(['TelcoA', 'TelcoB']);
    await expect(submitConfigUpdateFile(t.gateway, two, admin('TelcoA'))).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });

    const three = await approve(two, ['Regulator']);
    expect(approvalStatus(three, t.gateway.peerFor(CH).channelConfig(CH)).satisfied).toBe(true);
    await submitConfigUpdateFile(t.gateway, three, admin('TelcoA'));
    await t.network.settle();
    for (const p of t.network.peers)
      expect(p.context(CH).contract('counter')?.definition).toMatchObject({ version: '1.0', sequence: 1 });

    const counter = t.client('TelcoB.admin').network(CH).contract('counter');
    expect((await counter.submit('increment', { arguments: { key: 'k' } })).result).toBe(1);
  });

  it('upgrades to a new version with a new policy, keeping the state; transactions endorsed by the old version become invalid', async () => {
    const counter = t.client('TelcoB.admin').network(CH).contract('counter');
    const id = t.network.identity('TelcoB.admin');
    const held = counter.newProposal('increment', { arguments: { key: 'k' } });
    const heldTx = await held.endorse(id.signer(held.bytes) as Uint8Array);

    t.network.installContract(V2);
    const upgrade = await approve(await define('2.0', "OR('TelcoA.member', 'TelcoB.member')"), [
      'TelcoA',
      'TelcoB',
      'TelcoC',
    ]);
    await submitConfigUpdateFile(t.gateway, upgrade, admin('TelcoA'));
    await t.network.settle();

    await t.gateway.submit(encodeEnvelope(heldTx.bytes, id.signer(heldTx.bytes) as Uint8Array));
    const stale = await t.gateway.commitStatus(CH, held.transactionId);
    expect(stale.validationCode).toBe(ValidationCode.EXPIRED_CHAINCODE);

    const r = await counter.submit('incrementBy', { arguments: { key: 'k', by: 10 } });
    expect(r.result).toBe(11);
    await t.network.settle(); // submit waits for the client's org peer; peers[0] may still be committing
    const block = parseBlock(t.network.peers[0]!.ledger(CH).getBlock(r.blockNumber)!);
    const tx = block.envelopes.map((e) => parseEnvelope(e)).find((x) => x.txId === r.transactionId);
    expect(tx?.type === 'endorser' && tx.endorsements.length).toBe(1);
  });

  it('refuses a definition whose version is not installed', async () => {
    const draft = await approve(await define('3.0', 'MAJORITY Endorsement'), ['TelcoA', 'TelcoB', 'TelcoC']);
    await submitConfigUpdateFile(t.gateway, draft, admin('TelcoA'));
    await t.network.settle();
    const counter = t.client('TelcoB.admin').network(CH).contract('counter');
    await expect(counter.submit('increment', { arguments: { key: 'k' } })).rejects.toMatchObject({
      code: 'CONTRACT_NOT_INSTALLED',
    });
  });
});
