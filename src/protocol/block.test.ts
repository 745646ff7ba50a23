import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ConsortiaError, concatBytes, toHex, utf8 } from '../common/index.js';
import { merkleLeafHash, merkleRoot, merkleRootFromPath, sha256 } from '../crypto/index.js';
import { BlockHeaderSchema, BlockSchema } from './gen/consortia_pb.js';
import {
  blockDataHash,
  blockSigningBytes,
  encodeBlock,
  encodeIdentity,
  envelopeInclusionPath,
  newBlockHeader,
  parseBlock,
  ValidationCode,
  withValidationCodes,
} from './index.js';

function errorOf(fn: () => unknown): ConsortiaError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConsortiaError) return err;
    throw err;
  }
  throw new Error('expected a ConsortiaError');
}

const codeOf = (fn: () => unknown) => errorOf(fn).code;
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

const envelopes = Array.from({ length: 5 }, (_, i) => utf8(`envelope bytes ${i}`));
const previousHash = sha256(utf8('block 6 header'));
const orderer = encodeIdentity('OrdererOrg', utf8('orderer cert'));
const signatures = [{ signer: orderer, signature: new Uint8Array(64).fill(9) }];
const header = newBlockHeader({
  channel: 'telecom',
  number: 7,
  previousHash,
  envelopes,
  timestamp: 1_700_000_000_123,
});

describe('newBlockHeader / encodeBlock / parseBlock', () => {
  it('round-trips number, previous hash, timestamp, envelopes and signatures', () => {
    const block = parseBlock(encodeBlock(header, envelopes, signatures));
    expect(block.channel).toBe('telecom');
    expect(block.number).toBe(7);
    expect(toHex(block.previousHash)).toBe(toHex(previousHash));
    expect(block.timestamp).toBe(1_700_000_000_123);
    expect(block.envelopes.map(toHex)).toEqual(envelopes.map(toHex));
    expect(block.signatures).toHaveLength(1);
    expect(same(block.signatures[0]!.signer, orderer)).toBe(true);
    expect(block.signatures[0]!.signature).toEqual(new Uint8Array(64).fill(9));
    expect(block.validationCodes.byteLength).toBe(0);
  });

  it('keeps the header bytes and hashes them for the block hash', () => {
    const block = parseBlock(encodeBlock(header, envelopes, signatures));
    expect(same(block.headerBytes, header)).toBe(true);
    expect(toHex(block.hash)).toBe(toHex(sha256(header)));
  });

  it('sets the data hash to the Merkle root of the envelopes', () => {
    const block = parseBlock(encodeBlock(header, envelopes, signatures));
    const expected = merkleRoot(envelopes.map((e) => merkleLeafHash(e)));
    expect(toHex(block.dataHash)).toBe(toHex(expected));
    expect(toHex(blockDataHash(envelopes))).toBe(toHex(expected));
    expect(toHex(fromBinary(BlockHeaderSchema, header).dataHash)).toBe(toHex(expected));
  });

  it('round-trips an empty block (genesis-like: no previous hash, no signatures)', () => {
    const h = newBlockHeader({
      channel: 'c',
      number: 0,
      previousHash: new Uint8Array(0),
      envelopes: [],
      timestamp: 0,
    });
    const block = parseBlock(encodeBlock(h, [], []));
    expect(block.number).toBe(0);
    expect(block.envelopes).toEqual([]);
    expect(block.signatures).toEqual([]);
    expect(block.previousHash.byteLength).toBe(0);
    expect(toHex(block.dataHash)).toBe(toHex(sha256()));
  });

  it('carries validation codes, one per envelope', () => {
    const codes = Uint8Array.from([0, 5, 3, 255, 0]);
    expect(parseBlock(encodeBlock(header, envelopes, signatures, codes)).validationCodes).toEqual(codes);
  });

  it('refuses a wrong count of validation codes with MALFORMED_MESSAGE', () => {
    for (const n of [1, 4, 6]) {
      const err = errorOf(() => parseBlock(encodeBlock(header, envelopes, signatures, new Uint8Array(n))));
      expect(err.code).toBe('MALFORMED_MESSAGE');
      expect(err.detail).toEqual({ block: 7 });
    }
  });

  it('refuses altered, missing, extra or reordered envelopes with BLOCK_DATA_HASH_MISMATCH', () => {
    const altered = envelopes.slice();
    altered[2] = utf8('envelope bytes 2!');
    const cases = [
      altered,
      envelopes.slice(0, 4),
      [...envelopes, utf8('smuggled')],
      [envelopes[1]!, envelopes[0]!, ...envelopes.slice(2)],
      [],
    ];
    for (const body of cases) {
      const err = errorOf(() => parseBlock(encodeBlock(header, body, signatures)));
      expect(err.code).toBe('BLOCK_DATA_HASH_MISMATCH');
      expect(err.detail).toEqual({ block: 7 });
    }
  });

  it('refuses an altered data hash in the header', () => {
    const h = fromBinary(BlockHeaderSchema, header);
    h.dataHash = sha256(utf8('other'));
    expect(codeOf(() => parseBlock(encodeBlock(toBinary(BlockHeaderSchema, h), envelopes, signatures)))).toBe(
      'BLOCK_DATA_HASH_MISMATCH',
    );
  });

  it('refuses block numbers and timestamps beyond 2^53, and undecodable headers', () => {
    const big = fromBinary(BlockHeaderSchema, header);
    big.number = 2n ** 53n;
    expect(codeOf(() => parseBlock(encodeBlock(toBinary(BlockHeaderSchema, big), envelopes, [])))).toBe(
      'MALFORMED_MESSAGE',
    );
    const late = fromBinary(BlockHeaderSchema, header);
    late.timestamp = 2n ** 63n;
    expect(codeOf(() => parseBlock(encodeBlock(toBinary(BlockHeaderSchema, late), envelopes, [])))).toBe(
      'MALFORMED_MESSAGE',
    );
    expect(codeOf(() => parseBlock(encodeBlock(new Uint8Array([0x0a, 0x7f]), envelopes, [])))).toBe(
      'MALFORMED_MESSAGE',
    );
  });

  it('refuses a block number or timestamp that does not fit the wire when building a header', () => {
    const opts = { channel: 'c', previousHash, envelopes, timestamp: 1, number: 1 };
    for (const bad of [{ number: -1 }, { number: 1.5 }, { timestamp: Number.NaN }, { number: 2 ** 53 }]) {
      expect(codeOf(() => newBlockHeader({ ...opts, ...bad }))).toBe('MALFORMED_MESSAGE');
    }
  });

  it('blockSigningBytes is header ‖ signer', () => {
    expect(toHex(blockSigningBytes(header, orderer))).toBe(toHex(concatBytes(header, orderer)));
  });
});

describe('withValidationCodes', () => {
  it('sets the codes and keeps header bytes, hash, envelopes and signatures identical', () => {
    const block = parseBlock(encodeBlock(header, envelopes, signatures));
    const codes = Uint8Array.from([
      ValidationCode.VALID,
      ValidationCode.MVCC_READ_CONFLICT,
      ValidationCode.VALID,
      ValidationCode.BAD_SIGNATURE,
      ValidationCode.DUPLICATE_TXID,
    ]);
    const committed = parseBlock(withValidationCodes(block, codes));
    expect(committed.validationCodes).toEqual(codes);
    expect(same(committed.headerBytes, block.headerBytes)).toBe(true);
    expect(same(committed.headerBytes, header)).toBe(true);
    expect(toHex(committed.hash)).toBe(toHex(block.hash));
    expect(committed.envelopes.map(toHex)).toEqual(envelopes.map(toHex));
    expect(committed.signatures.map((s) => toHex(s.signature))).toEqual(
      signatures.map((s) => toHex(s.signature)),
    );
    // Re-encoding once more with other codes still leaves the header alone.
    const again = parseBlock(withValidationCodes(committed, new Uint8Array(5)));
    expect(same(again.headerBytes, header)).toBe(true);
    expect(again.validationCodes).toEqual(new Uint8Array(5));
  });

  it('keeps a header that was not canonically encoded byte for byte', () => {
    // The header with an unknown field 15 appended: a different hash, still a valid header.
    const odd = concatBytes(header, new Uint8Array([0x78, 0x01]));
    const block = parseBlock(encodeBlock(odd, envelopes, signatures));
    const committed = parseBlock(withValidationCodes(block, new Uint8Array(5)));
    expect(same(committed.headerBytes, odd)).toBe(true);
    expect(toHex(committed.hash)).toBe(toHex(sha256(odd)));
    expect(toHex(committed.hash)).not.toBe(toHex(sha256(header)));
  });
});

describe('envelopeInclusionPath', () => {
  it('proves every envelope against the data hash, for blocks of 1 to 17 envelopes', () => {
    for (let n = 1; n <= 17; n++) {
      const envs = Array.from({ length: n }, (_, i) => utf8(`env ${n}/${i}`));
      const h = newBlockHeader({ channel: 'c', number: n, previousHash, envelopes: envs, timestamp: 1 });
      const { dataHash } = parseBlock(encodeBlock(h, envs, []));
      for (let i = 0; i < n; i++) {
        const path = envelopeInclusionPath(envs, i);
        expect(toHex(merkleRootFromPath(merkleLeafHash(envs[i]!), path))).toBe(toHex(dataHash));
        const other = envs[(i + 1) % n]!;
        if (n > 1) expect(toHex(merkleRootFromPath(merkleLeafHash(other), path))).not.toBe(toHex(dataHash));
        // The raw envelope (not its leaf hash) does not verify.
        expect(toHex(merkleRootFromPath(sha256(envs[i]!), path))).not.toBe(toHex(dataHash));
      }
    }
  });

  it('throws BAD_MERKLE_INDEX outside the envelopes', () => {
    expect(codeOf(() => envelopeInclusionPath(envelopes, 5))).toBe('BAD_MERKLE_INDEX');
    expect(codeOf(() => envelopeInclusionPath([], 0))).toBe('BAD_MERKLE_INDEX');
  });
});

describe('block metadata', () => {
  it('treats a block without metadata as unsigned with no codes', () => {
    const bytes = toBinary(BlockSchema, create(BlockSchema, { header, envelopes }));
    const block = parseBlock(bytes);
    expect(block.signatures).toEqual([]);
    expect(block.validationCodes.byteLength).toBe(0);
  });
});
