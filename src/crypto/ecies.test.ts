import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsortiaError, toHex, utf8 } from '../common/index.js';
import {
  CryptoErrorCodes,
  eciesDecrypt,
  eciesEncrypt,
  eciesRecipients,
  generateKeyPair,
  type KeyPair,
  publicKeyId,
  sha256,
} from './index.js';

// Fixed seed: property tests explore the same cases on every run.
fc.configureGlobal({ seed: 0x5eed });

const KEY_ID_LEN = 16;
const SLOT_LEN = 16 + 65 + 60;

const keys: KeyPair[] = Array.from({ length: 4 }, () => generateKeyPair());
const [a, b, c, outsider] = keys as [KeyPair, KeyPair, KeyPair, KeyPair];
const secret = utf8('{"price":42,"buyer":"TelcoB"}');

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConsortiaError) return err.code;
    throw err;
  }
  throw new Error('expected a ConsortiaError');
}

/** Byte offsets of recipient `slot`'s key id in a ciphertext. */
function keyIdRange(slot: number): [number, number] {
  const start = 2 + slot * SLOT_LEN;
  return [start, start + KEY_ID_LEN];
}

/** The codes a tampered byte at `pos` may give the recipient in `slot`. */
function allowedCodes(pos: number, slot: number): string[] {
  const [start, end] = keyIdRange(slot);
  // Altering our own key id, or the count so our slot is no longer listed, hides our slot.
  if ((pos >= start && pos < end) || (pos === 1 && slot > 0)) return ['DECRYPTION_FAILED', 'NOT_A_RECIPIENT'];
  return ['DECRYPTION_FAILED'];
}

describe('publicKeyId', () => {
  it('is the first 16 bytes of SHA-256 over the SPKI DER', () => {
    const spki = a.publicKey.export({ format: 'der', type: 'spki' });
    expect(toHex(publicKeyId(a.publicKey))).toBe(toHex(sha256(spki).subarray(0, 16)));
    expect(publicKeyId(a.publicKey).byteLength).toBe(16);
    expect(toHex(publicKeyId(a.publicKey))).not.toBe(toHex(publicKeyId(b.publicKey)));
  });
});

describe('eciesEncrypt / eciesDecrypt', () => {
  it('round-trips to a single recipient', () => {
    const sealed = eciesEncrypt([a.publicKey], secret);
    expect(sealed[0]).toBe(1);
    expect(sealed[1]).toBe(1);
    expect(sealed.byteLength).toBe(2 + SLOT_LEN + 12 + secret.byteLength + 16);
    expect(eciesDecrypt(a.privateKey, sealed)).toEqual(secret);
  });

  it('lets each of three recipients decrypt, and lists them in order', () => {
    const sealed = eciesEncrypt([a.publicKey, b.publicKey, c.publicKey], secret);
    for (const k of [a, b, c]) expect(eciesDecrypt(k.privateKey, sealed)).toEqual(secret);
    expect(eciesRecipients(sealed).map(toHex)).toEqual([a, b, c].map((k) => toHex(publicKeyId(k.publicKey))));
  });

  it('refuses a key that is not a recipient with NOT_A_RECIPIENT', () => {
    const sealed = eciesEncrypt([a.publicKey, b.publicKey, c.publicKey], secret);
    expect(codeOf(() => eciesDecrypt(outsider.privateKey, sealed))).toBe(CryptoErrorCodes.NOT_A_RECIPIENT);
  });

  it('round-trips an empty plaintext and a large one', () => {
    expect(eciesDecrypt(b.privateKey, eciesEncrypt([b.publicKey], new Uint8Array(0)))).toEqual(
      new Uint8Array(0),
    );
    const big = new Uint8Array(100_000).map((_, i) => i % 251);
    expect(eciesDecrypt(b.privateKey, eciesEncrypt([a.publicKey, b.publicKey], big))).toEqual(big);
  });

  it('refuses 0 and 256 recipients, and accepts 255', () => {
    expect(codeOf(() => eciesEncrypt([], secret))).toBe(CryptoErrorCodes.BAD_RECIPIENTS);
    const many = Array.from({ length: 256 }, () => a.publicKey);
    expect(codeOf(() => eciesEncrypt(many, secret))).toBe('BAD_RECIPIENTS');
    const recipients = [...Array.from({ length: 254 }, () => a.publicKey), c.publicKey];
    const sealed = eciesEncrypt(recipients, secret);
    expect(sealed[1]).toBe(255);
    expect(eciesRecipients(sealed)).toHaveLength(255);
    expect(eciesDecrypt(c.privateKey, sealed)).toEqual(secret);
  });

  it('refuses recipients that are not P-256 public keys with BAD_KEY', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
    const x25519 = generateKeyPairSync('x25519').publicKey;
    expect(codeOf(() => eciesEncrypt([a.publicKey, p384], secret))).toBe(CryptoErrorCodes.BAD_KEY);
    expect(codeOf(() => eciesEncrypt([x25519], secret))).toBe('BAD_KEY');
    expect(codeOf(() => eciesEncrypt([a.privateKey], secret))).toBe('BAD_KEY');
  });

  it('refuses every single-byte change for a single recipient', () => {
    const sealed = eciesEncrypt([a.publicKey], utf8('short'));
    for (let pos = 0; pos < sealed.byteLength; pos++) {
      const bad = new Uint8Array(sealed);
      bad[pos] = (bad[pos] ?? 0) ^ 0x01;
      expect(allowedCodes(pos, 0)).toContain(codeOf(() => eciesDecrypt(a.privateKey, bad)));
    }
  });

  it('refuses a tampered byte anywhere in header or payload, for any of three recipients (property)', () => {
    const trio = [a, b, c];
    const sealed = eciesEncrypt(
      trio.map((k) => k.publicKey),
      secret,
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sealed.byteLength - 1 }),
        fc.integer({ min: 1, max: 255 }),
        fc.integer({ min: 0, max: 2 }),
        (pos, mask, slot) => {
          const bad = new Uint8Array(sealed);
          bad[pos] = (bad[pos] ?? 0) ^ mask;
          const code = codeOf(() => eciesDecrypt(trio[slot]!.privateKey, bad));
          expect(allowedCodes(pos, slot)).toContain(code);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('gives NOT_A_RECIPIENT exactly when the own key id is altered', () => {
    const sealed = eciesEncrypt([a.publicKey, b.publicKey], secret);
    const [start] = keyIdRange(1);
    const bad = new Uint8Array(sealed);
    bad[start + 3] = (bad[start + 3] ?? 0) ^ 0xff;
    expect(codeOf(() => eciesDecrypt(b.privateKey, bad))).toBe('NOT_A_RECIPIENT');
    // The other recipient still finds its slot, but the header (the payload's AAD) changed.
    expect(codeOf(() => eciesDecrypt(a.privateKey, bad))).toBe('DECRYPTION_FAILED');
  });

  it('refuses a count byte of 0 as tampering, not as "not a recipient"', () => {
    const bad = eciesEncrypt([a.publicKey], secret);
    bad[1] = 0;
    expect(codeOf(() => eciesDecrypt(a.privateKey, bad))).toBe('DECRYPTION_FAILED');
    expect(codeOf(() => eciesRecipients(bad))).toBe('DECRYPTION_FAILED');
  });

  it('refuses truncated ciphertexts and a bad version byte', () => {
    const sealed = eciesEncrypt([a.publicKey, b.publicKey], secret);
    for (const len of [
      0,
      1,
      2,
      2 + SLOT_LEN,
      2 + 2 * SLOT_LEN - 1,
      2 + 2 * SLOT_LEN,
      sealed.byteLength - 1,
    ]) {
      expect(codeOf(() => eciesDecrypt(a.privateKey, sealed.subarray(0, len)))).toBe('DECRYPTION_FAILED');
    }
    const wrongVersion = new Uint8Array(sealed);
    wrongVersion[0] = 2;
    expect(codeOf(() => eciesDecrypt(a.privateKey, wrongVersion))).toBe('DECRYPTION_FAILED');
    expect(codeOf(() => eciesRecipients(wrongVersion))).toBe('DECRYPTION_FAILED');
    expect(codeOf(() => eciesRecipients(sealed.subarray(0, 2 + SLOT_LEN)))).toBe('DECRYPTION_FAILED');
  });

  it('throws only DECRYPTION_FAILED or NOT_A_RECIPIENT on arbitrary bytes (property)', () => {
    // Half the inputs start with a valid version byte and a small count, to reach the slot loop.
    const plausible = fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.uint8Array({ minLength: 100, maxLength: 600 }))
      .map(([count, rest]) => new Uint8Array([1, count, ...rest]));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), plausible), (input) => {
        expect(['DECRYPTION_FAILED', 'NOT_A_RECIPIENT']).toContain(
          codeOf(() => eciesDecrypt(a.privateKey, input)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a slot whose key id is copied into a forged header (ephemeral key from another slot)', () => {
    // Put b's key id on a's slot: b finds the slot but cannot unwrap a's key.
    const sealed = eciesEncrypt([a.publicKey], secret);
    const forged = new Uint8Array(sealed);
    forged.set(publicKeyId(b.publicKey), 2);
    expect(codeOf(() => eciesDecrypt(b.privateKey, forged))).toBe('DECRYPTION_FAILED');
  });
});
