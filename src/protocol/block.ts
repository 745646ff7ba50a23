import { create, toBinary } from '@bufbuild/protobuf';
import { ConsortiaError, concatBytes } from '../common/index.js';
import { type MerkleStep, merkleLeafHash, merklePath, merkleRoot, sha256 } from '../crypto/index.js';
import { decodeMessage, toSafeNumber, toUint64 } from './decode.js';
import {
  BlockHeaderSchema,
  BlockMetadataSchema,
  BlockSchema,
  type BlockSignature,
  BlockSignatureSchema,
} from './gen/consortia_pb.js';

/** A decoded block. `headerBytes` are what orderers signed; `hash` is SHA-256 of them. */
export interface ParsedBlock {
  readonly channel: string;
  readonly number: number;
  readonly previousHash: Uint8Array;
  readonly dataHash: Uint8Array;
  readonly timestamp: number;
  readonly headerBytes: Uint8Array;
  readonly hash: Uint8Array;
  readonly envelopes: readonly Uint8Array[];
  readonly signatures: readonly BlockSignature[];
  readonly validationCodes: Uint8Array;
}

/** The data hash of a block: the Merkle root over its envelopes' leaf hashes. */
export function blockDataHash(envelopes: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(envelopes.map((e) => merkleLeafHash(e)));
}

/** The inclusion path of envelope `index` in its block's data hash. */
export function envelopeInclusionPath(envelopes: readonly Uint8Array[], index: number): MerkleStep[] {
  return merklePath(
    envelopes.map((e) => merkleLeafHash(e)),
    index,
  );
}

export interface NewBlockOptions {
  readonly channel: string;
  readonly number: number;
  readonly previousHash: Uint8Array;
  readonly envelopes: readonly Uint8Array[];
  readonly timestamp: number;
}

/** Builds the header bytes of a new block, for orderers to sign. */
export function newBlockHeader(opts: Readonly<NewBlockOptions>): Uint8Array {
  return toBinary(
    BlockHeaderSchema,
    create(BlockHeaderSchema, {
      channel: opts.channel,
      number: toUint64(opts.number, 'block number'),
      previousHash: opts.previousHash,
      dataHash: blockDataHash(opts.envelopes),
      timestamp: toUint64(opts.timestamp, 'block timestamp'),
    }),
  );
}

/** The bytes an orderer signs for a block: its header bytes, as they are. */
export function blockSigningBytes(headerBytes: Uint8Array, signer: Uint8Array): Uint8Array {
  return concatBytes(headerBytes, signer);
}

/** Encodes a block. Validation codes are the committing peer's, one byte per envelope. */
export function encodeBlock(
  headerBytes: Uint8Array,
  envelopes: readonly Uint8Array[],
  signatures: readonly { signer: Uint8Array; signature: Uint8Array }[],
  validationCodes: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return toBinary(
    BlockSchema,
    create(BlockSchema, {
      header: headerBytes,
      envelopes: [...envelopes],
      metadata: create(BlockMetadataSchema, {
        signatures: signatures.map((s) =>
          create(BlockSignatureSchema, { signer: s.signer, signature: s.signature }),
        ),
        validationCodes,
      }),
    }),
  );
}

/** Re-encodes a parsed block with new validation codes (metadata is not covered by signatures). */
export function withValidationCodes(block: ParsedBlock, codes: Uint8Array): Uint8Array {
  return encodeBlock(block.headerBytes, block.envelopes, block.signatures, codes);
}

/**
 * Decodes block bytes and checks that the data hash matches the envelopes. Signatures and the
 * hash chain are checked by the caller, which knows the orderers and the previous block.
 */
export function parseBlock(bytes: Uint8Array): ParsedBlock {
  const b = decodeMessage(BlockSchema, bytes, 'block');
  const h = decodeMessage(BlockHeaderSchema, b.header, 'block header');
  const number = toSafeNumber(h.number, 'block number');
  const codes = b.metadata?.validationCodes ?? new Uint8Array(0);
  if (codes.byteLength !== 0 && codes.byteLength !== b.envelopes.length) {
    throw new ConsortiaError(
      'MALFORMED_MESSAGE',
      `block ${number} has ${codes.byteLength} validation codes for ${b.envelopes.length} transactions`,
      { block: number },
    );
  }
  const dataHash = blockDataHash(b.envelopes);
  if (Buffer.compare(dataHash, h.dataHash) !== 0) {
    throw new ConsortiaError(
      'BLOCK_DATA_HASH_MISMATCH',
      `block ${number}: its transactions do not match the data hash in its header`,
      { block: number },
    );
  }
  return {
    channel: h.channel,
    number,
    previousHash: h.previousHash,
    dataHash: h.dataHash,
    timestamp: toSafeNumber(h.timestamp, 'block timestamp'),
    headerBytes: b.header,
    hash: sha256(b.header),
    envelopes: b.envelopes,
    signatures: b.metadata?.signatures ?? [],
    validationCodes: codes,
  };
}
