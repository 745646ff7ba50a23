import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConsortiaError } from '../common/index.js';

const IV_LEN = 12;
const TAG_LEN = 16;

/** AES-256-GCM: returns iv ‖ ciphertext ‖ tag. `aad` is authenticated but not encrypted. */
export function aesGcmEncrypt(key: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  if (key.byteLength !== 32) throw new ConsortiaError('BAD_KEY', 'AES-256-GCM needs a 32-byte key');
  const iv = randomBytes(IV_LEN);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (aad) cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()]));
}

/** Inverse of aesGcmEncrypt; throws DECRYPTION_FAILED when the key, data or aad do not match. */
export function aesGcmDecrypt(key: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array {
  if (key.byteLength !== 32) throw new ConsortiaError('BAD_KEY', 'AES-256-GCM needs a 32-byte key');
  if (sealed.byteLength < IV_LEN + TAG_LEN) {
    throw new ConsortiaError('DECRYPTION_FAILED', 'the ciphertext is too short to be AES-256-GCM output');
  }
  const buf = Buffer.from(sealed);
  const iv = buf.subarray(0, IV_LEN);
  const tag = buf.subarray(buf.byteLength - TAG_LEN);
  const body = buf.subarray(IV_LEN, buf.byteLength - TAG_LEN);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch (err) {
    throw new ConsortiaError(
      'DECRYPTION_FAILED',
      'decryption failed: wrong key or tampered ciphertext',
      undefined,
      {
        cause: err,
      },
    );
  }
}
