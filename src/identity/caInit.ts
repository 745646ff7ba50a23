import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { bytesEqual, ConsortiaError } from '../common/index.js';
import { generateKeyPair, privateKeyFrom } from '../crypto/index.js';
import type { CaFiles, CaState } from './caStore.js';
import { asBuffer, normalizeSerial } from './certEncoding.js';
import { IdentityErrorCodes } from './errors.js';
import { type CertProfile, type IssuedCert, issueCertificate } from './issueCertificate.js';
import { parsePeculiarCert } from './parseIdentityCert.js';
import type { RevocationReason, Role } from './types.js';
import { computeValidity } from './validateInputs.js';
import { type CryptoKeyLike, toSigningKey, x509 } from './x509Provider.js';

/** One revocation, as `CertificateAuthority.revoked()` lists it. */
export interface RevokedRecord {
  readonly serial: string;
  readonly reason: RevocationReason;
  readonly revokedAt: Date;
}

/** One certificate a CA issued: an identity (with a role) or an intermediate CA. */
export interface IssuedEntry {
  readonly serial: string;
  readonly name: string;
  readonly kind: 'identity' | 'ca';
  readonly role?: Role;
  readonly notAfter: Date;
}

/** Everything a CertificateAuthority is built from. */
export interface CaInit {
  readonly mspId: string;
  readonly commonName: string;
  readonly cert: IssuedCert;
  readonly privateKey: KeyObject;
  readonly signingKey: CryptoKeyLike;
  readonly chainPem: string;
  readonly crlNumber: bigint;
  readonly issued: readonly IssuedEntry[];
  readonly revoked: readonly RevokedRecord[];
}

/** The parent that signs a new intermediate CA. */
export interface CaParent {
  readonly issuer: x509.Name;
  readonly signingKey: CryptoKeyLike;
  readonly keyId: string;
  readonly chainPem: string;
}

/** A fresh CA key and certificate: self-signed root, or intermediate signed by `parent`. */
export async function newCaInit(
  profile: CertProfile,
  opts: Readonly<{ mspId: string; commonName: string; validityDays: number; cap?: Date }>,
  parent?: CaParent,
): Promise<CaInit> {
  const validity = computeValidity({ validityDays: opts.validityDays }, opts.validityDays, opts.cap);
  const keys = generateKeyPair();
  const subject = `CN=${opts.commonName}, O=${opts.mspId}`;
  const signingKey = await toSigningKey(keys.privateKey);
  const cert = await issueCertificate({
    profile,
    subject,
    issuer: parent?.issuer ?? subject,
    publicKeySpki: keys.publicKey.export({ format: 'der', type: 'spki' }),
    signingKey: parent?.signingKey ?? signingKey,
    ...(parent === undefined ? {} : { issuerKeyId: parent.keyId }),
    ...validity,
  });
  return {
    mspId: opts.mspId,
    commonName: opts.commonName,
    cert,
    privateKey: keys.privateKey,
    signingKey,
    chainPem: parent?.chainPem ?? '',
    crlNumber: 0n,
    issued: [],
    revoked: [],
  };
}

/** The state.json content of a CA. */
export function caStateOf(
  s: Readonly<{
    mspId: string;
    commonName: string;
    crlNumber: bigint;
    issued: readonly IssuedEntry[];
    revoked: readonly RevokedRecord[];
  }>,
): CaState {
  return {
    version: 1,
    mspId: s.mspId,
    commonName: s.commonName,
    crlNumber: s.crlNumber.toString(),
    issued: s.issued.map((i) => ({
      serial: i.serial,
      name: i.name,
      kind: i.kind,
      ...(i.role === undefined ? {} : { role: i.role }),
      notAfter: i.notAfter.toISOString(),
    })),
    revoked: s.revoked.map((r) => ({
      serial: r.serial,
      reason: r.reason,
      revokedAt: r.revokedAt.toISOString(),
    })),
  };
}

/** Rebuilds a CA from its saved files, checking that key, certificate and state agree. */
export async function caInitFromFiles(dir: string, files: CaFiles): Promise<CaInit> {
  const corrupt = (what: string, cause?: unknown): ConsortiaError =>
    new ConsortiaError(
      IdentityErrorCodes.CA_CORRUPT,
      `the CA directory ${dir} is corrupt (${what}); restore it from a backup`,
      { dir },
      cause === undefined ? undefined : { cause },
    );
  let cert: x509.X509Certificate;
  let privateKey: KeyObject;
  try {
    cert = parsePeculiarCert(files.certPem);
    privateKey = privateKeyFrom(files.keyPem);
  } catch (err) {
    throw corrupt('certificate or key does not parse', err);
  }
  const der = new Uint8Array(cert.rawData);
  const certSpki = new X509Certificate(asBuffer(der)).publicKey.export({ format: 'der', type: 'spki' });
  const keySpki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  if (!bytesEqual(certSpki, keySpki)) throw corrupt('the key does not match the certificate');
  const { state } = files;
  if (cert.subjectName.getField('O')[0] !== state.mspId) throw corrupt('state.json names another MSP');
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
  const keyId = ski?.keyId ?? (await x509.SubjectKeyIdentifierExtension.create(certSpki)).keyId;
  return {
    mspId: state.mspId,
    commonName: state.commonName,
    cert: { cert, der, pem: files.certPem, serial: normalizeSerial(cert.serialNumber) ?? '', keyId },
    privateKey,
    signingKey: await toSigningKey(privateKey),
    chainPem: files.chainPem,
    crlNumber: BigInt(state.crlNumber),
    issued: state.issued.map((i) => ({
      serial: i.serial,
      name: i.name,
      kind: i.kind,
      ...(i.role === undefined ? {} : { role: i.role as Role }),
      notAfter: new Date(i.notAfter),
    })),
    revoked: state.revoked.map((r) => ({
      serial: r.serial,
      reason: r.reason as RevocationReason,
      revokedAt: new Date(r.revokedAt),
    })),
  };
}
