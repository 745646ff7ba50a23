import { randomBytes } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import { bytesEqual, ConsortiaError, fromUtf8, toHex, utf8 } from '../common/index.js';
import { sha256, sha256Hex } from '../crypto/index.js';
import { decodeMessage, toSafeNumber, toUint64 } from './decode.js';
import {
  type Identity,
  type Proposal,
  ProposalSchema,
  SignedProposalSchema,
  TransientEntrySchema,
} from './gen/consortia_pb.js';
import { decodeIdentity } from './identity.js';

export type TransientMap = ReadonlyMap<string, Uint8Array>;

/** A decoded proposal, with the exact bytes the creator signed. */
export interface ParsedProposal {
  readonly bytes: Uint8Array;
  readonly hash: Uint8Array;
  readonly channel: string;
  readonly txId: string;
  readonly timestamp: number;
  readonly nonce: Uint8Array;
  readonly creatorBytes: Uint8Array;
  readonly creator: Identity;
  readonly contract: string;
  readonly fn: string;
  readonly argsBytes: Uint8Array;
  readonly transientHash: Uint8Array;
}

/** The transaction id: hex SHA-256 over nonce ‖ creator bytes, as in Fabric. */
export function computeTxId(nonce: Uint8Array, creatorBytes: Uint8Array): string {
  return sha256Hex(nonce, creatorBytes);
}

/** SHA-256 of the transient map, sorted by key; empty bytes when there is none. */
export function transientHash(transient: TransientMap | undefined): Uint8Array {
  if (!transient || transient.size === 0) return new Uint8Array(0);
  const keys = [...transient.keys()].sort();
  const parts = keys.map((key) =>
    toBinary(TransientEntrySchema, create(TransientEntrySchema, { key, value: transient.get(key)! })),
  );
  return sha256(...parts.flatMap((p) => [utf8(`${p.byteLength}:`), p]));
}

/**
 * Encodes named arguments as UTF-8 JSON; they must form a plain JSON object.
 *
 * @example
 * encodeArgs({ id: 'a1', owner: 'TelcoA' }) // bytes of '{"id":"a1","owner":"TelcoA"}'
 */
export function encodeArgs(args: unknown): Uint8Array {
  if (args === undefined) return utf8('{}');
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new ConsortiaError('INVALID_ARGS_ENCODING', 'arguments must be one JSON object of named arguments');
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(args);
  } catch (err) {
    // bigint values and cycles make JSON.stringify throw a TypeError.
    throw new ConsortiaError(
      'INVALID_ARGS_ENCODING',
      `the arguments cannot be encoded as JSON (${(err as Error).message}); pass strings, numbers, booleans, arrays and objects`,
      undefined,
      { cause: err },
    );
  }
  // An object with toJSON (a Date, say) may stringify to something other than an object.
  if (text === undefined || !text.startsWith('{')) {
    throw new ConsortiaError('INVALID_ARGS_ENCODING', 'arguments must be one JSON object of named arguments');
  }
  return utf8(text);
}

/** Decodes argument bytes as a JSON object, or throws INVALID_ARGS_ENCODING. */
export function decodeArgs(bytes: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch {
    throw new ConsortiaError('INVALID_ARGS_ENCODING', 'the arguments are not valid UTF-8 JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConsortiaError('INVALID_ARGS_ENCODING', 'arguments must be one JSON object of named arguments');
  }
  return value as Record<string, unknown>;
}

export interface NewProposalOptions {
  readonly channel: string;
  readonly contract: string;
  readonly fn: string;
  readonly args?: unknown;
  readonly creator: Uint8Array;
  readonly transient?: TransientMap;
  readonly timestamp?: number;
  readonly nonce?: Uint8Array;
}

/**
 * Builds proposal bytes for the creator to sign.
 *
 * @example
 * const { bytes, txId } = newProposal({ channel: 'telecom', contract: 'asset', fn: 'create', args: { id: 'a1' }, creator });
 * const signature = await signer(bytes);
 */
export function newProposal(opts: Readonly<NewProposalOptions>): { bytes: Uint8Array; txId: string } {
  const nonce = opts.nonce ?? new Uint8Array(randomBytes(24));
  const txId = computeTxId(nonce, opts.creator);
  // tx_id is left out: it is SHA-256(nonce ‖ creator), which every reader derives (64 bytes less in
  // every stored transaction).
  const proposal = create(ProposalSchema, {
    channel: opts.channel,
    timestamp: toUint64(opts.timestamp ?? Date.now(), 'proposal timestamp'),
    nonce,
    creator: opts.creator,
    contract: opts.contract,
    function: opts.fn,
    args: encodeArgs(opts.args),
    transientHash: transientHash(opts.transient),
  });
  return { bytes: toBinary(ProposalSchema, proposal), txId };
}

/**
 * Decodes proposal bytes and checks their internal consistency (txId, creator). The txId is
 * SHA-256(nonce ‖ creator); a proposal may carry it (as earlier clients wrote) and then it must
 * match.
 */
export function parseProposal(bytes: Uint8Array): ParsedProposal {
  const p: Proposal = decodeMessage(ProposalSchema, bytes, 'proposal');
  if (!p.channel || !p.contract || !p.function) {
    throw new ConsortiaError(
      'MALFORMED_MESSAGE',
      'the proposal must name a channel, a contract and a function',
    );
  }
  if (p.nonce.byteLength < 8)
    throw new ConsortiaError('MALFORMED_MESSAGE', 'the proposal nonce is too short');
  const creator = decodeIdentity(p.creator);
  const txId = computeTxId(p.nonce, p.creator);
  if (p.txId !== '' && p.txId !== txId) {
    throw new ConsortiaError('BAD_TXID', 'the transaction id is not SHA-256(nonce ‖ creator)', {
      txId: p.txId,
    });
  }
  return {
    bytes,
    hash: sha256(bytes),
    channel: p.channel,
    txId,
    timestamp: toSafeNumber(p.timestamp, 'proposal timestamp'),
    nonce: p.nonce,
    creatorBytes: p.creator,
    creator,
    contract: p.contract,
    fn: p.function,
    argsBytes: p.args,
    transientHash: p.transientHash,
  };
}

/** Encodes a signed proposal with its transient data (which is bound by hash, not signed over). */
export function encodeSignedProposal(
  proposal: Uint8Array,
  signature: Uint8Array,
  transient?: TransientMap,
): Uint8Array {
  const entries = transient
    ? [...transient].map(([key, value]) => create(TransientEntrySchema, { key, value }))
    : [];
  return toBinary(
    SignedProposalSchema,
    create(SignedProposalSchema, { proposal, signature, transient: entries }),
  );
}

/** Decodes a signed proposal and checks the transient data against the signed hash. */
export function parseSignedProposal(bytes: Uint8Array): {
  proposal: ParsedProposal;
  signature: Uint8Array;
  transient: Map<string, Uint8Array>;
} {
  const sp = decodeMessage(SignedProposalSchema, bytes, 'signed proposal');
  const proposal = parseProposal(sp.proposal);
  const transient = new Map(sp.transient.map((e) => [e.key, e.value] as const));
  if (transient.size !== sp.transient.length) {
    throw new ConsortiaError('MALFORMED_MESSAGE', 'the transient data has a key more than once', {
      txId: proposal.txId,
    });
  }
  if (!bytesEqual(transientHash(transient), proposal.transientHash)) {
    throw new ConsortiaError(
      'MALFORMED_MESSAGE',
      'the transient data does not match the hash the creator signed',
      {
        txId: proposal.txId,
        expected: toHex(proposal.transientHash),
      },
    );
  }
  return { proposal, signature: sp.signature, transient };
}
