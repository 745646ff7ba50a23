import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { ConsortiaError } from '../../common/index.js';
import { ProofErrorCodes } from './errors.js';

/** A decoded BlockHeader (consortia.proto): what the orderers signed. */
export interface ProofBlockHeader {
  readonly channel: string;
  readonly number: number;
  readonly previousHash: Uint8Array;
  readonly dataHash: Uint8Array;
  /** ms since the epoch, set by the orderer. */
  readonly timestamp: number;
}

function invalid(why: string): ConsortiaError {
  return new ConsortiaError(
    ProofErrorCodes.PROOF_BLOCK_HEADER_INVALID,
    `the block header bytes do not decode: ${why}`,
  );
}

function safeUint(value: bigint | string, what: string): number {
  const n = BigInt(value);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid(`the ${what} is beyond 2^53`);
  return Number(n);
}

/**
 * Decodes the bytes of a BlockHeader message on their own, as a proof bundle carries them
 * (without the rest of the block):
 *
 *   1 channel (string) · 2 number (uint64) · 3 previous_hash (bytes) · 4 data_hash (bytes) ·
 *   5 timestamp (uint64)
 *
 * Fields a v1 header does not have, or of the wrong wire type, are refused
 * (PROOF_BLOCK_HEADER_INVALID): the verifier vouches only for what it understands.
 *
 * @example
 * const header = decodeProofBlockHeader(bundle.transaction.blockHeader);
 */
export function decodeProofBlockHeader(bytes: Uint8Array): ProofBlockHeader {
  let channel = '';
  let number = 0;
  let previousHash: Uint8Array = new Uint8Array(0);
  let dataHash: Uint8Array = new Uint8Array(0);
  let timestamp = 0;
  const expected: Record<number, WireType> = {
    1: WireType.LengthDelimited,
    2: WireType.Varint,
    3: WireType.LengthDelimited,
    4: WireType.LengthDelimited,
    5: WireType.Varint,
  };
  try {
    const r = new BinaryReader(bytes);
    while (r.pos < r.len) {
      const [field, wire] = r.tag();
      if (expected[field] !== wire) throw invalid(`unexpected field ${field} (wire type ${wire})`);
      if (field === 1) channel = r.string();
      else if (field === 2) number = safeUint(r.uint64(), 'block number');
      else if (field === 3) previousHash = r.bytes();
      else if (field === 4) dataHash = r.bytes();
      else timestamp = safeUint(r.uint64(), 'block timestamp');
    }
  } catch (err) {
    if (err instanceof ConsortiaError) throw err;
    throw invalid((err as Error).message);
  }
  if (dataHash.byteLength !== 32) throw invalid('the data hash is not 32 bytes');
  return { channel, number, previousHash, dataHash, timestamp };
}
