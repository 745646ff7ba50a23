import type { Database } from 'lmdb';
import { ConsortiaError } from '../common/index.js';
import { type ParsedBlock, parseBlock, parseEnvelope } from '../protocol/index.js';
import { LedgerErrorCodes } from './errors.js';
import { decodeVersion, stateKey, VERSION_BYTES } from './keys.js';
import type { HistoryEntry } from './types.js';

export interface ReadHistoryOptions {
  readonly history: Database<Buffer, Buffer>;
  readonly ns: string;
  readonly key: string;
  readonly getBlock: (n: number) => Uint8Array | undefined;
  /** Named in LEDGER_CORRUPT when the index and the blocks disagree. */
  readonly indexFile: string;
}

/**
 * The history of one key, oldest first: the history index gives (block, tx, delete flag) and the
 * values, tx ids and timestamps are read back from the stored blocks.
 */
export function readHistory(opts: Readonly<ReadHistoryOptions>): HistoryEntry[] {
  const { ns, key } = opts;
  const prefix = Buffer.concat([stateKey(ns, key), Buffer.of(0)]);
  const end = Buffer.concat([prefix.subarray(0, -1), Buffer.of(1)]);
  const mismatch = (n: number) =>
    new ConsortiaError(
      LedgerErrorCodes.LEDGER_CORRUPT,
      `the history index names block ${n}, which does not hold that write; rebuild the index`,
      { file: opts.indexFile, block: n },
    );
  const out: HistoryEntry[] = [];
  let cached: { n: number; block: ParsedBlock } | undefined;
  for (const { key: hKey, value } of opts.history.getRange({ start: prefix, end, snapshot: true })) {
    // Longer keys belong to another key that starts with `key` followed by U+0000.
    if (hKey.byteLength !== prefix.byteLength + VERSION_BYTES) continue;
    const v = decodeVersion(hKey.subarray(prefix.byteLength));
    if (cached?.n !== v.block) {
      const bytes = opts.getBlock(v.block);
      if (bytes === undefined) throw mismatch(v.block);
      cached = { n: v.block, block: parseBlock(bytes) };
    }
    const envelope = cached.block.envelopes[v.tx];
    const tx = envelope === undefined ? undefined : parseEnvelope(envelope);
    if (tx?.type !== 'endorser') throw mismatch(v.block);
    const isDelete = value[0] === 1;
    const entry = {
      blockNumber: v.block,
      txIndex: v.tx,
      txId: tx.txId,
      timestamp: tx.proposal.timestamp,
      isDelete,
    };
    if (isDelete) {
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
