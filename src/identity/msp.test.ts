import { type KeyObject, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ConsortiaError, isConsortiaError, utf8 } from '../common/index.js';
import { generateKeyPair, privateKeyFrom, sha256Hex } from '../crypto/index.js';
import { toPem } from './certEncoding.js';
import { IDENTITY_EXTENSION_OID } from './identityExtension.js';
import {
  CertificateAuthority,
  type EnrolledIdentity,
  Msp,
  MspManager,
  parseIdentityCert,
  type ValidateOptions,
} from './index.js';
import { issueCertificate } from './issueCertificate.js';
import { toSigningKey, x509 } from './x509Provider.js';

const DAY = 86_400_000;

function errorOf(fn: () => unknown): ConsortiaError | undefined {
  try {
    fn();
  } catch (err) {
    if (isConsortiaError(err)) return err;
    throw err;
  }
  return undefined;
}

async function asyncCodeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    if (isConsortiaError(err)) return err.code;
    throw err;
  }
  return undefined;
}

let ca: CertificateAuthority;
let impostorCa: CertificateAuthority;
let msp: Msp;
let user: EnrolledIdentity;
let admin: EnrolledIdentity;

beforeAll(async () => {
  ca = await CertificateAuthority.create({ mspId: 'TelcoA' });
  impostorCa = await CertificateAuthority.create({ mspId: 'TelcoA' });
  msp = await Msp.create({ mspId: 'TelcoA', rootCerts: [ca.certPem] });
  user = await ca.enroll({ name: 'user1', role: 'client', attributes: { dept: 'sales' } });
  admin = await ca.enroll({ name: 'admin', role: 'admin' });
});

describe('Msp.validate', () => {
  it('accepts a valid identity and reports who it is', () => {
    const id = msp.validate(user.certDer);
    expect(id).toMatchObject({
      mspId: 'TelcoA',
      name: 'user1',
      role: 'client',
      attributes: { dept: 'sales' },
      serial: user.serial,
      id: `TelcoA::user1::${user.serial}`,
      certHash: sha256Hex(user.certDer),
    });
    expect(id.notAfter).toEqual(user.notAfter);
    expect(id.publicKey.equals(new X509Certificate(user.certPem).publicKey)).toBe(true);
    expect(Object.isFrozen(id)).toBe(true);
    expect(Object.isFrozen(id.attributes)).toBe(true);
  });

  it('refuses a certificate from another CA with the same org name (CERT_UNKNOWN_ISSUER)', async () => {
    const impostor = await impostorCa.enroll({ name: 'user1', role: 'admin' });
    const err = errorOf(() => msp.validate(impostor.certDer));
    expect(err?.code).toBe('CERT_UNKNOWN_ISSUER');
    expect(err?.detail).toMatchObject({ mspId: 'TelcoA' });
  });

  it('refuses expired and not-yet-valid certificates, judged at `at`', async () => {
    const expired = await ca.enroll({
      name: 'old',
      role: 'client',
      notBefore: new Date(Date.now() - 10 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    const expiredErr = errorOf(() => msp.validate(expired.certDer));
    expect(expiredErr?.code).toBe('CERT_EXPIRED');
    expect(expiredErr?.detail).toMatchObject({
      mspId: 'TelcoA',
      serial: expired.serial,
      certificate: 'leaf',
    });
    // Inside the leaf's window but before the CA existed: the issuer is not yet valid.
    const beforeCa = errorOf(() => msp.validate(expired.certDer, { at: new Date(Date.now() - 5 * DAY) }));
    expect(beforeCa?.code).toBe('CERT_NOT_YET_VALID');
    expect(beforeCa?.detail).toMatchObject({ certificate: 'issuer' });

    const future = await ca.enroll({ name: 'future', role: 'client', notBefore: new Date(Date.now() + DAY) });
    expect(errorOf(() => msp.validate(future.certDer))?.code).toBe('CERT_NOT_YET_VALID');
    expect(msp.validate(future.certDer, { at: new Date(Date.now() + 2 * DAY) }).name).toBe('future');

    expect(
      errorOf(() => msp.validate(user.certDer, { at: new Date(user.notAfter.getTime() + 1000) }))?.code,
    ).toBe('CERT_EXPIRED');
    expect(msp.validate(user.certDer, { at: user.notAfter }).name).toBe('user1');
  });

  it('re-checks expiry on every call even when the parse is cached', () => {
    const first = msp.validate(admin.certDer);
    expect(
      errorOf(() => msp.validate(admin.certDer, { at: new Date(admin.notAfter.getTime() + DAY) }))?.code,
    ).toBe('CERT_EXPIRED');
    expect(msp.validate(admin.certDer)).toBe(first);
  });

  it('refuses a certificate whose issuing CA has expired', async () => {
    const shortCa = await CertificateAuthority.create({ mspId: 'Brief', validityDays: 2 });
    const shortMsp = await Msp.create({ mspId: 'Brief', rootCerts: [shortCa.certPem] });
    // Our CA caps leaves at its own lifetime, so sign an outliving leaf by hand.
    const keys = generateKeyPair();
    const leaf = await issueCertificate({
      profile: 'leaf',
      subject: 'CN=outlives, OU=client, O=Brief',
      issuer: new x509.X509Certificate(shortCa.certDer).subjectName,
      publicKeySpki: keys.publicKey.export({ format: 'der', type: 'spki' }),
      signingKey: await toSigningKey(await saveAndReadKey(shortCa)),
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(shortCa.notAfter.getTime() + 10 * DAY),
    });
    expect(shortMsp.validate(leaf.der).name).toBe('outlives');
    const err = errorOf(() =>
      shortMsp.validate(leaf.der, { at: new Date(shortCa.notAfter.getTime() + DAY) }),
    );
    expect(err?.code).toBe('CERT_EXPIRED');
    expect(err?.detail).toMatchObject({ certificate: 'issuer', notAfter: shortCa.notAfter.toISOString() });
  });

  it('checks the role; member accepts any', () => {
    const check = (o: ValidateOptions) => errorOf(() => msp.validate(user.certDer, o))?.code;
    expect(check({ role: 'client' })).toBeUndefined();
    expect(check({ role: 'member' })).toBeUndefined();
    expect(check({ role: 'admin' })).toBe('ROLE_MISMATCH');
    expect(check({ role: 'peer' })).toBe('ROLE_MISMATCH');
    const err = errorOf(() => msp.validate(admin.certDer, { role: 'orderer' }));
    expect(err?.detail).toMatchObject({ role: 'admin', required: 'orderer', serial: admin.serial });
  });

  it('refuses bytes that are not a certificate (CERT_MALFORMED)', () => {
    expect(errorOf(() => msp.validate(new Uint8Array(0)))?.code).toBe('CERT_MALFORMED');
    expect(errorOf(() => msp.validate(utf8('hello world')))?.code).toBe('CERT_MALFORMED');
    expect(errorOf(() => msp.validate(user.certDer.subarray(0, 100)))?.code).toBe('CERT_MALFORMED');
  });

  it('refuses random bytes with CERT_MALFORMED (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expect(errorOf(() => msp.validate(bytes))?.code).toBe('CERT_MALFORMED');
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a certificate of another organisation (MSP_MISMATCH)', async () => {
    const confused = await Msp.create({ mspId: 'TelcoB', rootCerts: [ca.certPem] });
    const err = errorOf(() => confused.validate(user.certDer));
    expect(err?.code).toBe('MSP_MISMATCH');
    expect(err?.detail).toMatchObject({ mspId: 'TelcoB', certMspId: 'TelcoA' });
  });

  it('refuses a CA certificate as a member identity', () => {
    expect(errorOf(() => msp.validate(ca.certDer))?.code).toBe('CERT_IS_CA');
  });

  it('reads the role from OU when the identity extension is absent, and refuses a broken extension', async () => {
    const keys = generateKeyPair();
    const issuer = new x509.X509Certificate(ca.certDer);
    const caKeyPem = await saveAndReadKey(ca);
    const base = {
      profile: 'leaf' as const,
      issuer: issuer.subjectName,
      publicKeySpki: keys.publicKey.export({ format: 'der', type: 'spki' }),
      signingKey: await toSigningKey(caKeyPem),
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + DAY),
    };
    const plain = await issueCertificate({ ...base, subject: 'CN=legacy, OU=peer, O=TelcoA' });
    expect(msp.validate(plain.der, { role: 'peer' })).toMatchObject({
      name: 'legacy',
      role: 'peer',
      attributes: {},
    });
    const noRole = await issueCertificate({ ...base, subject: 'CN=legacy2, O=TelcoA' });
    expect(errorOf(() => msp.validate(noRole.der))?.code).toBe('CERT_MALFORMED');
    const broken = await issueCertificate({
      ...base,
      subject: 'CN=legacy3, OU=peer, O=TelcoA',
      extraExtensions: [new x509.Extension(IDENTITY_EXTENSION_OID, false, utf8('{"role":"king"}'))],
    });
    const err = errorOf(() => msp.validate(broken.der));
    expect(err?.code).toBe('CERT_MALFORMED');
    expect(err?.detail).toMatchObject({ mspId: 'TelcoA' });
  });
});

/** The CA's private key, read back from a saved CA directory (tests only). */
async function saveAndReadKey(authority: CertificateAuthority): Promise<KeyObject> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-'));
  try {
    await authority.save(dir);
    return privateKeyFrom(fs.readFileSync(path.join(dir, 'ca-key.pem'), 'utf8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('Msp CRLs', () => {
  it('withCrl revokes in a new MSP; the old one is unchanged', async () => {
    const victim = await ca.enroll({ name: 'victim', role: 'client' });
    const bystander = await ca.enroll({ name: 'bystander', role: 'client' });
    expect(msp.validate(victim.certDer).name).toBe('victim');
    const revokedMsp = await msp.withCrl(await ca.revoke(victim.serial, 'keyCompromise'));
    const err = errorOf(() => revokedMsp.validate(victim.certDer));
    expect(err?.code).toBe('CERT_REVOKED');
    expect(err?.detail).toMatchObject({ mspId: 'TelcoA', serial: victim.serial });
    expect(revokedMsp.validate(bystander.certDer).name).toBe('bystander');
    expect(revokedMsp.revokedSerials().has(victim.serial)).toBe(true);
    expect(msp.validate(victim.certDer).name).toBe('victim');
    expect(msp.revokedSerials().size).toBe(0);
    expect(revokedMsp.config.crls).toHaveLength(1);
  });

  it('accepts CRLs in the config, PEM or DER', async () => {
    const localCa = await CertificateAuthority.create({ mspId: 'TelcoP' });
    const id = await localCa.enroll({ name: 'u', role: 'client' });
    const crlPem = toPem(await localCa.revoke(id.serial), 'X509 CRL');
    const fromPem = await Msp.create({ mspId: 'TelcoP', rootCerts: [localCa.certPem], crls: [crlPem] });
    expect(errorOf(() => fromPem.validate(id.certDer))?.code).toBe('CERT_REVOKED');
  });

  it('keeps the newest CRL of a CA, whatever order they arrive in', async () => {
    const localCa = await CertificateAuthority.create({ mspId: 'TelcoN' });
    const a = await localCa.enroll({ name: 'a', role: 'client' });
    const b = await localCa.enroll({ name: 'b', role: 'client' });
    const crl1 = await localCa.revoke(a.serial);
    const crl2 = await localCa.revoke(b.serial);
    const base = await Msp.create({ mspId: 'TelcoN', rootCerts: [localCa.certPem] });
    const inOrder = await (await base.withCrl(crl1)).withCrl(crl2);
    const outOfOrder = await (await base.withCrl(crl2)).withCrl(crl1);
    const fromConfig = await Msp.create({
      mspId: 'TelcoN',
      rootCerts: [localCa.certPem],
      crls: [crl2, crl1],
    });
    for (const m of [inOrder, outOfOrder, fromConfig]) {
      expect([...m.revokedSerials()].sort()).toEqual([a.serial, b.serial].sort());
      expect(errorOf(() => m.validate(b.certDer))?.code).toBe('CERT_REVOKED');
      expect(m.config.crls).toEqual([crl2]);
    }
  });

  it('skips a CRL of another issuer, such as the org TLS CA, whose CRL shares the list', async () => {
    const orgCa = await CertificateAuthority.create({ mspId: 'TelcoS' });
    const tlsCa = await CertificateAuthority.create({ mspId: 'TelcoS', commonName: 'tlsca.TelcoS' });
    const victim = await orgCa.enroll({ name: 'victim', role: 'client' });
    const bystander = await orgCa.enroll({ name: 'bystander', role: 'client' });
    const tlsCert = await tlsCa.enroll({ name: 'peer0', role: 'peer', extKeyUsage: ['clientAuth'] });
    const tlsCrl = await tlsCa.revoke(tlsCert.serial);
    const orgCrl = await orgCa.revoke(victim.serial);
    const onlyTls = await Msp.create({ mspId: 'TelcoS', rootCerts: [orgCa.certPem], crls: [tlsCrl] });
    expect(onlyTls.revokedSerials().size).toBe(0);
    expect(onlyTls.config.crls).toBeUndefined();
    expect(onlyTls.validate(victim.certDer).name).toBe('victim');
    expect(await onlyTls.withCrl(tlsCrl)).toBe(onlyTls);
    for (const crls of [
      [tlsCrl, orgCrl],
      [orgCrl, tlsCrl],
    ]) {
      const both = await Msp.create({ mspId: 'TelcoS', rootCerts: [orgCa.certPem], crls });
      expect([...both.revokedSerials()]).toEqual([victim.serial]);
      expect(both.config.crls).toEqual([orgCrl]);
      expect(errorOf(() => both.validate(victim.certDer))?.code).toBe('CERT_REVOKED');
      expect(both.validate(bystander.certDer).name).toBe('bystander');
    }
    const viaWith = await (await onlyTls.withCrl(orgCrl)).withCrl(tlsCrl);
    expect(errorOf(() => viaWith.validate(victim.certDer))?.code).toBe('CERT_REVOKED');
  });

  it('refuses a CRL naming its CA but signed by another key, or garbage (CRL_INVALID)', async () => {
    const foreignCrl = await impostorCa.crl();
    expect(await asyncCodeOf(msp.withCrl(foreignCrl))).toBe('CRL_INVALID');
    expect(
      await asyncCodeOf(Msp.create({ mspId: 'TelcoA', rootCerts: [ca.certPem], crls: [foreignCrl] })),
    ).toBe('CRL_INVALID');
    expect(await asyncCodeOf(msp.withCrl(utf8('junk')))).toBe('CRL_INVALID');
    expect(await asyncCodeOf(msp.withCrl('no pem here'))).toBe('CRL_INVALID');
    const tampered = new Uint8Array(await ca.crl());
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 0xff;
    expect(await asyncCodeOf(msp.withCrl(tampered))).toBe('CRL_INVALID');
  });
});

describe('Msp cache', () => {
  it('returns the same identity and publicKey object on repeat validations, across withCrl', async () => {
    const first = msp.validate(user.certDer);
    const second = msp.validate(user.certDer, { role: 'member' });
    expect(second.publicKey).toBe(first.publicKey);
    const next = await msp.withCrl(await ca.crl());
    expect(next.validate(user.certDer).publicKey).toBe(first.publicKey);
  });

  it('is bounded', async () => {
    const tiny = await Msp.create({ mspId: 'TelcoA', rootCerts: [ca.certPem] }, { cacheSize: 1 });
    const a1 = tiny.validate(user.certDer).publicKey;
    expect(tiny.validate(user.certDer).publicKey).toBe(a1);
    tiny.validate(admin.certDer);
    expect(tiny.validate(user.certDer).publicKey).not.toBe(a1);
  });
});

describe('Msp intermediates', () => {
  it('validates through an intermediate CA, and revokes via the root CRL', async () => {
    const root = await CertificateAuthority.create({ mspId: 'TelcoI' });
    const ica = await root.createIntermediate();
    const leaf = await ica.enroll({ name: 'deep', role: 'peer' });
    const withIca = await Msp.create({
      mspId: 'TelcoI',
      rootCerts: [root.certPem],
      intermediateCerts: [ica.certPem],
    });
    expect(withIca.validate(leaf.certDer, { role: 'peer' }).name).toBe('deep');

    const withoutIca = await Msp.create({ mspId: 'TelcoI', rootCerts: [root.certPem] });
    expect(errorOf(() => withoutIca.validate(leaf.certDer))?.code).toBe('CERT_UNKNOWN_ISSUER');

    const leafRevoked = await withIca.withCrl(await ica.revoke(leaf.serial));
    expect(errorOf(() => leafRevoked.validate(leaf.certDer))?.code).toBe('CERT_REVOKED');

    const icaSerial = parseIdentityCertSerial(ica.certPem);
    const icaRevoked = await withIca.withCrl(await root.revoke(icaSerial, 'keyCompromise'));
    const err = errorOf(() => icaRevoked.validate(leaf.certDer));
    expect(err?.code).toBe('CERT_REVOKED');
    expect(err?.detail).toMatchObject({ certificate: 'issuer', revokedSerial: icaSerial });
  });

  it('refuses an intermediate that does not chain to a root, and non-CA roots', async () => {
    const root = await CertificateAuthority.create({ mspId: 'TelcoJ' });
    const strangerIca = await impostorCa.createIntermediate();
    expect(
      await asyncCodeOf(
        Msp.create({ mspId: 'TelcoJ', rootCerts: [root.certPem], intermediateCerts: [strangerIca.certPem] }),
      ),
    ).toBe('MSP_CONFIG_INVALID');
    const leaf = await root.enroll({ name: 'x', role: 'client' });
    expect(await asyncCodeOf(Msp.create({ mspId: 'TelcoJ', rootCerts: [leaf.certPem] }))).toBe(
      'MSP_CONFIG_INVALID',
    );
    expect(await asyncCodeOf(Msp.create({ mspId: 'TelcoJ', rootCerts: [] }))).toBe('MSP_CONFIG_INVALID');
    expect(await asyncCodeOf(Msp.create({ mspId: 'TelcoJ', rootCerts: ['garbage'] }))).toBe(
      'MSP_CONFIG_INVALID',
    );
    expect(await asyncCodeOf(Msp.create({ mspId: 'bad id', rootCerts: [root.certPem] }))).toBe(
      'MSP_CONFIG_INVALID',
    );
  });
});

function parseIdentityCertSerial(pem: string): string {
  return new X509Certificate(pem).serialNumber.toLowerCase();
}

describe('parseIdentityCert', () => {
  it('refuses garbage with CERT_MALFORMED', () => {
    expect(errorOf(() => parseIdentityCert('nope'))?.code).toBe('CERT_MALFORMED');
    expect(errorOf(() => parseIdentityCert(new Uint8Array([1, 2, 3])))?.code).toBe('CERT_MALFORMED');
  });
});

describe('MspManager', () => {
  it('finds MSPs by id and delegates validation', async () => {
    const other = await Msp.create({ mspId: 'TelcoB', rootCerts: [impostorCa.certPem] });
    const manager = new MspManager({ msps: [msp, other] });
    expect(manager.mspIds()).toEqual(['TelcoA', 'TelcoB']);
    expect(manager.has('TelcoA')).toBe(true);
    expect(manager.has('TelcoZ')).toBe(false);
    expect(manager.get('TelcoB')).toBe(other);
    expect(manager.validate('TelcoA', user.certDer, { role: 'client' }).name).toBe('user1');
    expect(errorOf(() => manager.validate('TelcoB', user.certDer))?.code).toBe('CERT_UNKNOWN_ISSUER');
    const err = errorOf(() => manager.get('TelcoZ'));
    expect(err?.code).toBe('UNKNOWN_MSP');
    expect(err?.detail).toEqual({ mspId: 'TelcoZ' });
    expect(errorOf(() => manager.validate('TelcoZ', user.certDer))?.code).toBe('UNKNOWN_MSP');
  });

  it('refuses duplicates and replaces with `with`', async () => {
    expect(errorOf(() => new MspManager({ msps: [msp, msp] }))?.code).toBe('MSP_CONFIG_INVALID');
    const manager = new MspManager({ msps: [msp] });
    const victim = await ca.enroll({ name: 'mgrvictim', role: 'client' });
    const updated = manager.with(await msp.withCrl(await ca.revoke(victim.serial)));
    expect(errorOf(() => updated.validate('TelcoA', victim.certDer))?.code).toBe('CERT_REVOKED');
    expect(manager.validate('TelcoA', victim.certDer).name).toBe('mgrvictim');
    expect(updated.mspIds()).toEqual(['TelcoA']);
  });
});
