import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTxLocation, encodeTxLocation, TX_INDEX_KEY_BYTES, txIdKey, txIndexKey } from './keys.js';

describe('transaction locations', () => {
  it('round-trip for any block, transaction and code', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 255 }),
        (block, tx, code) => {
          const enc = encodeTxLocation(block, tx, code);
          expect(enc.byteLength).toBeLessThanOrEqual(13);
          expect(decodeTxLocation(enc)).toEqual({ blockNumber: block, txIndex: tx, validationCode: code });
        },
      ),
    );
  });

  it('take 5 bytes for a block below 2^21 and a transaction below 128', () => {
    expect(encodeTxLocation(2_000_000, 127, 11).byteLength).toBe(5);
    expect(encodeTxLocation(0, 0, 0)).toEqual(Buffer.of(0, 0, 0));
  });

  it('read the fixed 13-byte form that format 1 wrote', () => {
    const fixed = Buffer.from('00000000000123450000002a0b', 'hex');
    expect(decodeTxLocation(fixed)).toEqual({ blockNumber: 0x12345, txIndex: 42, validationCode: 11 });
  });

  it('refuse a truncated encoding', () => {
    expect(() => decodeTxLocation(Buffer.of(0x80))).toThrow(RangeError);
  });
});

describe('transaction index keys', () => {
  it('are the first 16 bytes of the id from format 2 on, the whole id in format 1', () => {
    const id = 'ab'.repeat(32);
    expect(txIndexKey(txIdKey(id), 2)).toEqual(Buffer.from('ab'.repeat(TX_INDEX_KEY_BYTES), 'hex'));
    expect(txIndexKey(txIdKey(id), 1)).toEqual(Buffer.from(id, 'hex'));
  });
});
