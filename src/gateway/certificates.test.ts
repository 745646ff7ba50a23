import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../common/index.js';
import { CertificateAuthority, type EnrolledIdentity } from '../identity/index.js';
import {
  type ChannelConfig,
  DEFAULT_BATCH,
  DEFAULT_POLICIES,
  validateChannelConfig,
} from '../protocol/index.js';
import { readCertificateReport } from './certificates.js';

let dir: string;
let ca: CertificateAuthority;
let ordererCa: CertificateAuthority;
let revoked: EnrolledIdentity;
let lateRevoked: EnrolledIdentity;
let config: ChannelConfig;

function writeIdentity(path: string, id: EnrolledIdentity): void {
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'cert.pem'), id.certPem);
  writeFileSync(join(path, 'key.pem'), 'not read by the report');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'consortia-'));
  ca = await CertificateAuthority.create({ mspId: 'TelcoA' });
  ordererCa = await CertificateAuthority.create({ mspId: 'Orderer' });
  writeIdentity(join(dir, 'TelcoA', 'peer0'), await ca.enroll({ name: 'peer0', role: 'peer' }));
  writeIdentity(join(dir, 'TelcoA', 'users', 'admin'), await ca.enroll({ name: 'admin', role: 'admin' }));
  writeIdentity(
    join(dir, 'TelcoA', 'users', 'temp'),
    await ca.enroll({ name: 'temp', role: 'client', validityDays: 3 }),
  );
  revoked = await ca.enroll({ name: 'gone', role: 'client' });
  writeIdentity(join(dir, 'TelcoA', 'users', 'gone'), revoked);
  const crl = await ca.revoke(revoked.serial, 'keyCompromise');
  // Revoked at the CA after the CRL in the channel config was made: not published yet.
  lateRevoked = await ca.enroll({ name: 'late', role: 'client' });
  await ca.revoke(lateRevoked.serial, 'superseded');
  await ca.save(join(dir, 'TelcoA', 'ca'));
  await ordererCa.save(join(dir, 'Orderer', 'ca'));
  mkdirSync(join(dir, 'TelcoA', 'users', 'broken'), { recursive: true });
  writeFileSync(join(dir, 'TelcoA', 'users', 'broken', 'cert.pem'), 'not a certificate');
  mkdirSync(join(dir, 'channels', 'telecom'), { recursive: true });
  config = validateChannelConfig({
    channel: 'telecom',
    sequence: 1,
    orgs: [{ mspId: 'TelcoA', rootCerts: [ca.certPem], crls: [toBase64(crl)] }],
    ordererOrgs: [{ mspId: 'Orderer', rootCerts: [ordererCa.certPem] }],
    policies: DEFAULT_POLICIES,
    batch: DEFAULT_BATCH,
    ordering: { type: 'solo', signaturesRequired: 1 },
    contracts: [],
  });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('readCertificateReport', () => {
  it('lists CA, node and user certificates of a data dir, soonest expiry first', () => {
    const r = readCertificateReport({ dataDir: dir, channelConfigs: [config] });
    const names = r.certificates.map((c) => `${c.org}/${c.kind}/${c.name}`);
    expect(names.slice(0, 1)).toEqual(['TelcoA/user/temp']);
    expect(names).toEqual(
      expect.arrayContaining([
        'TelcoA/node/peer0',
        'TelcoA/user/admin',
        'TelcoA/user/gone',
        'TelcoA/ca/ca',
        'Orderer/ca/ca',
      ]),
    );
    expect(names.at(-1)).toBe('TelcoA/user/broken');
    const expiries = r.certificates.filter((c) => c.notAfter).map((c) => Date.parse(c.notAfter!));
    expect(expiries).toEqual([...expiries].sort((a, b) => a - b));
    // CA certificates from the channel config are not listed twice.
    expect(r.certificates.filter((c) => c.kind === 'ca')).toHaveLength(2);
  });

  it('marks certificates expiring within the warning window, expired, revoked and unreadable', () => {
    const r = readCertificateReport({ dataDir: dir, channelConfigs: [config] });
    const by = (name: string) => r.certificates.find((c) => c.name === name)!;
    expect(by('temp')).toMatchObject({ status: 'expiring', daysLeft: 3, role: 'client', mspId: 'TelcoA' });
    expect(by('admin')).toMatchObject({ status: 'ok', role: 'admin' });
    expect(by('gone').status).toBe('revoked');
    expect(by('gone').revokedAt).toMatch(/^\d{4}-/);
    expect(by('broken').status).toBe('unreadable');
    expect(by('broken').error).toContain('does not hold a readable certificate');

    const later = readCertificateReport({
      dataDir: dir,
      channelConfigs: [config],
      now: new Date(Date.now() + 10 * 86_400_000),
    });
    expect(later.certificates.find((c) => c.name === 'temp')).toMatchObject({
      status: 'expired',
      daysLeft: -7,
    });
    expect(later.certificates.find((c) => c.name === 'admin')!.status).toBe('ok');
    const strict = readCertificateReport({ dataDir: dir, channelConfigs: [config], warnDays: 400 });
    expect(strict.certificates.find((c) => c.name === 'admin')!.status).toBe('expiring');
  });

  it('lists the CRLs of the channel configs and every revoked serial', () => {
    const r = readCertificateReport({
      dataDir: dir,
      channelConfigs: [config, { ...config, channel: 'second' }],
    });
    expect(r.crls).toHaveLength(1);
    expect(r.crls[0]).toMatchObject({
      mspId: 'TelcoA',
      channels: ['telecom', 'second'],
      crlNumber: expect.stringMatching(/^\d+$/),
      revokedSerials: [revoked.serial],
    });
    expect(r.crls[0]!.issuer).toContain('TelcoA');
    expect(r.revokedSerials).toEqual(
      expect.arrayContaining([
        {
          mspId: 'TelcoA',
          serial: revoked.serial,
          revokedAt: expect.any(String),
          reason: 'keyCompromise',
          published: true,
          holder: 'TelcoA/gone',
        },
        {
          mspId: 'TelcoA',
          serial: lateRevoked.serial,
          revokedAt: expect.any(String),
          reason: 'superseded',
          published: false,
        },
      ]),
    );
  });

  it('reports a CRL that does not parse instead of failing', () => {
    const bad = { ...config, orgs: [{ ...config.orgs[0]!, crls: [toBase64(new Uint8Array([1, 2, 3]))] }] };
    const r = readCertificateReport({ channelConfigs: [bad] });
    expect(r.crls[0]!.error).toContain('the CRL does not parse');
    // Without a data dir, the CA certificates come from the channel config.
    expect(r.certificates.map((c) => c.source)).toEqual(['channel config telecom', 'channel config telecom']);
  });
});
