import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LedgerStorage } from '../../ledger/index.js';

/** Bytes a directory tree holds: file sizes, and the blocks the file system allocated. */
export interface DiskUsage {
  /** Sum of file sizes (what `du --apparent-size` reports). */
  readonly bytes: number;
  /** Sum of allocated blocks × 512 (what `du` reports; LMDB files may be sparse). */
  readonly allocatedBytes: number;
  readonly files: number;
}

/**
 * The disk usage of every regular file under `dir` (symbolic links are not followed). A
 * missing directory counts as empty.
 *
 * @example
 * diskUsage('data/TelcoA/peer0/ledgers/telecom').bytes
 */
export function diskUsage(dir: string): DiskUsage {
  let bytes = 0;
  let allocatedBytes = 0;
  let files = 0;
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) {
        bytes += st.size;
        allocatedBytes += st.blocks * 512;
        files++;
      }
    }
  };
  walk(dir);
  return { bytes, allocatedBytes, files };
}

/**
 * The directory of a peer's ledger of one channel, from the peer's node directory.
 *
 * @example
 * peerLedgerDir('data/TelcoA/peer0', 'telecom') // 'data/TelcoA/peer0/ledgers/telecom'
 */
export function peerLedgerDir(nodeDir: string, channel: string): string {
  return join(nodeDir, 'ledgers', channel);
}

/**
 * How much each store of a ledger grew per transaction between two `Ledger.storageBytes()`
 * readings, rounded to whole bytes: `blockFiles`, each index table, `indexFree` and `other`.
 * Stores that did not change are left out; a store can shrink (LMDB reuses free pages).
 *
 * @example
 * storageGrowthPerTx(before, after, 7000) // { blockFiles: 481, state: 169, txIndex: 46, indexFree: 20 }
 */
export function storageGrowthPerTx(
  before: LedgerStorage,
  after: LedgerStorage,
  txs: number,
): Record<string, number> {
  const flat = (s: LedgerStorage): Record<string, number> => ({
    blockFiles: s.blockFiles,
    ...s.indexTables,
    indexFree: s.indexFree,
    other: s.other,
  });
  const a = flat(after);
  const b = flat(before);
  const out: Record<string, number> = {};
  if (txs <= 0) return out;
  for (const [store, bytes] of Object.entries(a)) {
    const perTx = Math.round((bytes - (b[store] ?? 0)) / txs);
    if (perTx !== 0) out[store] = perTx;
  }
  return out;
}
