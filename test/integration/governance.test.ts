import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../src/common/index.js';
import {
  applyConfigChange,
  type ConfigChange,
  type ConfigSigner,
  newConfigUpdateFile,
  signConfigUpdateFile,
  submitConfigUpdateFile,
} from '../../src/gateway/index.js';
import { CertificateAuthority } from '../../src/identity/index.js';
import { layout } from '../../src/network/index.js';
import { removeDir, startNetwork, type TestNetwork } from '../support/network.js';

const CH = 'telecom';
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

/** Proposes a change, has `orgs`' admins sign it and submits it; resolves to the outcome code. */
async function attempt(change: ConfigChange, orgs: string[]): Promise<string> {
  const current = t.gateway.peerFor(CH).channelConfig(CH);
  let file = newConfigUpdateFile(current, applyConfigChange(current, change), admin(orgs[0]!));
  for (const org of orgs) file = await signConfigUpdateFile(file, admin(org));
  try {
    await submitConfigUpdateFile(t.gateway, file, admin(orgs[0]!));
    await t.network.settle();
    return 'VALID';
  } catch (err) {
    return (err as { code: string }).code;
  }
}

let timeout = 100;
const batchChange = (): ConfigChange => ({ kind: 'set-batch', batch: { timeoutMs: ++timeout } });

describe('governance models for channel changes (seed 002)', () => {
  it('decentralised (MAJORITY Admins, the default): 2 of 4 admins are not enough, 3 are', async () => {
    expect(t.gateway.peerFor(CH).channelConfig(CH).policies.Admins).toBe('MAJORITY Admins');
    expect(await attempt(batchChange(), ['TelcoA', 'TelcoB'])).toBe('INVALID_CONFIG');
    expect(await attempt(batchChange(), ['TelcoA', 'TelcoB', 'TelcoC'])).toBe('VALID');
  });

  it("centralised (one named org's admin): the regulator alone decides, the others together cannot", async () => {
    expect(
      await attempt({ kind: 'set-governance', model: 'centralised', org: 'Regulator' }, [
        'TelcoA',
        'TelcoB',
        'TelcoC',
      ]),
    ).toBe('VALID');
    expect(t.gateway.peerFor(CH).channelConfig(CH).policies.Admins).toBe("OR('Regulator.admin')");
    expect(await attempt(batchChange(), ['TelcoA', 'TelcoB', 'TelcoC'])).toBe('INVALID_CONFIG');
    expect(await attempt(batchChange(), ['Regulator'])).toBe('VALID');
  });

  it('hybrid (the regulator AND a majority of admins): neither side alone suffices', async () => {
    expect(await attempt({ kind: 'set-governance', model: 'hybrid', org: 'Regulator' }, ['Regulator'])).toBe(
      'VALID',
    );
    expect(t.gateway.peerFor(CH).channelConfig(CH).policies.Admins).toBe(
      "AND('Regulator.admin', MAJORITY Admins)",
    );
    expect(await attempt(batchChange(), ['Regulator'])).toBe('INVALID_CONFIG');
    expect(await attempt(batchChange(), ['TelcoA', 'TelcoB', 'TelcoC'])).toBe('INVALID_CONFIG');
    expect(await attempt(batchChange(), ['Regulator', 'TelcoA'])).toBe('INVALID_CONFIG');
    expect(await attempt(batchChange(), ['Regulator', 'TelcoA', 'TelcoB'])).toBe('VALID');
  });

  it('an org may still update its own CRL alone under any model', async () => {
    const crl = await (await CertificateAuthority.load(layout.caDir(t.dataDir, 'TelcoC'))).crl();
    expect(await attempt({ kind: 'set-crl', mspId: 'TelcoC', crls: [toBase64(crl)] }, ['TelcoC'])).toBe(
      'VALID',
    );
    expect(await attempt({ kind: 'set-crl', mspId: 'TelcoB', crls: [toBase64(crl)] }, ['TelcoC'])).toBe(
      'INVALID_CONFIG',
    );
  });
});
