import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../identity/index.js';
import { bootstrapDataDir, layout } from './bootstrap.js';
import { DEFAULT_NETWORK, parseNetworkConfig } from './networkConfig.js';

const dir = mkdtempSync(join(tmpdir(), 'consortia-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bootstrapDataDir', () => {
  it("records every certificate it issues in the org's CA, so each one can be revoked later", async () => {
    await bootstrapDataDir(dir, parseNetworkConfig(DEFAULT_NETWORK));
    const ca = await CertificateAuthority.load(layout.caDir(dir, 'TelcoA'));
    const user = readFileSync(join(layout.userDir(dir, 'TelcoA', 'user1'), 'cert.pem'), 'utf8');
    const peer = readFileSync(join(layout.nodeDir(dir, 'TelcoA', 'peer0'), 'cert.pem'), 'utf8');
    expect((await ca.revoke(user, 'keyCompromise')).byteLength).toBeGreaterThan(0);
    expect((await ca.revoke(peer)).byteLength).toBeGreaterThan(0);

    const ordererCa = await CertificateAuthority.load(layout.caDir(dir, 'Orderer'));
    const orderer = readFileSync(join(layout.nodeDir(dir, 'Orderer', 'orderer0'), 'cert.pem'), 'utf8');
    expect((await ordererCa.revoke(orderer)).byteLength).toBeGreaterThan(0);
  });

  it('leaves existing identities alone on a second run', async () => {
    const certPath = join(layout.userDir(dir, 'TelcoB', 'admin'), 'cert.pem');
    const before = readFileSync(certPath, 'utf8');
    await bootstrapDataDir(dir, parseNetworkConfig(DEFAULT_NETWORK));
    expect(readFileSync(certPath, 'utf8')).toBe(before);
  });
});
