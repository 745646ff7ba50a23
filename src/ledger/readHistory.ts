import type { Database } from 'lmdb';
import { ConsortiaError } from '../common/index.js';
import { type ParsedBlock, parseBlock, parseEnvelope } from '../protocol/index.js';
import { LedgerErrorCodes } from './errors.js';
import { decodeVersion, stateKey, VERSION_BYTES } from './keys.js';
import type { HistoryEntry, VersionRef } from './types.js';

export interface ReadHistoryOptions {
  readonly history: Database<Buffer, Buffer>;
  /** The state, whose entry for the key names its live version. */
  readonly state: Database<Buffer, Buffer>;
  readonly ns: string;
  readonly key: string;
  readonly getBlock: (n: number) => Uint8Array | undefined;
  /** Named in LEDGER_CORRUPT when the index and the blocks disagree. */
  readonly indexFile: string;
}

interface KeyVersion extends VersionRef {
  readonly isDelete: boolean;
}

/**
 * The versions of one key, oldest first, read in one LMDB read transaction: the history index
 * holds the replaced versions and the deletes, the state entry the live version. (Ledgers written
 * before the live version left the history have it in both; it is listed once.)
 */
function keyVersions(opts: Readonly<ReadHistoryOptions>): KeyVersion[] {
  const sKey = stateKey(opts.ns, opts.key);
  const prefix = Buffer.concat([sKey, Buffer.of(0)]);
  const end = Buffer.concat([sKey, Buffer.of(1)]);
  const transaction = opts.history.useReadTransaction();
  try {
    const out: KeyVersion[] = [];
    for (const { key: hKey, value } of opts.history.getRange({ start: prefix, end, transaction })) {
      // Longer keys belong to another key that starts with `key` followed by U+0000.
      if (hKey.byteLength !== prefix.byteLength + VERSION_BYTES) continue;
      out.push({ ...decodeVersion(hKey.subarray(prefix.byteLength)), isDelete: value[0] === 1 });
    }
    const stored = opts.state.get(sKey, { transaction });
    if (stored !== undefined) {
      const live = decodeVersion(stored);
      const last = out.at(-1);
      if (last === undefined || last.block !== live.block || last.tx !== live.tx) {
        out.push({ ...live, isDelete: false });
      }
    }
    return out;
  } finally {
    transaction.done();
  }
}

/**
 * The history of one key, oldest first: the index gives (block, tx, delete flag) and the values,
 * tx ids and timestamps are read back from the stored blocks.
 */
export function readHistory(opts: Readonly<ReadHistoryOptions>): HistoryEntry[] {
  const { ns, key } = opts;
  const mismatch = (n: number) =>
    new ConsortiaError(
      LedgerErrorCodes.LEDGER_CORRUPT,
      `the history index names block ${n}, which does not hold that write; rebuild the index`,
      { file: opts.indexFile, block: n },
    );
  const out: HistoryEntry[] = [];
  let cached: { n: number; block: ParsedBlock } | undefined;
  for (const v of keyVersions(opts)) {
    if (cached?.n !== v.block) {
      const bytes = opts.getBlock(v.block);
      if (bytes === undefined) throw mismatch(v.block);
      cached = { n: v.block, block: parseBlock(bytes) };
    }
    const envelope = cached.block.envelopes[v.tx];
    const tx = envelope === undefined ? undefined : parseEnvelope(envelope);
    if (tx?.type !== 'endorser') throw mismatch(v.block);
    const entry = {
      blockNumber: v.block,
      txIndex: v.tx,
      txId: tx.txId,
      timestamp: tx.proposal.timestamp,
      isDelete: v.isDelete,
    };
    if (v.isDelete) {
      out.push(entry);
      continue;
    }
    // The flag is that of the transaction's last write of the key, so its value is the last put.
    let written: Uint8Array | undefined;
    for (const nsSet of tx.responsePayload.results?.ns ?? []) {
      if (nsSet.namespace !== ns) continue;
      for (const w of nsSet.writes) if (w.key === key && !w.isDelete) written = w.value;
    }
    if (written === undefined) throw mismatch(v.block);
    out.push({ ...entry, value: written });
  }
  return out;
}
