export { type LedgerErrorCode, LedgerErrorCodes } from './errors.js';
export { MAX_STATE_KEY_BYTES } from './keys.js';
export { Ledger, type LedgerOptions } from './ledger.js';
export type { MissingPrivateData } from './privateBatch.js';
export {
  type BlockCollectionValues,
  type BlockPrivateData,
  type PrivateEntry,
  PrivateStore,
  type ReconciledValue,
} from './privateStore.js';
export { PRIVATE_DIR, VALUES_FILE } from './privateValueFile.js';
export { type BlockFileRecord, type ReadBlockFilesOptions, readBlockFiles } from './readBlockFiles.js';
export type {
  HistoryEntry,
  LedgerStorage,
  RecoveryReport,
  StateEntry,
  StateReader,
  TxLocation,
  VersionRef,
} from './types.js';
