import { describe, expect, it } from 'vitest';
import type { LedgerStorage } from '../../ledger/index.js';
import { storageGrowthPerTx } from './diskUsage.js';

const storage = (blockFiles: number, state: number, history: number, indexFree: number): LedgerStorage => ({
  blockFiles,
  indexTables: { state, history, txIndex: 4096 },
  indexFree,
  other: 8272,
});

describe('storageGrowthPerTx', () => {
  it('gives each store growth per transaction, leaving out the ones that did not change', () => {
    const before = storage(100_000, 8192, 4096, 40_960);
    const after = storage(580_000, 176_128, 4096, 20_480);
    expect(storageGrowthPerTx(before, after, 1000)).toEqual({ blockFiles: 480, state: 168, indexFree: -20 });
  });

  it('is empty without transactions', () => {
    expect(storageGrowthPerTx(storage(1, 1, 1, 1), storage(2, 2, 2, 2), 0)).toEqual({});
  });
});
