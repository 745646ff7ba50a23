import {
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { ConsortiaError } from '../common/index.js';
import { aesGcmDecrypt, aesGcmEncrypt } from './aead.js';
import { isP256Key } from './ecdsa.js';
import { sha256 } from './hash.js';

/**
 * Multi-recipient ECIES over P-256 with AES-256-GCM.
 *
 * A random 32-byte content key encrypts the payload once. For each recipient, an ephemeral
 * P-256 key agrees a secret with the recipient's public key (ECDH); HKDF-SHA256 turns it into a
 * key-wrapping key that seals the content key. Layout (all lengths fixed except the payload):
 *
 *   version(1)=1 ‖ count(1) ‖ count × [ keyId(16) ‖ ephemeralPub(65) ‖ wrappedKey(60) ] ‖ payload
 *
 * keyId is the first 16 bytes of SHA-256 over the recipient's SPKI DER, so a recipient finds its
 * slot without trying them all. The header is authenticated as AAD of the payload.
 */
const VERSION = 1;
const KEY_ID_LEN = 16;
const EPH_LEN = 65;
const WRAPPED_LEN = 12 + 32 + 16;
const SLOT_LEN = KEY_ID_LEN + EPH_LEN + WRAPPED_LEN;
const INFO = Buffer.from('consortia-ecies-v1');

/** The 16-byte id of a public key, as used in the ECIES header. */
export function publicKeyId(publicKey: KeyObject): Uint8Array {
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return sha256(spki).subarray(0, KEY_ID_LEN);
}

function rawPoint(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.crv !== 'P-256' || !jwk.x || !jwk.y)
    throw new ConsortiaError('BAD_KEY', 'ECIES needs a P-256 public key');
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
}

function pointToKey(point: Uint8Array): KeyObject {
  const b = Buffer.from(point);
  return createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: b.subarray(1, 33).toString('base64url'),
      y: b.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
}

function wrappingKey(shared: Buffer, ephPoint: Uint8Array, keyId: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', shared, Buffer.concat([ephPoint, keyId]), INFO, 32));
}

/**
 * Encrypts `plaintext` so that each of `recipients` (P-256 public keys) can decrypt it. Throws
 * BAD_RECIPIENTS for 0 or more than 255 recipients and BAD_KEY for a key that is not P-256 public.
 *
 * @example
 * const sealed = eciesEncrypt([telcoA.publicKey, telcoB.publicKey], utf8('{"price":42}'));
 */
export function eciesEncrypt(recipients: readonly KeyObject[], plaintext: Uint8Array): Uint8Array {
  if (recipients.length === 0 || recipients.length > 255) {
    throw new ConsortiaError('BAD_RECIPIENTS', 'encrypt to between 1 and 255 recipients');
  }
  for (const pub of recipients) {
    if (pub.type !== 'public' || !isP256Key(pub)) {
      throw new ConsortiaError('BAD_KEY', 'ECIES recipients must be P-256 public keys');
    }
  }
  const contentKey = randomBytes(32);
  const slots: Buffer[] = [];
  for (const pub of recipients) {
    const keyId = publicKeyId(pub);
    const eph = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ephPoint = rawPoint(eph.publicKey);
    const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: pub });
    const wrapped = aesGcmEncrypt(wrappingKey(shared, ephPoint, keyId), contentKey);
    slots.push(Buffer.concat([keyId, ephPoint, wrapped]));
  }
  const header = Buffer.concat([Buffer.from([VERSION, recipients.length]), ...slots]);
  return new Uint8Array(Buffer.concat([header, aesGcmEncrypt(contentKey, plaintext, header)]));
}

/**
 * Decrypts an eciesEncrypt output with one recipient's private key. Throws NOT_A_RECIPIENT when
 * the key is not among the recipients and DECRYPTION_FAILED when the data was altered.
 */
export function eciesDecrypt(privateKey: KeyObject, sealed: Uint8Array): Uint8Array {
  const buf = Buffer.from(sealed);
  if (buf.byteLength < 2 || buf[0] !== VERSION) {
    throw new ConsortiaError('DECRYPTION_FAILED', 'not a Consortia ECIES ciphertext (bad version byte)');
  }
  const count = buf[1] ?? 0;
  // eciesEncrypt never writes 0 recipients, so a 0 here means the count byte was altered.
  if (count === 0) throw new ConsortiaError('DECRYPTION_FAILED', 'the ECIES header lists no recipients');
  const headerLen = 2 + count * SLOT_LEN;
  if (buf.byteLength < headerLen)
    throw new ConsortiaError('DECRYPTION_FAILED', 'the ECIES header is truncated');
  const myId = publicKeyId(createPublicKey(privateKey));
  for (let i = 0; i < count; i++) {
    const off = 2 + i * SLOT_LEN;
    const keyId = buf.subarray(off, off + KEY_ID_LEN);
    if (!keyId.equals(myId)) continue;
    const ephPoint = buf.subarray(off + KEY_ID_LEN, off + KEY_ID_LEN + EPH_LEN);
    const wrapped = buf.subarray(off + KEY_ID_LEN + EPH_LEN, off + SLOT_LEN);
    let shared: Buffer;
    try {
      shared = diffieHellman({ privateKey, publicKey: pointToKey(ephPoint) });
    } catch (err) {
      throw new ConsortiaError('DECRYPTION_FAILED', 'the ECIES ephemeral key is invalid', undefined, {
        cause: err,
      });
    }
    const contentKey = aesGcmDecrypt(wrappingKey(shared, ephPoint, keyId), wrapped);
    return aesGcmDecrypt(contentKey, buf.subarray(headerLen), buf.subarray(0, headerLen));
  }
  throw new ConsortiaError('NOT_A_RECIPIENT', 'this key is not one of the recipients of the ciphertext');
}

/** Lists the 16-byte key ids of an ECIES ciphertext's recipients. */
export function eciesRecipients(sealed: Uint8Array): Uint8Array[] {
  const buf = Buffer.from(sealed);
  const count = buf[1] ?? 0;
  if (buf[0] !== VERSION || count === 0 || buf.byteLength < 2 + count * SLOT_LEN) {
    throw new ConsortiaError('DECRYPTION_FAILED', 'not a Consortia ECIES ciphertext');
  }
  return Array.from(
    { length: count },
    (_, i) => new Uint8Array(buf.subarray(2 + i * SLOT_LEN, 2 + i * SLOT_LEN + KEY_ID_LEN)),
  );
}
