import { type KeyObject, X509Certificate } from 'node:crypto';
import { ConsortiaError, canonicalJson, fromBase64, fromUtf8, toBase64, utf8 } from '../common/index.js';
import { CryptoErrorCodes, eciesDecrypt, eciesEncrypt } from '../crypto/index.js';

/**
 * Codes thrown by the encryption helpers (besides those of src/crypto, which surface unchanged:
 * NOT_A_RECIPIENT, DECRYPTION_FAILED, BAD_KEY, BAD_RECIPIENTS; and JSON_UNSUPPORTED /
 * JSON_TOO_DEEP of src/common for data that JSON cannot carry).
 */
export const EncryptionErrorCodes = {
  /** The ciphertext is not padded base64. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** A recipient certificate could not be parsed as X.509 (PEM or DER). */
  BAD_CERTIFICATE: 'BAD_CERTIFICATE',
  /** decryptJson: the plaintext is not UTF-8 JSON. */
  NOT_JSON: 'NOT_JSON',
} as const;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function publicKeyOf(cert: string | Uint8Array, index: number): KeyObject {
  try {
    return new X509Certificate(typeof cert === 'string' ? cert : Buffer.from(cert)).publicKey;
  } catch (err) {
    throw new ConsortiaError(
      EncryptionErrorCodes.BAD_CERTIFICATE,
      `recipient certificate ${index + 1} is not an X.509 certificate (PEM or DER); pass the org's encryption certificate`,
      { index },
      { cause: err },
    );
  }
}

function plaintextOf(data: Uint8Array | string | object): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return utf8(data);
  return utf8(canonicalJson(data));
}

/**
 * Encrypts data so that only the holders of the given certificates' private keys can read it:
 * ECIES over P-256 with AES-256-GCM (src/crypto), one slot per certificate. Returns base64, the
 * form contracts store as opaque ciphertext (e.g. number-portability's `encryptedCustomerData`).
 * Bytes are encrypted as they are, a string as UTF-8, anything else as canonical JSON.
 *
 * Which certificate to use for an org: in production each org publishes an encryption
 * certificate of its own (kept apart from its signing identities). The embedded network has none,
 * so there an org's encryption key is its admin's certificate (`<dataDir>/<Org>/users/admin`),
 * which the CLI loads with `loadWalletIdentity(dataDir, 'TelcoA.admin').certPem`.
 *
 * Throws BAD_CERTIFICATE for a certificate that does not parse, BAD_KEY for one whose key is not
 * P-256, BAD_RECIPIENTS for no certificates.
 *
 * @example
 * const encryptedCustomerData = encryptForCertificates([donorCertPem, recipientCertPem], {
 *   name: 'John Doe', birthDate: '1960-01-01',
 * });
 */
export function encryptForCertificates(
  certs: readonly (string | Uint8Array)[],
  data: Uint8Array | string | object,
): string {
  const keys = certs.map((c, i) => publicKeyOf(c, i));
  return toBase64(eciesEncrypt(keys, plaintextOf(data)));
}

/**
 * Decrypts base64 ciphertext made by {@link encryptForCertificates} with one recipient's private
 * key. Throws INVALID_ARGUMENT for text that is not base64, and NOT_A_RECIPIENT (the key is not
 * one of the recipients) or DECRYPTION_FAILED (altered or not a Consortia ciphertext) from
 * src/crypto, unchanged.
 *
 * @example
 * const bytes = decryptWithKey(wallet.privateKey, request.encryptedCustomerData);
 */
export function decryptWithKey(privateKey: KeyObject, base64: string): Uint8Array {
  const text = typeof base64 === 'string' ? base64.replace(/\s+/g, '') : '';
  if (text.length === 0 || !BASE64.test(text)) {
    throw new ConsortiaError(
      EncryptionErrorCodes.INVALID_ARGUMENT,
      'the ciphertext is not padded base64; pass the text that encryptForCertificates (or consortia encrypt) produced',
    );
  }
  if (privateKey.type !== 'private') {
    throw new ConsortiaError(CryptoErrorCodes.BAD_KEY, 'decrypting needs a private key, not a public one');
  }
  return eciesDecrypt(privateKey, fromBase64(text));
}

/**
 * Decrypts like {@link decryptWithKey} and parses the plaintext as JSON; throws NOT_JSON when
 * it is not UTF-8 JSON.
 *
 * @example
 * const customer = decryptJson<{ name: string }>(wallet.privateKey, request.encryptedCustomerData);
 */
export function decryptJson<T = unknown>(privateKey: KeyObject, base64: string): T {
  const bytes = decryptWithKey(privateKey, base64);
  try {
    return JSON.parse(fromUtf8(bytes)) as T;
  } catch (err) {
    throw new ConsortiaError(
      EncryptionErrorCodes.NOT_JSON,
      'the decrypted data is not UTF-8 JSON; read it with decryptWithKey instead',
      undefined,
      { cause: err },
    );
  }
}
