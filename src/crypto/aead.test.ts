import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsortiaError, utf8 } from '../common/index.js';
import { aesGcmDecrypt, aesGcmEncrypt, CryptoErrorCodes } from './index.js';

// Fixed seed: property tests explore the same cases on every run.
fc.configureGlobal({ seed: 0x5eed });

const key = new Uint8Array(randomBytes(32));
const otherKey = new Uint8Array(randomBytes(32));
const plaintext = utf8('private collection value');
const aad = utf8('header');

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConsortiaError) return err.code;
    throw err;
  }
  throw new Error('expected a ConsortiaError');
}

describe('aesGcmEncrypt / aesGcmDecrypt', () => {
  it('round-trips without AAD, as iv(12) ‖ ciphertext ‖ tag(16)', () => {
    const sealed = aesGcmEncrypt(key, plaintext);
    expect(sealed.byteLength).toBe(12 + plaintext.byteLength + 16);
    expect(aesGcmDecrypt(key, sealed)).toEqual(plaintext);
  });

  it('round-trips with AAD, and the AAD must match', () => {
    const sealed = aesGcmEncrypt(key, plaintext, aad);
    expect(aesGcmDecrypt(key, sealed, aad)).toEqual(plaintext);
    expect(codeOf(() => aesGcmDecrypt(key, sealed))).toBe(CryptoErrorCodes.DECRYPTION_FAILED);
    expect(codeOf(() => aesGcmDecrypt(key, sealed, utf8('headeR')))).toBe('DECRYPTION_FAILED');
    const noAad = aesGcmEncrypt(key, plaintext);
    expect(codeOf(() => aesGcmDecrypt(key, noAad, aad))).toBe('DECRYPTION_FAILED');
  });

  it('round-trips the empty plaintext', () => {
    const sealed = aesGcmEncrypt(key, new Uint8Array(0));
    expect(sealed.byteLength).toBe(28);
    expect(aesGcmDecrypt(key, sealed)).toEqual(new Uint8Array(0));
  });

  it('uses a fresh IV each time', () => {
    const a = aesGcmEncrypt(key, plaintext);
    const b = aesGcmEncrypt(key, plaintext);
    expect(Buffer.compare(a.subarray(0, 12), b.subarray(0, 12))).not.toBe(0);
    expect(Buffer.compare(a, b)).not.toBe(0);
  });

  it('refuses every single-byte change anywhere in iv, ciphertext or tag', () => {
    const sealed = aesGcmEncrypt(key, plaintext, aad);
    for (let pos = 0; pos < sealed.byteLength; pos++) {
      const bad = new Uint8Array(sealed);
      bad[pos] = (bad[pos] ?? 0) ^ 0x80;
      expect(codeOf(() => aesGcmDecrypt(key, bad, aad))).toBe('DECRYPTION_FAILED');
    }
  });

  it('refuses tampering with any bit (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (data, at, mask) => {
          const sealed = aesGcmEncrypt(key, data);
          const pos = at % sealed.byteLength;
          sealed[pos] = (sealed[pos] ?? 0) ^ mask;
          expect(codeOf(() => aesGcmDecrypt(key, sealed))).toBe('DECRYPTION_FAILED');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses the wrong key', () => {
    expect(codeOf(() => aesGcmDecrypt(otherKey, aesGcmEncrypt(key, plaintext)))).toBe('DECRYPTION_FAILED');
  });

  it('refuses input too short to hold iv and tag, and truncated input', () => {
    for (const len of [0, 1, 27]) {
      expect(codeOf(() => aesGcmDecrypt(key, new Uint8Array(len)))).toBe('DECRYPTION_FAILED');
    }
    const sealed = aesGcmEncrypt(key, plaintext);
    expect(codeOf(() => aesGcmDecrypt(key, sealed.subarray(0, sealed.byteLength - 1)))).toBe(
      'DECRYPTION_FAILED',
    );
    expect(codeOf(() => aesGcmDecrypt(key, new Uint8Array(28)))).toBe('DECRYPTION_FAILED');
  });

  it('refuses keys that are not 32 bytes with BAD_KEY', () => {
    for (const len of [0, 16, 31, 33]) {
      expect(codeOf(() => aesGcmEncrypt(new Uint8Array(len), plaintext))).toBe(CryptoErrorCodes.BAD_KEY);
      expect(codeOf(() => aesGcmDecrypt(new Uint8Array(len), new Uint8Array(40)))).toBe('BAD_KEY');
    }
  });

  it('round-trips arbitrary data and AAD (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.option(fc.uint8Array({ maxLength: 40 })),
        (data, extra) => {
          const sealed = extra === null ? aesGcmEncrypt(key, data) : aesGcmEncrypt(key, data, extra);
          const opened = extra === null ? aesGcmDecrypt(key, sealed) : aesGcmDecrypt(key, sealed, extra);
          expect(opened).toEqual(data);
        },
      ),
    );
  });
});
