/** The version of a state entry: the block and the transaction (index in its block) that wrote it. */
export interface VersionRef {
  readonly block: number;
  readonly tx: number;
}

/** One world-state entry of a namespace. */
export interface StateEntry {
  readonly key: string;
  readonly value: Uint8Array;
  readonly version: VersionRef;
}

/** One change of a key, as kept in the history index. */
export interface HistoryEntry {
  readonly blockNumber: number;
  readonly txIndex: number;
  readonly txId: string;
  /** The proposal timestamp (ms since epoch) of the transaction that made the change. */
  readonly timestamp: number;
  readonly isDelete: boolean;
  /** The value written; absent for deletes. */
  readonly value?: Uint8Array;
}

/** Where a transaction id was first seen, with the validation code it got there. */
export interface TxLocation {
  readonly blockNumber: number;
  readonly txIndex: number;
  readonly validationCode: number;
}

/** What the simulator and validator read; `Ledger` implements it. */
export interface StateReader {
  /** The current entry of `key` in namespace `ns`, or undefined when it does not exist. */
  getState(ns: string, key: string): StateEntry | undefined;
  /**
   * Entries of `ns` with `startKey <= key < endKey`, sorted by the UTF-8 bytes of the key. An empty
   * `endKey` reads to the end of the namespace.
   */
  rangeState(ns: string, startKey: string, endKey: string): Iterable<StateEntry>;
  /** The key-level endorsement policy of `key`, or undefined when it has none. */
  getKeyPolicy(ns: string, key: string): string | undefined;
}

/** Bytes a ledger takes on disk, by store (`Ledger.storageBytes`). */
export interface LedgerStorage {
  /** The segment files. */
  readonly blockFiles: number;
  /** LMDB pages in use, by index table (state, history, txIndex, …). */
  readonly indexTables: Readonly<Record<string, number>>;
  /** The rest of the index file: free pages and LMDB's own. */
  readonly indexFree: number;
  /** Everything else in the ledger directory (private data values, lock files). */
  readonly other: number;
}

/** What `Ledger.open` found and repaired. */
export interface RecoveryReport {
  /** Blocks that were in the block store but not yet in the state, and were applied again. */
  readonly replayedBlocks: number[];
  /** Bytes of a partly written last record that were cut off the last segment file. */
  readonly truncatedBytes: number;
}
