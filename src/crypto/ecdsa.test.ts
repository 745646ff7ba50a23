import { generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsortiaError, utf8 } from '../common/index.js';
import {
  CryptoErrorCodes,
  generateKeyPair,
  newPrivateKeySigner,
  privateKeyFrom,
  privateKeyToPem,
  publicKeyFrom,
  publicKeyToPem,
  signBytes,
  verifyBytes,
} from './index.js';

// Fixed seed: property tests explore the same cases on every run.
fc.configureGlobal({ seed: 0x5eed });

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_N = N >> 1n;

const alice = generateKeyPair();
const bob = generateKeyPair();
const message = utf8('transfer 10 from a to b');

function big(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function withS(signature: Uint8Array, s: bigint): Uint8Array {
  const out = new Uint8Array(signature);
  out.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex'), 32);
  return out;
}

function errorOf(fn: () => unknown): ConsortiaError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConsortiaError) return err;
    throw err;
  }
  throw new Error('expected a ConsortiaError');
}

function codeOf(fn: () => unknown): string {
  return errorOf(fn).code;
}

describe('signBytes / verifyBytes', () => {
  it('round-trips, and the signature verifies with the matching public key only', () => {
    const sig = signBytes(alice.privateKey, message);
    expect(verifyBytes(alice.publicKey, message, sig)).toBe(true);
    expect(verifyBytes(bob.publicKey, message, sig)).toBe(false);
  });

  it('signs the empty message', () => {
    const sig = signBytes(alice.privateKey, new Uint8Array(0));
    expect(verifyBytes(alice.publicKey, new Uint8Array(0), sig)).toBe(true);
  });

  it('always produces 64-byte signatures with s in [1, n/2]', () => {
    for (let i = 0; i < 400; i++) {
      const data = utf8(`message ${i}`);
      const sig = signBytes(alice.privateKey, data);
      expect(sig.byteLength).toBe(64);
      const r = big(sig.subarray(0, 32));
      const s = big(sig.subarray(32));
      expect(r > 0n && r < N).toBe(true);
      expect(s > 0n && s <= HALF_N).toBe(true);
      expect(verifyBytes(alice.publicKey, data, sig)).toBe(true);
    }
  });

  it('refuses the high-S twin (n - s) of a valid signature, which plain ECDSA would accept', () => {
    for (let i = 0; i < 20; i++) {
      const data = utf8(`twin ${i}`);
      const sig = signBytes(alice.privateKey, data);
      const twin = withS(sig, N - big(sig.subarray(32)));
      // The twin is a mathematically valid ECDSA signature: malleability is real...
      expect(nodeVerify('sha256', data, { key: alice.publicKey, dsaEncoding: 'ieee-p1363' }, twin)).toBe(
        true,
      );
      // ...and verifyBytes refuses it.
      expect(verifyBytes(alice.publicKey, data, twin)).toBe(false);
    }
  });

  it('refuses altered data, altered signature bytes, and wrong lengths', () => {
    const sig = signBytes(alice.privateKey, message);
    const altered = new Uint8Array(message);
    altered[0] = (altered[0] ?? 0) ^ 1;
    expect(verifyBytes(alice.publicKey, altered, sig)).toBe(false);
    expect(verifyBytes(alice.publicKey, utf8('transfer 10 from a to b '), sig)).toBe(false);
    for (const pos of [0, 31, 32, 63]) {
      const bad = new Uint8Array(sig);
      bad[pos] = (bad[pos] ?? 0) ^ 0x01;
      expect(verifyBytes(alice.publicKey, message, bad)).toBe(false);
    }
    expect(verifyBytes(alice.publicKey, message, sig.subarray(0, 63))).toBe(false);
    expect(verifyBytes(alice.publicKey, message, new Uint8Array([...sig, 0]))).toBe(false);
    expect(verifyBytes(alice.publicKey, message, new Uint8Array(0))).toBe(false);
  });

  it('refuses a DER-encoded signature (only P1363 r‖s is accepted)', () => {
    const der = nodeSign('sha256', message, { key: alice.privateKey, dsaEncoding: 'der' });
    expect(nodeVerify('sha256', message, alice.publicKey, der)).toBe(true);
    expect(verifyBytes(alice.publicKey, message, der)).toBe(false);
  });

  it('refuses r = 0 or s = 0 and s = n', () => {
    const sig = signBytes(alice.privateKey, message);
    const zeroR = new Uint8Array(sig);
    zeroR.fill(0, 0, 32);
    expect(verifyBytes(alice.publicKey, message, zeroR)).toBe(false);
    expect(verifyBytes(alice.publicKey, message, withS(sig, 0n))).toBe(false);
    expect(verifyBytes(alice.publicKey, message, withS(sig, N))).toBe(false);
    expect(verifyBytes(alice.publicKey, message, new Uint8Array(64))).toBe(false);
  });

  it('never throws on garbage signatures and data, and accepts none (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.oneof(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ maxLength: 130 })),
        (data, signature) => {
          expect(verifyBytes(alice.publicKey, data, signature)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('returns false (never throws) for keys of other types and curves', () => {
    const others = [
      generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey,
      generateKeyPairSync('ed25519').publicKey,
      generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey,
    ];
    const sig = signBytes(alice.privateKey, message);
    for (const key of others) expect(verifyBytes(key, message, sig)).toBe(false);
  });

  it('refuses to sign with anything but a P-256 private key (BAD_KEY)', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    const ed = generateKeyPairSync('ed25519').privateKey;
    expect(codeOf(() => signBytes(p384, message))).toBe(CryptoErrorCodes.BAD_KEY);
    expect(codeOf(() => signBytes(ed, message))).toBe('BAD_KEY');
    expect(codeOf(() => signBytes(alice.publicKey, message))).toBe('BAD_KEY');
  });

  it('newPrivateKeySigner signs as signBytes does', async () => {
    const signer = newPrivateKeySigner(bob.privateKey);
    const sig = await signer(message);
    expect(sig.byteLength).toBe(64);
    expect(verifyBytes(bob.publicKey, message, sig)).toBe(true);
  });
});

describe('key parsing', () => {
  it('round-trips a private key through PKCS#8 PEM and DER', () => {
    const pem = privateKeyToPem(alice.privateKey);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const der = new Uint8Array(alice.privateKey.export({ format: 'der', type: 'pkcs8' }));
    for (const parsed of [privateKeyFrom(pem), privateKeyFrom(der)]) {
      expect(parsed.type).toBe('private');
      expect(verifyBytes(alice.publicKey, message, signBytes(parsed, message))).toBe(true);
    }
  });

  it('round-trips a public key through SPKI PEM and DER', () => {
    const pem = publicKeyToPem(alice.publicKey);
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const der = new Uint8Array(alice.publicKey.export({ format: 'der', type: 'spki' }));
    const sig = signBytes(alice.privateKey, message);
    for (const parsed of [publicKeyFrom(pem), publicKeyFrom(der)]) {
      expect(parsed.type).toBe('public');
      expect(parsed.equals(alice.publicKey)).toBe(true);
      expect(verifyBytes(parsed, message, sig)).toBe(true);
    }
  });

  it('throws BAD_KEY, with the parser error as cause, on garbage', () => {
    for (const garbage of [
      '',
      'not a key',
      '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
    ]) {
      expect(codeOf(() => privateKeyFrom(garbage))).toBe('BAD_KEY');
      expect(codeOf(() => publicKeyFrom(garbage))).toBe('BAD_KEY');
    }
    expect(codeOf(() => privateKeyFrom(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])))).toBe('BAD_KEY');
    // An SPKI public key is not a PKCS#8 private key.
    const spki = new Uint8Array(alice.publicKey.export({ format: 'der', type: 'spki' }));
    expect(codeOf(() => privateKeyFrom(spki))).toBe('BAD_KEY');
    expect(codeOf(() => privateKeyFrom(publicKeyToPem(alice.publicKey)))).toBe('BAD_KEY');
    expect(errorOf(() => publicKeyFrom(new Uint8Array([1, 2, 3]))).cause).toBeInstanceOf(Error);
  });

  it('throws only BAD_KEY on arbitrary bytes and strings (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string({ maxLength: 200 })), (input) => {
        expect(codeOf(() => privateKeyFrom(input))).toBe('BAD_KEY');
        expect(codeOf(() => publicKeyFrom(input))).toBe('BAD_KEY');
      }),
      { numRuns: 300 },
    );
  });
});
