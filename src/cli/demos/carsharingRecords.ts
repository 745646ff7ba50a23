import { type KeyObject, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { ConsortiaError, canonicalJson, fromBase64, toBase64, utf8 } from '../../common/index.js';
import { eciesEncrypt, sha256Hex, signBytes, verifyBytes } from '../../crypto/index.js';
import { decryptJson } from '../../gateway/index.js';
import { parseIdentityCert } from '../../identity/index.js';

/**
 * The client side of the carsharing example (contracts/carsharing): a provider signs a monthly
 * kilometre record and encrypts it to its customer; the customer decrypts it and hands it to an
 * insurer, who checks the provider's signature and certificate.
 */

/** One customer's kilometres of one month, as the provider signs it. */
export interface KmRecord {
  readonly provider: string;
  /** {@link customerId} of the customer's public key. */
  readonly customer: string;
  readonly month: string;
  readonly vehicle: string;
  readonly km: number;
  readonly trips: number;
}

/** A record with the provider's signature over its canonical JSON, and the signing certificate. */
export interface SignedKmRecord {
  readonly record: KmRecord;
  /** Base64 P-256 signature (64 bytes) over `canonicalJson(record)`. */
  readonly signature: string;
  /** PEM certificate of the provider identity that signed. */
  readonly signerCert: string;
}

const SignedSchema = z.object({
  record: z.object({
    provider: z.string(),
    customer: z.string(),
    month: z.string(),
    vehicle: z.string(),
    km: z.number(),
    trips: z.number(),
  }),
  signature: z.string(),
  signerCert: z.string(),
});

/**
 * How the provider names a customer on chain: hex SHA-256 of the customer's public key (SPKI DER).
 *
 * @example
 * const id = customerId(customerKeys.publicKey);
 */
export function customerId(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ format: 'der', type: 'spki' }));
}

/**
 * The hex SHA-256 of a record's canonical JSON: what the provider publishes in clear.
 *
 * @example
 * kmRecordHash(record); // '3f1c…'
 */
export function kmRecordHash(record: KmRecord): string {
  return sha256Hex(utf8(canonicalJson(record)));
}

/**
 * Signs a record with the provider's private key.
 *
 * @example
 * const signed = signKmRecord(record, { privateKey: provider.privateKey, certPem: provider.certPem });
 */
export function signKmRecord(
  record: KmRecord,
  signer: Readonly<{ privateKey: KeyObject; certPem: string }>,
): SignedKmRecord {
  const signature = signBytes(signer.privateKey, utf8(canonicalJson(record)));
  return { record, signature: toBase64(signature), signerCert: signer.certPem };
}

/**
 * Encrypts a signed record to its recipients' public keys (ECIES, base64): the customer, and
 * usually the provider itself.
 *
 * @example
 * const ciphertext = sealKmRecord(signed, [customer.publicKey, providerCert.publicKey]);
 */
export function sealKmRecord(signed: SignedKmRecord, recipients: readonly KeyObject[]): string {
  return toBase64(eciesEncrypt(recipients, utf8(canonicalJson(signed))));
}

/**
 * Decrypts a record with a recipient's private key. Throws NOT_A_RECIPIENT or
 * DECRYPTION_FAILED (src/crypto), and BAD_RECORD when the plaintext is not a signed record.
 *
 * @example
 * const signed = openKmRecord(customer.privateKey, published.ciphertext);
 */
export function openKmRecord(privateKey: KeyObject, ciphertext: string): SignedKmRecord {
  const r = SignedSchema.safeParse(decryptJson(privateKey, ciphertext));
  if (!r.success) throw new ConsortiaError('BAD_RECORD', 'the decrypted data is not a signed km record');
  return r.data;
}

/** What an insurer concludes about a record handed to it. */
export interface KmVerification {
  readonly valid: boolean;
  /** Why it is not valid. */
  readonly reason?: string;
  /** Org and identity name of the signer (when the certificate parsed). */
  readonly signer?: { readonly mspId: string; readonly name: string };
}

/**
 * Checks a record as an insurer would, given the provider org's published root certificate: the
 * signing certificate was issued by that root to an identity of the provider org, was valid
 * `at`, and its key signed exactly this record.
 *
 * @example
 * const v = verifyKmRecord(signed, { providerRootPem, at: new Date() });
 * if (!v.valid) throw new Error(v.reason);
 */
export function verifyKmRecord(
  signed: SignedKmRecord,
  opts: Readonly<{ providerRootPem: string; at?: Date }>,
): KmVerification {
  let cert: X509Certificate;
  let info: { mspId: string; name: string };
  try {
    cert = new X509Certificate(signed.signerCert);
    const parsed = parseIdentityCert(signed.signerCert);
    info = { mspId: parsed.mspId, name: parsed.name };
  } catch {
    return { valid: false, reason: 'the signer certificate does not parse' };
  }
  const root = new X509Certificate(opts.providerRootPem);
  if (!cert.checkIssued(root) || !cert.verify(root.publicKey)) {
    return {
      valid: false,
      reason: "the signer certificate was not issued by the provider's root CA",
      signer: info,
    };
  }
  if (info.mspId !== signed.record.provider) {
    return {
      valid: false,
      reason: `the record names provider ${signed.record.provider} but ${info.mspId} signed it`,
      signer: info,
    };
  }
  const at = opts.at ?? new Date();
  if (at < new Date(cert.validFrom) || at > new Date(cert.validTo)) {
    return { valid: false, reason: 'the signer certificate was not valid at that time', signer: info };
  }
  const ok = verifyBytes(cert.publicKey, utf8(canonicalJson(signed.record)), fromBase64(signed.signature));
  return ok
    ? { valid: true, signer: info }
    : { valid: false, reason: 'the signature does not match the record (it was altered)', signer: info };
}
