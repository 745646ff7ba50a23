import { bytesEqual, ConsortiaError, isConsortiaError } from '../common/index.js';
import { sha256 } from '../crypto/index.js';
import {
  decodeIdentity,
  type ParsedBlock,
  type ParsedTx,
  parseEnvelope,
  ValidationCode,
} from '../protocol/index.js';
import { LedgerErrorCodes } from './errors.js';
import { stateKey, txIdKey } from './keys.js';
import { PrivateBatch } from './privateBatch.js';

/** A state change: a put of `value`, or a delete when `value` is undefined. */
export interface StateWrite {
  readonly sKey: Buffer;
  readonly tx: number;
  readonly value: Uint8Array | undefined;
}

/** A key-level endorsement policy change; an empty policy clears it. */
export interface PolicyWrite {
  readonly sKey: Buffer;
  readonly policy: string;
}

export interface TxIdEntry {
  readonly key: Buffer;
  readonly tx: number;
  readonly code: number;
}

/** Everything one block changes in the index, worked out before anything is written. */
export interface PreparedBlock {
  readonly number: number;
  readonly hash: Uint8Array;
  readonly writes: readonly StateWrite[];
  readonly policies: readonly PolicyWrite[];
  readonly txIds: readonly TxIdEntry[];
  /** Bytes of the channel config set by the last valid config transaction of the block. */
  readonly config: Uint8Array | undefined;
  /** Hashed writes of private data collections (and, once staged, member peers' values). */
  readonly private: PrivateBatch;
  /**
   * Certificates the block carries in full (creators and endorsers of every transaction that
   * parses, valid or not), by SHA-256: from the next block on, identities may name them by hash.
   */
  readonly certificates: ReadonlyMap<string, Uint8Array>;
}

/** Adds the certificate of identity bytes that carry one in full. */
function collectCertificate(out: Map<string, Uint8Array>, identityBytes: Uint8Array): void {
  let cert: Uint8Array;
  try {
    cert = decodeIdentity(identityBytes).cert;
  } catch {
    return;
  }
  if (cert.byteLength === 0) return;
  const hash = Buffer.from(sha256(cert)).toString('hex');
  if (!out.has(hash)) out.set(hash, cert);
}

function txAt(
  block: ParsedBlock,
  txs: readonly (ParsedTx | undefined)[] | undefined,
  i: number,
): ParsedTx | undefined {
  const envelope = block.envelopes[i]!;
  const given = txs?.[i];
  if (given !== undefined) {
    if (given.envelopeBytes !== envelope && !bytesEqual(given.envelopeBytes, envelope)) {
      throw new ConsortiaError(
        LedgerErrorCodes.LEDGER_BAD_BLOCK,
        `block ${block.number}: the parsed transaction ${i} does not match its envelope; pass the transactions in block order`,
        { block: block.number, tx: i },
      );
    }
    return given;
  }
  try {
    return parseEnvelope(envelope);
  } catch {
    // An envelope that does not parse has no writes and no transaction id to index.
    return undefined;
  }
}

function keyOf(block: ParsedBlock, tx: number, ns: string, key: string): Buffer {
  try {
    return stateKey(ns, key);
  } catch (err) {
    if (isConsortiaError(err)) {
      throw new ConsortiaError(
        err.code,
        `block ${block.number} transaction ${tx}: ${err.message}; the validator must mark such a transaction invalid`,
        { ...err.detail, block: block.number, tx },
      );
    }
    throw err;
  }
}

/**
 * Works out what committing `block` changes, from its validation codes: the writes and key-level
 * policies of valid endorser transactions, the config of valid config transactions, and every
 * transaction id. Parses the envelopes not given in `txs`. Throws LEDGER_BAD_BLOCK or
 * LEDGER_INVALID_KEY before anything is written when the block cannot be stored as it is.
 */
export function prepareBlock(block: ParsedBlock, txs?: readonly (ParsedTx | undefined)[]): PreparedBlock {
  const codes = block.validationCodes;
  if (codes.byteLength !== block.envelopes.length) {
    throw new ConsortiaError(
      LedgerErrorCodes.LEDGER_BAD_BLOCK,
      `block ${block.number} has ${codes.byteLength} validation codes for ${block.envelopes.length} transactions; validate it before committing`,
      { block: block.number },
    );
  }
  const writes: StateWrite[] = [];
  const policies: PolicyWrite[] = [];
  const txIds: TxIdEntry[] = [];
  let config: Uint8Array | undefined;
  const pvt = new PrivateBatch();
  const certificates = new Map<string, Uint8Array>();
  for (let i = 0; i < block.envelopes.length; i++) {
    const tx = txAt(block, txs, i);
    if (tx === undefined) continue;
    collectCertificate(certificates, tx.creatorBytes);
    if (tx.type === 'endorser') for (const e of tx.endorsements) collectCertificate(certificates, e.endorser);
    const code = codes[i]!;
    txIds.push({ key: txIdKey(tx.txId), tx: i, code });
    if (code !== ValidationCode.VALID) continue;
    if (tx.type === 'config') {
      config = tx.config.config;
      continue;
    }
    for (const ns of tx.responsePayload.results?.ns ?? []) {
      for (const w of ns.writes) {
        writes.push({
          sKey: keyOf(block, i, ns.namespace, w.key),
          tx: i,
          value: w.isDelete ? undefined : w.value,
        });
      }
      for (const p of ns.keyPolicies) {
        policies.push({ sKey: keyOf(block, i, ns.namespace, p.key), policy: p.policy });
      }
      if (ns.collections.length > 0) pvt.add(i, ns);
    }
  }
  return {
    number: block.number,
    hash: block.hash,
    writes,
    policies,
    txIds,
    config,
    private: pvt,
    certificates,
  };
}
