import { X509Certificate } from 'node:crypto';
import { ConsortiaError } from '../common/index.js';
import { sha256Hex } from '../crypto/index.js';
import { asBuffer, normalizeSerial, pemBlocks } from './certEncoding.js';
import { IdentityErrorCodes } from './errors.js';
import { x509 } from './x509Provider.js';

/** One CA certificate an MSP trusts: a root, or an intermediate that chains to a root. */
export interface TrustCert {
  /** SHA-256 (hex) of the DER: how CRLs and cache entries refer to their issuer. */
  readonly id: string;
  readonly node: X509Certificate;
  readonly peculiar: x509.X509Certificate;
  readonly serial: string;
  readonly notBefore: number;
  readonly notAfter: number;
  /** The CA that issued this one; undefined for a root. */
  readonly parent: TrustCert | undefined;
}

function configInvalid(mspId: string, message: string, cause?: unknown): ConsortiaError {
  return new ConsortiaError(
    IdentityErrorCodes.MSP_CONFIG_INVALID,
    `MSP ${mspId}: ${message}`,
    { mspId },
    cause === undefined ? undefined : { cause },
  );
}

function parseCa(mspId: string, what: string, pem: string, index: number): Omit<TrustCert, 'parent'>[] {
  const ders = pemBlocks(pem, 'CERTIFICATE');
  if (ders.length === 0) throw configInvalid(mspId, `${what} #${index + 1} holds no PEM CERTIFICATE block`);
  return ders.map((der) => {
    let node: X509Certificate;
    let peculiar: x509.X509Certificate;
    try {
      node = new X509Certificate(asBuffer(der));
      peculiar = new x509.X509Certificate(der);
    } catch (err) {
      throw configInvalid(mspId, `${what} #${index + 1} does not parse as an X.509 certificate`, err);
    }
    if (!node.ca)
      throw configInvalid(mspId, `${what} #${index + 1} (${node.subject}) is not a CA certificate`);
    return {
      id: sha256Hex(der),
      node,
      peculiar,
      serial: normalizeSerial(node.serialNumber) ?? '',
      notBefore: peculiar.notBefore.getTime(),
      notAfter: peculiar.notAfter.getTime(),
    };
  });
}

/** True when `issuer` signed `cert`: names match and the signature verifies. */
export function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/**
 * Parses an MSP's roots and intermediates. Every one must be a CA certificate and every
 * intermediate must chain to a root (through other intermediates): MSP_CONFIG_INVALID otherwise.
 */
export function buildTrust(
  mspId: string,
  rootPems: readonly string[],
  intermediatePems: readonly string[],
): TrustCert[] {
  if (rootPems.length === 0) throw configInvalid(mspId, 'at least one root certificate is required');
  const trusted: TrustCert[] = rootPems
    .flatMap((pem, i) => parseCa(mspId, 'root certificate', pem, i))
    .map((c) => ({ ...c, parent: undefined }));
  let pending = intermediatePems.flatMap((pem, i) => parseCa(mspId, 'intermediate certificate', pem, i));
  while (pending.length > 0) {
    const still: typeof pending = [];
    for (const c of pending) {
      const parent = trusted.find((t) => issuedBy(c.node, t.node));
      if (parent === undefined) still.push(c);
      else trusted.push({ ...c, parent });
    }
    if (still.length === pending.length) {
      throw configInvalid(
        mspId,
        `intermediate certificate ${still[0]?.node.subject.replace(/\n/g, ', ')} does not chain to a root of this MSP`,
      );
    }
    pending = still;
  }
  return trusted;
}
