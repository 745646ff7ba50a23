import { join } from 'node:path';
import type { LedgerStorage } from '../../ledger/index.js';

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
