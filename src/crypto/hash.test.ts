import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../common/index.js';
import { sha256, sha256Hex } from './index.js';

// Fixed seed: property tests explore the same cases on every run.
fc.configureGlobal({ seed: 0x5eed });

const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('sha256 / sha256Hex', () => {
  it('matches the FIPS 180-2 vectors for "" and "abc"', () => {
    expect(sha256Hex()).toBe(EMPTY);
    expect(sha256Hex(new Uint8Array(0))).toBe(EMPTY);
    expect(toHex(sha256())).toBe(EMPTY);
    expect(sha256Hex(utf8('abc'))).toBe(ABC);
    expect(toHex(sha256(utf8('abc')))).toBe(ABC);
  });

  it('matches the two-block vector', () => {
    expect(sha256Hex(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('hashes several parts as their concatenation', () => {
    expect(sha256Hex(utf8('a'), utf8(''), utf8('bc'))).toBe(ABC);
    expect(toHex(sha256(utf8('ab'), utf8('c')))).toBe(ABC);
  });

  it('returns exactly 32 bytes that own their buffer, agreeing with node:crypto (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 4 }), (parts) => {
        const digest = sha256(...parts);
        expect(digest).toBeInstanceOf(Uint8Array);
        expect(digest.byteLength).toBe(32);
        expect(digest.buffer.byteLength).toBe(32);
        const expected = createHash('sha256').update(Buffer.concat(parts)).digest('hex');
        expect(toHex(digest)).toBe(expected);
        expect(sha256Hex(...parts)).toBe(expected);
      }),
    );
  });
});
