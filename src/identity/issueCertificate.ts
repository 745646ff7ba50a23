import { randomBytes } from 'node:crypto';
import { toPem } from './certEncoding.js';
import { type CryptoKeyLike, ECDSA_P256_SHA256, x509 } from './x509Provider.js';

/** What kind of certificate to issue: a self-signed root, an intermediate CA, or a leaf identity. */
export type CertProfile = 'root' | 'intermediate' | 'leaf';

export interface IssueParams {
  readonly profile: CertProfile;
  /** Subject DN, e.g. `CN=user1, OU=client, O=TelcoA`. */
  readonly subject: string;
  /** The issuer's subject name (taken from its certificate); the subject for a root. */
  readonly issuer: x509.Name | string;
  /** The subject's public key, SPKI DER. */
  readonly publicKeySpki: Uint8Array;
  /** The issuer's private key. */
  readonly signingKey: CryptoKeyLike;
  /** The issuer's subject key identifier (hex); absent for a root. */
  readonly issuerKeyId?: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extraExtensions?: readonly x509.Extension[];
}

export interface IssuedCert {
  readonly cert: x509.X509Certificate;
  readonly der: Uint8Array;
  readonly pem: string;
  /** Lowercase hex. */
  readonly serial: string;
  /** Subject key identifier (hex). */
  readonly keyId: string;
}

/**
 * A random positive 16-byte serial number as lowercase hex. The first byte is in 0x10..0x7f so
 * the hex never has a leading zero and DER never needs a sign byte: one serial, one spelling.
 */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = 0x10 + ((bytes[0] ?? 0) % 0x70);
  return bytes.toString('hex');
}

/** Issues (signs) one certificate with ECDSA P-256 / SHA-256. */
export async function issueCertificate(p: IssueParams): Promise<IssuedCert> {
  const ski = await x509.SubjectKeyIdentifierExtension.create(p.publicKeySpki);
  const extensions: x509.Extension[] = [];
  if (p.profile === 'leaf') {
    extensions.push(
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    );
  } else {
    extensions.push(
      new x509.BasicConstraintsExtension(true, p.profile === 'intermediate' ? 0 : undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
    );
  }
  extensions.push(ski);
  if (p.issuerKeyId !== undefined) extensions.push(new x509.AuthorityKeyIdentifierExtension(p.issuerKeyId));
  extensions.push(...(p.extraExtensions ?? []));
  const serial = randomSerial();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: p.subject,
    issuer: p.issuer,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    publicKey: p.publicKeySpki,
    signingKey: p.signingKey,
    signingAlgorithm: ECDSA_P256_SHA256,
    extensions,
  });
  const der = new Uint8Array(cert.rawData);
  return { cert, der, pem: toPem(der, 'CERTIFICATE'), serial, keyId: ski.keyId };
}
