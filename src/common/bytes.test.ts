import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesEqual,
  ConsortiaError,
  concatBytes,
  fromBase64,
  fromHex,
  fromUtf8,
  toBase64,
  toHex,
  utf8,
} from './index.js';

// Fixed seed: property tests explore the same cases on every run.
fc.configureGlobal({ seed: 0x5eed });

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConsortiaError) return err.code;
    throw err;
  }
  throw new Error('expected a ConsortiaError');
}

describe('utf8 / fromUtf8', () => {
  it('round-trips text, including non-ASCII', () => {
    expect([...utf8('é€😀')]).toEqual([0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
    expect(fromUtf8(utf8('é€😀'))).toBe('é€😀');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(fromUtf8(utf8(s))).toBe(s);
      }),
    );
  });

  it('refuses invalid UTF-8 with BAD_ENCODING instead of substituting characters', () => {
    expect(codeOf(() => fromUtf8(new Uint8Array([0xff])))).toBe('BAD_ENCODING');
    expect(codeOf(() => fromUtf8(new Uint8Array([0xc3])))).toBe('BAD_ENCODING');
  });
});

describe('hex', () => {
  it('encodes lowercase and decodes either case', () => {
    expect(toHex(new Uint8Array([0, 1, 0xab, 0xff]))).toBe('0001abff');
    expect([...fromHex('0001ABff')]).toEqual([0, 1, 0xab, 0xff]);
    expect(fromHex('')).toEqual(new Uint8Array(0));
  });

  it('round-trips any bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (b) => {
        expect(fromHex(toHex(b))).toEqual(b);
      }),
    );
  });

  it('encodes only the viewed part of a subarray', () => {
    const whole = new Uint8Array([1, 2, 3, 4, 5]);
    expect(toHex(whole.subarray(1, 3))).toBe('0203');
    expect(toBase64(whole.subarray(1, 3))).toBe('AgM=');
  });

  it('refuses odd lengths and non-hex characters instead of truncating', () => {
    expect(codeOf(() => fromHex('abc'))).toBe('BAD_ENCODING');
    expect(codeOf(() => fromHex('zz'))).toBe('BAD_ENCODING');
    expect(codeOf(() => fromHex('0x00'))).toBe('BAD_ENCODING');
    expect(codeOf(() => fromHex('00 11'))).toBe('BAD_ENCODING');
  });
});

describe('base64', () => {
  it('encodes with padding and round-trips any bytes', () => {
    expect(toBase64(utf8('abcd'))).toBe('YWJjZA==');
    expect(fromUtf8(fromBase64('YWJjZA=='))).toBe('abcd');
    fc.assert(
      fc.property(fc.uint8Array(), (b) => {
        expect(fromBase64(toBase64(b))).toEqual(b);
      }),
    );
  });
});

describe('concatBytes / bytesEqual', () => {
  it('concatenates in order', () => {
    expect([...concatBytes(new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3]))]).toEqual([
      1, 2, 3,
    ]);
    expect(concatBytes().byteLength).toBe(0);
  });

  it('compares content and length', () => {
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
    expect(bytesEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    const whole = new Uint8Array([9, 1, 2, 9]);
    expect(bytesEqual(whole.subarray(1, 3), new Uint8Array([1, 2]))).toBe(true);
  });

  it('agrees with element-wise comparison (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
        const same = a.length === b.length && a.every((x, i) => x === b[i]);
        expect(bytesEqual(a, b)).toBe(same);
        expect(bytesEqual(a, a.slice())).toBe(true);
      }),
    );
  });
});
