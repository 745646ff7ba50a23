import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { ConsortiaError } from '../common/index.js';

/** Order n of the P-256 group, and n/2, for low-S normalisation. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_HALF_N = P256_N >> 1n;

export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** A fresh ECDSA P-256 key pair. */
export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey };
}

/**
 * True when `key` is an EC key on P-256 (Node names the curve prime256v1).
 *
 * @example
 * isP256Key(generateKeyPair().publicKey) // true
 */
export function isP256Key(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

function readBig(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
}

function writeBig32(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}

/**
 * Signs `data` (hashed with SHA-256 inside) with a P-256 private key. The signature is the
 * 64-byte IEEE P1363 form r‖s with s normalised to the lower half of the group order. Throws
 * BAD_KEY for any other kind of key (another curve would not give 64-byte low-S signatures).
 *
 * @example
 * const signature = signBytes(keys.privateKey, payloadBytes); // 64 bytes
 */
export function signBytes(privateKey: KeyObject, data: Uint8Array): Uint8Array {
  if (privateKey.type !== 'private' || !isP256Key(privateKey)) {
    throw new ConsortiaError('BAD_KEY', 'signBytes needs a P-256 private key');
  }
  const sig = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const s = readBig(sig.subarray(32));
  if (s > P256_HALF_N) writeBig32(P256_N - s).copy(sig, 32);
  return new Uint8Array(sig.buffer, sig.byteOffset, sig.byteLength);
}

/**
 * Verifies a 64-byte low-S P1363 signature over `data`. High-S signatures are refused, so a
 * signature cannot be altered into a second valid one.
 */
export function verifyBytes(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.byteLength !== 64) return false;
  const s = readBig(signature.subarray(32));
  if (s === 0n || s > P256_HALF_N) return false;
  try {
    return verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

/** Parses a PEM or DER (PKCS#8) private key. */
export function privateKeyFrom(pemOrDer: string | Uint8Array): KeyObject {
  try {
    return typeof pemOrDer === 'string'
      ? createPrivateKey(pemOrDer)
      : createPrivateKey({ key: Buffer.from(pemOrDer), format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new ConsortiaError(
      'BAD_KEY',
      'the private key could not be parsed (expected PKCS#8 PEM or DER)',
      undefined,
      {
        cause: err,
      },
    );
  }
}

/** Parses a PEM or DER (SPKI) public key. */
export function publicKeyFrom(pemOrDer: string | Uint8Array): KeyObject {
  try {
    return typeof pemOrDer === 'string'
      ? createPublicKey(pemOrDer)
      : createPublicKey({ key: Buffer.from(pemOrDer), format: 'der', type: 'spki' });
  } catch (err) {
    throw new ConsortiaError(
      'BAD_KEY',
      'the public key could not be parsed (expected SPKI PEM or DER)',
      undefined,
      {
        cause: err,
      },
    );
  }
}

export function privateKeyToPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function publicKeyToPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'spki' }).toString();
}

/** A signer function, as the SDK takes it: `(message) => signature`. */
export type Signer = (message: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** Builds a Signer from a private key. The key never leaves the closure. */
export function newPrivateKeySigner(privateKey: KeyObject): Signer {
  return (message) => signBytes(privateKey, message);
}
