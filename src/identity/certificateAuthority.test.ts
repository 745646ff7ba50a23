import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConsortiaError } from '../common/index.js';
import { generateKeyPair, privateKeyFrom, publicKeyToPem, signBytes, verifyBytes } from '../crypto/index.js';
import { decodeCrlNumber } from './crlNumber.js';
import { CertificateAuthority, IdentityErrorCodes, parseIdentityCert } from './index.js';
import { x509 } from './x509Provider.js';

const DAY = 86_400_000;

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (isConsortiaError(err)) return err.code;
    throw err;
  }
  return undefined;
}

function crlNumberOf(crl: x509.X509Crl): bigint | undefined {
  const ext = crl.getExtension('2.5.29.20');
  return ext === null ? undefined : decodeCrlNumber(new Uint8Array(ext.value));
}

let ca: CertificateAuthority;
let otherCa: CertificateAuthority;
const tmpDirs: string[] = [];

function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-'));
  tmpDirs.push(dir);
  return dir;
}

beforeAll(async () => {
  ca = await CertificateAuthority.create({ mspId: 'TelcoA' });
  otherCa = await CertificateAuthority.create({ mspId: 'TelcoA' });
});

afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('CertificateAuthority.create', () => {
  it('makes a self-signed 10-year CA certificate named ca.<mspId>', () => {
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe('CN=ca.TelcoA\nO=TelcoA');
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    const years = (new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()) / (365 * DAY);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
    const p = new x509.X509Certificate(ca.certDer);
    const ku = p.getExtension(x509.KeyUsagesExtension);
    expect(ku?.usages !== undefined && (ku.usages & x509.KeyUsageFlags.keyCertSign) !== 0).toBe(true);
    expect(ku?.usages !== undefined && (ku.usages & x509.KeyUsageFlags.cRLSign) !== 0).toBe(true);
    expect(Buffer.from(ca.certDer).equals(cert.raw)).toBe(true);
  });

  it('can make a second, separate TLS CA for the same org', async () => {
    const tlsCa = await CertificateAuthority.create({
      mspId: 'TelcoA',
      commonName: 'tlsca.TelcoA',
      validityDays: 30,
    });
    const cert = new X509Certificate(tlsCa.certPem);
    expect(cert.subject).toBe('CN=tlsca.TelcoA\nO=TelcoA');
    expect(tlsCa.certPem).not.toBe(ca.certPem);
    const tls = await tlsCa.enroll({
      name: 'peer0',
      role: 'peer',
      dnsNames: ['peer0.telcoa.example', 'localhost'],
      ipAddresses: ['127.0.0.1', '::1'],
      extKeyUsage: ['serverAuth', 'clientAuth'],
    });
    const leaf = new X509Certificate(tls.certPem);
    expect(leaf.subjectAltName).toContain('DNS:peer0.telcoa.example');
    expect(leaf.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(leaf.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
    expect(leaf.verify(cert.publicKey)).toBe(true);
    expect(leaf.verify(new X509Certificate(ca.certPem).publicKey)).toBe(false);
  });

  it('refuses bad MSP ids, common names and validity', async () => {
    expect(await codeOf(CertificateAuthority.create({ mspId: 'Telco A' }))).toBe('INVALID_NAME');
    expect(await codeOf(CertificateAuthority.create({ mspId: '' }))).toBe('INVALID_NAME');
    expect(await codeOf(CertificateAuthority.create({ mspId: 'x'.repeat(65) }))).toBe('INVALID_NAME');
    expect(await codeOf(CertificateAuthority.create({ mspId: 'A', commonName: 'ca,O=Evil' }))).toBe(
      'INVALID_NAME',
    );
    expect(await codeOf(CertificateAuthority.create({ mspId: 'A', validityDays: 0 }))).toBe(
      'INVALID_VALIDITY',
    );
  });
});

describe('CertificateAuthority.enroll', () => {
  it('issues a leaf with subject, role, attributes and a matching private key', async () => {
    const id = await ca.enroll({
      name: 'user1',
      role: 'client',
      attributes: { dept: 'sales', 'hf.level': '3' },
    });
    expect(id).toMatchObject({ mspId: 'TelcoA', name: 'user1', role: 'client' });
    expect(id.attributes).toEqual({ dept: 'sales', 'hf.level': '3' });
    const cert = new X509Certificate(id.certPem);
    expect(cert.subject).toBe('CN=user1\nOU=client\nO=TelcoA');
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(id.serial).toMatch(/^[1-7][0-9a-f]{31}$/);
    expect(id.serial).toBe(cert.serialNumber.toLowerCase());
    expect(id.notAfter.getTime() - id.notBefore.getTime()).toBe(365 * DAY);
    expect(id.notBefore.toISOString()).toBe(new Date(cert.validFrom).toISOString());

    const msg = new TextEncoder().encode('hello');
    expect(id.privateKeyPem).toBeDefined();
    const sig = signBytes(privateKeyFrom(id.privateKeyPem ?? ''), msg);
    expect(verifyBytes(cert.publicKey, msg, sig)).toBe(true);

    const parsed = parseIdentityCert(id.certDer);
    expect(parsed).toEqual({
      mspId: 'TelcoA',
      name: 'user1',
      role: 'client',
      attributes: { dept: 'sales', 'hf.level': '3' },
      serial: id.serial,
      notBefore: id.notBefore,
      notAfter: id.notAfter,
    });
    expect(parseIdentityCert(id.certPem)).toEqual(parsed);
    expect(ca.issued()).toContainEqual({
      serial: id.serial,
      name: 'user1',
      role: 'client',
      notAfter: id.notAfter,
    });
  });

  it('certifies a given public key and returns no private key', async () => {
    const keys = generateKeyPair();
    const id = await ca.enroll({ name: 'peer0', role: 'peer', publicKeyPem: publicKeyToPem(keys.publicKey) });
    expect(id.privateKeyPem).toBeUndefined();
    const certKey = new X509Certificate(id.certPem).publicKey.export({ format: 'der', type: 'spki' });
    expect(certKey.equals(keys.publicKey.export({ format: 'der', type: 'spki' }))).toBe(true);
  });

  it('honours explicit notBefore/notAfter and validityDays', async () => {
    const notBefore = new Date(Date.now() - 10 * DAY);
    const notAfter = new Date(Date.now() - DAY);
    const old = await ca.enroll({ name: 'old', role: 'client', notBefore, notAfter });
    expect(old.notBefore.getTime()).toBe(Math.floor(notBefore.getTime() / 1000) * 1000);
    expect(old.notAfter.getTime()).toBe(Math.floor(notAfter.getTime() / 1000) * 1000);
    const short = await ca.enroll({ name: 'short', role: 'client', validityDays: 2 });
    expect(short.notAfter.getTime() - short.notBefore.getTime()).toBe(2 * DAY);
  });

  it('caps a leaf at the CA lifetime', async () => {
    const small = await CertificateAuthority.create({ mspId: 'Small', validityDays: 10 });
    const id = await small.enroll({ name: 'u', role: 'client' });
    expect(id.notAfter.getTime()).toBe(small.notAfter.getTime());
  });

  it('refuses invalid input with its own code', async () => {
    expect(await codeOf(ca.enroll({ name: '', role: 'client' }))).toBe('INVALID_NAME');
    expect(await codeOf(ca.enroll({ name: 'a/b', role: 'client' }))).toBe('INVALID_NAME');
    expect(await codeOf(ca.enroll({ name: 'user,OU=admin', role: 'client' }))).toBe('INVALID_NAME');
    expect(await codeOf(ca.enroll({ name: 'u', role: 'root' as 'admin' }))).toBe('INVALID_ROLE');
    const now = new Date();
    expect(await codeOf(ca.enroll({ name: 'u', role: 'client', notBefore: now, notAfter: now }))).toBe(
      'INVALID_VALIDITY',
    );
    expect(
      await codeOf(
        ca.enroll({ name: 'u', role: 'client', notBefore: now, notAfter: new Date(now.getTime() - DAY) }),
      ),
    ).toBe('INVALID_VALIDITY');
    expect(await codeOf(ca.enroll({ name: 'u', role: 'client', validityDays: -1 }))).toBe('INVALID_VALIDITY');
    expect(await codeOf(ca.enroll({ name: 'u', role: 'client', validityDays: Number.NaN }))).toBe(
      'INVALID_VALIDITY',
    );
    expect(await codeOf(ca.enroll({ name: 'u', role: 'client', notBefore: new Date('nope') }))).toBe(
      'INVALID_VALIDITY',
    );
    expect(await codeOf(ca.enroll({ name: 'u', role: 'client', attributes: { 'bad key': 'x' } }))).toBe(
      'INVALID_ATTRIBUTES',
    );
    expect(
      await codeOf(ca.enroll({ name: 'u', role: 'client', attributes: { k: 7 as unknown as string } })),
    ).toBe('INVALID_ATTRIBUTES');
    expect(await codeOf(ca.enroll({ name: 'u', role: 'client', publicKeyPem: 'garbage' }))).toBe(
      'INVALID_PUBLIC_KEY',
    );
    const ed = generateKeyPairSync('ed25519').publicKey;
    expect(await codeOf(ca.enroll({ name: 'u', role: 'client', publicKeyPem: publicKeyToPem(ed) }))).toBe(
      'INVALID_PUBLIC_KEY',
    );
    expect(await codeOf(ca.enroll({ name: 'u', role: 'client', dnsNames: ['bad name'] }))).toBe(
      'INVALID_SAN',
    );
    expect(await codeOf(ca.enroll({ name: 'u', role: 'client', ipAddresses: ['300.1.1.1'] }))).toBe(
      'INVALID_SAN',
    );
    expect(
      await codeOf(ca.enroll({ name: 'u', role: 'client', extKeyUsage: ['codeSigning' as 'serverAuth'] })),
    ).toBe('INVALID_EXT_KEY_USAGE');
  });
});

describe('CertificateAuthority.renew', () => {
  it('keeps name, role, attributes, SANs and key; changes serial', async () => {
    const id = await ca.enroll({
      name: 'renewme',
      role: 'admin',
      attributes: { a: '1' },
      dnsNames: ['admin.telcoa'],
      validityDays: 1,
    });
    const renewed = await ca.renew(id.certPem, { validityDays: 90 });
    expect(renewed).toMatchObject({
      mspId: 'TelcoA',
      name: 'renewme',
      role: 'admin',
      attributes: { a: '1' },
    });
    expect(renewed.serial).not.toBe(id.serial);
    expect(renewed.privateKeyPem).toBeUndefined();
    expect(renewed.notAfter.getTime() - renewed.notBefore.getTime()).toBe(90 * DAY);
    const before = new X509Certificate(id.certPem);
    const after = new X509Certificate(renewed.certPem);
    expect(after.publicKey.equals(before.publicKey)).toBe(true);
    expect(after.subjectAltName).toBe('DNS:admin.telcoa');
  });

  it('certifies a new key when one is given', async () => {
    const id = await ca.enroll({ name: 'rekey', role: 'client' });
    const keys = generateKeyPair();
    const renewed = await ca.renew(id.certPem, { publicKeyPem: publicKeyToPem(keys.publicKey) });
    expect(new X509Certificate(renewed.certPem).publicKey.equals(keys.publicKey)).toBe(true);
  });

  it('refuses a certificate of another CA, and a revoked one', async () => {
    const foreign = await otherCa.enroll({ name: 'user1', role: 'client' });
    expect(await codeOf(ca.renew(foreign.certPem))).toBe(IdentityErrorCodes.NOT_ISSUED_BY_CA);
    expect(await codeOf(ca.renew('not a cert'))).toBe('CERT_MALFORMED');
    const id = await ca.enroll({ name: 'gone', role: 'client' });
    await ca.revoke(id.serial);
    expect(await codeOf(ca.renew(id.certPem))).toBe('CERT_REVOKED');
  });
});

describe('CertificateAuthority.revoke and crl', () => {
  it('lists the serial on a CRL signed by the CA, with increasing CRL numbers', async () => {
    const id = await ca.enroll({ name: 'revokee', role: 'client' });
    const first = new x509.X509Crl(await ca.crl());
    const crlDer = await ca.revoke(id.serial, 'keyCompromise');
    const crl = new x509.X509Crl(crlDer);
    expect(await crl.verify({ publicKey: new x509.X509Certificate(ca.certDer) })).toBe(true);
    expect(await crl.verify({ publicKey: new x509.X509Certificate(otherCa.certDer) })).toBe(false);
    const entry = crl.findRevoked(id.serial);
    expect(entry).not.toBeNull();
    expect(entry?.reason).toBe(x509.X509CrlReason.keyCompromise);
    const n1 = crlNumberOf(first);
    const n2 = crlNumberOf(crl);
    expect(n1).toBeDefined();
    expect(n2 !== undefined && n1 !== undefined && n2 > n1).toBe(true);
    expect(crl.nextUpdate?.getTime()).toBe(crl.thisUpdate.getTime() + 7 * DAY);
    expect(ca.revoked()).toContainEqual(
      expect.objectContaining({ serial: id.serial, reason: 'keyCompromise' }),
    );
  });

  it('is idempotent and accepts a PEM certificate', async () => {
    const id = await ca.enroll({ name: 'twice', role: 'client' });
    await ca.revoke(id.certPem, 'superseded');
    const rec = ca.revoked().find((r) => r.serial === id.serial);
    await ca.revoke(id.serial, 'keyCompromise');
    const again = ca.revoked().filter((r) => r.serial === id.serial);
    expect(again).toEqual([rec]);
    expect(again[0]?.reason).toBe('superseded');
  });

  it('refuses unknown serials and reasons', async () => {
    expect(await codeOf(ca.revoke('1234abcd'))).toBe('UNKNOWN_SERIAL');
    expect(await codeOf(ca.revoke('not-hex'))).toBe('UNKNOWN_SERIAL');
    const foreign = await otherCa.enroll({ name: 'f', role: 'client' });
    expect(await codeOf(ca.revoke(foreign.certPem))).toBe('UNKNOWN_SERIAL');
    const id = await ca.enroll({ name: 'r', role: 'client' });
    expect(await codeOf(ca.revoke(id.serial, 'because' as 'unspecified'))).toBe('INVALID_REASON');
    expect(await codeOf(ca.crl({ nextUpdateDays: 0 }))).toBe('INVALID_VALIDITY');
  });
});

describe('CertificateAuthority.expiring', () => {
  it('lists unrevoked identities that expire within the window, soonest first', async () => {
    const local = await CertificateAuthority.create({ mspId: 'Exp' });
    const soon = await local.enroll({ name: 'soon', role: 'client', validityDays: 5 });
    const sooner = await local.enroll({ name: 'sooner', role: 'client', validityDays: 2 });
    await local.enroll({ name: 'later', role: 'client', validityDays: 100 });
    const revoked = await local.enroll({ name: 'revoked', role: 'client', validityDays: 1 });
    await local.revoke(revoked.serial);
    expect(local.expiring(30).map((i) => i.name)).toEqual(['sooner', 'soon']);
    expect(local.expiring(3).map((i) => i.serial)).toEqual([sooner.serial]);
    expect(local.expiring(0, new Date(soon.notAfter.getTime() + 1)).map((i) => i.name)).toEqual([
      'sooner',
      'soon',
    ]);
  });
});

describe('CertificateAuthority save/load', () => {
  it('round-trips certificate, key and state', async () => {
    const local = await CertificateAuthority.create({ mspId: 'TelcoS' });
    const id = await local.enroll({ name: 'u1', role: 'peer', attributes: { x: 'y' } });
    await local.revoke(id.serial, 'cessationOfOperation');
    const lastCrl = new x509.X509Crl(await local.crl());
    const dir = path.join(tmpDir(), 'nested', 'ca');
    await local.save(dir);
    expect(fs.statSync(path.join(dir, 'ca-key.pem')).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(dir, 'ca-cert.pem'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'state.json'))).toBe(true);

    const loaded = await CertificateAuthority.load(dir);
    expect(loaded.mspId).toBe('TelcoS');
    expect(loaded.certPem).toBe(local.certPem);
    expect(loaded.issued()).toEqual(local.issued());
    expect(loaded.revoked()).toEqual(local.revoked());
    const crl = new x509.X509Crl(await loaded.crl());
    expect(await crl.verify({ publicKey: new x509.X509Certificate(local.certDer) })).toBe(true);
    expect((crlNumberOf(crl) ?? 0n) > (crlNumberOf(lastCrl) ?? 0n)).toBe(true);
    expect(crl.findRevoked(id.serial)?.reason).toBe(x509.X509CrlReason.cessationOfOperation);
    expect(await codeOf(loaded.renew(id.certPem))).toBe('CERT_REVOKED');
    const fresh = await loaded.enroll({ name: 'u2', role: 'client' });
    expect(new X509Certificate(fresh.certPem).verify(new X509Certificate(local.certPem).publicKey)).toBe(
      true,
    );
  });

  it('gives CA_NOT_FOUND for a missing directory and CA_CORRUPT for damaged files', async () => {
    expect(await codeOf(CertificateAuthority.load(path.join(tmpDir(), 'missing')))).toBe('CA_NOT_FOUND');

    const a = await CertificateAuthority.create({ mspId: 'TelcoC' });
    const b = await CertificateAuthority.create({ mspId: 'TelcoC' });
    const dirA = tmpDir();
    const dirB = tmpDir();
    await a.save(dirA);
    await b.save(dirB);

    fs.writeFileSync(path.join(dirA, 'state.json'), '{not json');
    expect(await codeOf(CertificateAuthority.load(dirA))).toBe('CA_CORRUPT');
    fs.writeFileSync(path.join(dirA, 'state.json'), JSON.stringify({ version: 1 }));
    expect(await codeOf(CertificateAuthority.load(dirA))).toBe('CA_CORRUPT');

    fs.copyFileSync(path.join(dirA, 'ca-key.pem'), path.join(dirB, 'ca-key.pem'));
    expect(await codeOf(CertificateAuthority.load(dirB))).toBe('CA_CORRUPT');

    fs.writeFileSync(path.join(dirB, 'ca-cert.pem'), 'garbage');
    expect(await codeOf(CertificateAuthority.load(dirB))).toBe('CA_CORRUPT');
    fs.rmSync(path.join(dirB, 'ca-cert.pem'));
    expect(await codeOf(CertificateAuthority.load(dirB))).toBe('CA_CORRUPT');
  });

  it('saves and loads an intermediate CA with its chain', async () => {
    const ica = await ca.createIntermediate({ commonName: 'ica.TelcoA' });
    const dir = tmpDir();
    await ica.save(dir);
    const loaded = await CertificateAuthority.load(dir);
    expect(loaded.chainPem).toBe(ca.certPem);
    expect(loaded.commonName).toBe('ica.TelcoA');
    const leaf = await loaded.enroll({ name: 'deep', role: 'client' });
    expect(new X509Certificate(leaf.certPem).verify(new X509Certificate(ica.certPem).publicKey)).toBe(true);
    expect(new X509Certificate(ica.certPem).verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
  });
});
