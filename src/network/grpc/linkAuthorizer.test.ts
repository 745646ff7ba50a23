import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsortiaError, isConsortiaError, toBase64 } from '../../common/index.js';
import { generateKeyPair, privateKeyFrom } from '../../crypto/index.js';
import { CertificateAuthority, type EnrolledIdentity } from '../../identity/index.js';
import { ECDSA_P256_SHA256, toSigningKey, x509 } from '../../identity/x509Provider.js';
import { type ChannelConfig, DEFAULT_BATCH, DEFAULT_POLICIES, type OrgConfig } from '../../protocol/index.js';
import { LinkAuthorizer, type LinkCaller } from './linkAuthorizer.js';
import { TlsTrust } from './tlsConfig.js';

let dir: string;
let orgCa: CertificateAuthority;
let tlsCa: CertificateAuthority;
let otherTlsCa: CertificateAuthority;
let revoked: EnrolledIdentity;
let kept: EnrolledIdentity;
let other: EnrolledIdentity;
let tlsCrl: Uint8Array;
let trust: TlsTrust;

function tlsCert(ca: CertificateAuthority, name: string): Promise<EnrolledIdentity> {
  return ca.enroll({ name, role: 'peer', ipAddresses: ['127.0.0.1'], extKeyUsage: ['clientAuth'] });
}

/** A CRL listing `serials`, issued in the name of `issuerPem` and signed with `keyPem`. */
async function crlSignedBy(issuerPem: string, keyPem: string, serials: string[]): Promise<Uint8Array> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: new x509.X509Certificate(issuerPem).subjectName,
    thisUpdate: new Date(),
    // (@peculiar/x509 reads the entries of a CRL without nextUpdate as none)
    nextUpdate: new Date(Date.now() + 86_400_000),
    signingAlgorithm: ECDSA_P256_SHA256,
    signingKey: await toSigningKey(privateKeyFrom(keyPem)),
    entries: serials.map((serialNumber) => ({
      serialNumber,
      revocationDate: new Date(),
      reason: x509.X509CrlReason.keyCompromise,
    })),
  });
  return new Uint8Array(crl.rawData);
}

function org(
  mspId: string,
  ca: CertificateAuthority,
  tls: CertificateAuthority,
  crls: Uint8Array[],
): OrgConfig {
  return {
    mspId,
    rootCerts: [ca.certPem],
    tlsRootCerts: [tls.certPem],
    ...(crls.length > 0 ? { crls: crls.map((c) => toBase64(c)) } : {}),
  };
}

function config(orgs: OrgConfig[], ordererOrgs: OrgConfig[] = orgs.slice(0, 1)): ChannelConfig {
  return {
    channel: 'telecom',
    sequence: 1,
    orgs,
    ordererOrgs,
    policies: DEFAULT_POLICIES,
    batch: DEFAULT_BATCH,
    ordering: { type: 'solo', signaturesRequired: 1 },
    contracts: [],
  };
}

/** What a gRPC server call offers: the client certificate of its TLS connection. */
function callOf(cert: EnrolledIdentity | undefined) {
  const raw = cert ? Buffer.from(cert.certDer) : undefined;
  return { getAuthContext: () => (raw ? { sslPeerCertificate: { raw } as never } : {}) };
}

async function errorOf(p: Promise<unknown>): Promise<ConsortiaError | undefined> {
  try {
    await p;
  } catch (err) {
    if (isConsortiaError(err)) return err;
    throw err;
  }
  return undefined;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-'));
  orgCa = await CertificateAuthority.create({ mspId: 'TelcoA' });
  tlsCa = await CertificateAuthority.create({ mspId: 'TelcoA', commonName: 'tlsca.TelcoA' });
  otherTlsCa = await CertificateAuthority.create({ mspId: 'TelcoB', commonName: 'tlsca.TelcoB' });
  revoked = await tlsCert(tlsCa, 'peer1');
  kept = await tlsCert(tlsCa, 'peer0');
  other = await tlsCert(otherTlsCa, 'peer0');
  tlsCrl = await tlsCa.revoke(revoked.serial, 'keyCompromise');
  trust = new TlsTrust({ caPems: [tlsCa.certPem, otherTlsCa.certPem] });
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('LinkAuthorizer', () => {
  it('identifies the org and serial of a valid TLS client and lets it through', async () => {
    const links = new LinkAuthorizer({ trust, configs: () => [config([org('TelcoA', orgCa, tlsCa, [])])] });
    const caller = await links.authorize(callOf(kept));
    expect(caller).toMatchObject({ org: 'TelcoA', serial: kept.serial });
    expect((await links.authorize(callOf(other))).org).toBe('TelcoB');
  });

  it('refuses a client without a consortium TLS certificate (TLS_REFUSED)', async () => {
    const links = new LinkAuthorizer({ trust, configs: () => [] });
    expect((await errorOf(links.authorize(callOf(undefined))))?.code).toBe('TLS_REFUSED');
    const foreign = await tlsCert(await CertificateAuthority.create({ mspId: 'Mallory' }), 'x');
    expect((await errorOf(links.authorize(callOf(foreign))))?.code).toBe('TLS_REFUSED');
  });

  it('refuses a certificate revoked by its TLS CA, naming the serial, and serves the others', async () => {
    const orgCrl = await orgCa.crl();
    const cfg = config([org('TelcoA', orgCa, tlsCa, [orgCrl, tlsCrl]), org('TelcoB', orgCa, otherTlsCa, [])]);
    const links = new LinkAuthorizer({ trust, configs: () => [cfg] });
    const err = await errorOf(links.authorize(callOf(revoked)));
    expect(err?.code).toBe('TLS_CERT_REVOKED');
    expect(err?.message).toContain(revoked.serial);
    expect(err?.detail).toEqual({ serial: revoked.serial, org: 'TelcoA', channel: 'telecom' });
    expect((await links.authorize(callOf(kept))).serial).toBe(kept.serial);
    expect((await links.authorize(callOf(other))).org).toBe('TelcoB');
  });

  it('refuses a caller identified before once a config with the CRL is in force', async () => {
    const before = config([org('TelcoA', orgCa, tlsCa, [])]);
    let current = before;
    const links = new LinkAuthorizer({ trust, configs: () => [current] });
    const caller: LinkCaller = await links.authorize(callOf(revoked));
    await links.check(caller);
    // The CRL is an ordering org's here: every org's CRLs in the config count.
    current = config([org('TelcoB', orgCa, otherTlsCa, [])], [org('TelcoA', orgCa, tlsCa, [tlsCrl])]);
    expect((await errorOf(links.check(caller)))?.code).toBe('TLS_CERT_REVOKED');
    expect((await errorOf(links.authorize(callOf(revoked))))?.code).toBe('TLS_CERT_REVOKED');
    current = before;
    await links.check(caller);
  });

  it('ignores a CRL in the name of the TLS CA that another key signed', async () => {
    const forger = generateKeyPair();
    const forgedKey = forger.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const forged = await crlSignedBy(tlsCa.certPem, forgedKey, [kept.serial]);
    const links = new LinkAuthorizer({
      trust,
      configs: () => [config([org('TelcoA', orgCa, tlsCa, [forged, tlsCrl])])],
    });
    expect((await links.authorize(callOf(kept))).serial).toBe(kept.serial);
    // The genuine CRL next to it still applies.
    expect((await errorOf(links.authorize(callOf(revoked))))?.code).toBe('TLS_CERT_REVOKED');
  });

  it("does not apply the org CA's CRL, or another org TLS CA's, to TLS certificates of another issuer", async () => {
    await orgCa.save(path.join(dir, 'ca'));
    await otherTlsCa.save(path.join(dir, 'tlsca-b'));
    const orgKey = fs.readFileSync(path.join(dir, 'ca', 'ca-key.pem'), 'utf8');
    const otherKey = fs.readFileSync(path.join(dir, 'tlsca-b', 'ca-key.pem'), 'utf8');
    // Both list the serial of a TelcoA TLS certificate, but neither is TelcoA's TLS CA.
    const fromOrgCa = await crlSignedBy(orgCa.certPem, orgKey, [kept.serial]);
    const fromOtherTlsCa = await crlSignedBy(otherTlsCa.certPem, otherKey, [kept.serial]);
    const links = new LinkAuthorizer({
      trust,
      configs: () => [
        config([
          org('TelcoA', orgCa, tlsCa, [fromOrgCa]),
          org('TelcoB', orgCa, otherTlsCa, [fromOtherTlsCa]),
        ]),
      ],
    });
    expect((await links.authorize(callOf(kept))).serial).toBe(kept.serial);
    // Sanity: the same CRL source does revoke when the serial is its own TLS CA's.
    const ownCrl = await crlSignedBy(otherTlsCa.certPem, otherKey, [other.serial]);
    const own = new LinkAuthorizer({
      trust,
      configs: () => [config([org('TelcoB', orgCa, otherTlsCa, [ownCrl])])],
    });
    expect((await errorOf(own.authorize(callOf(other))))?.code).toBe('TLS_CERT_REVOKED');
  });

  it('wraps unary handlers: refused calls never reach the handler and carry the code', async () => {
    const links = new LinkAuthorizer({
      trust,
      configs: () => [config([org('TelcoA', orgCa, tlsCa, [tlsCrl])])],
    });
    const seen: string[] = [];
    const handler = links.unary(async (_req, caller) => {
      seen.push(caller.serial);
      return new Uint8Array([1]);
    });
    const run = (cert: EnrolledIdentity) =>
      new Promise<{ err: { code?: number; details?: string } | null; reply: Uint8Array | undefined }>(
        (resolve) => {
          handler(
            { ...callOf(cert), request: new Uint8Array() } as never,
            ((err: never, reply: never) => resolve({ err, reply })) as never,
          );
        },
      );
    const ok = await run(kept);
    expect(ok.reply).toEqual(new Uint8Array([1]));
    const refused = await run(revoked);
    expect(refused.err?.code).toBe(7); // PERMISSION_DENIED
    expect(refused.err?.details).toContain('TLS_CERT_REVOKED');
    expect(seen).toEqual([kept.serial]);
  });
});
