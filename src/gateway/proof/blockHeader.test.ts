import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, isConsortiaError } from '../../common/index.js';
import { blockDataHash, newBlockHeader } from '../../protocol/index.js';
import { decodeProofBlockHeader } from './blockHeader.js';

const envelopes = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])];

describe('decodeProofBlockHeader', () => {
  it('reads back what newBlockHeader wrote, genesis (all defaults) included', () => {
    const previousHash = new Uint8Array(32).fill(7);
    const h = decodeProofBlockHeader(
      newBlockHeader({
        channel: 'telecom',
        number: 42,
        previousHash,
        envelopes,
        timestamp: 1_700_000_000_123,
      }),
    );
    expect(h).toEqual({
      channel: 'telecom',
      number: 42,
      previousHash,
      dataHash: blockDataHash(envelopes),
      timestamp: 1_700_000_000_123,
    });
    const g = decodeProofBlockHeader(
      newBlockHeader({
        channel: 'telecom',
        number: 0,
        previousHash: new Uint8Array(0),
        envelopes,
        timestamp: 0,
      }),
    );
    expect([g.number, g.timestamp, g.previousHash.byteLength]).toEqual([0, 0, 0]);
  });

  it('refuses unknown fields, wrong wire types, truncation and a data hash that is not 32 bytes', () => {
    const header = newBlockHeader({
      channel: 'telecom',
      number: 3,
      previousHash: new Uint8Array(32),
      envelopes,
      timestamp: 5,
    });
    const bad = [
      concatBytes(header, new Uint8Array([0x30, 0x01])), // field 6, varint
      concatBytes(header, new Uint8Array([0x10 | 2, 0x00])), // field 2 as length-delimited
      header.subarray(0, header.byteLength - 3),
      newBlockHeader({
        channel: 'x',
        number: 1,
        previousHash: new Uint8Array(0),
        envelopes: [],
        timestamp: 1,
      }).subarray(0, 4),
    ];
    for (const b of bad) {
      expect(() => decodeProofBlockHeader(b)).toThrowError(
        expect.objectContaining({ code: 'PROOF_BLOCK_HEADER_INVALID' }),
      );
    }
  });

  it('never throws anything but PROOF_BLOCK_HEADER_INVALID on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeProofBlockHeader(bytes);
        } catch (err) {
          expect(isConsortiaError(err, 'PROOF_BLOCK_HEADER_INVALID')).toBe(true);
        }
      }),
    );
  });
});
