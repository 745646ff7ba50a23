/** Codes thrown by the roaming SDK helpers (src/gateway/roaming). */
export const RoamingErrorCodes = {
  /** A Merkle path is not a list of `{ sibling: 64 hex, left: boolean }` steps. */
  MALFORMED_MERKLE_PATH: 'MALFORMED_MERKLE_PATH',
  /** A record and its path do not lead to the batch's Merkle root: the record was altered or is not in the batch. */
  RECORD_NOT_IN_BATCH: 'RECORD_NOT_IN_BATCH',
  /** The records of a batch do not hash to its Merkle root: one was altered, added, dropped or moved. */
  BATCH_ROOT_MISMATCH: 'BATCH_ROOT_MISMATCH',
  /** A usage record does not have the shape the roaming contract accepts. */
  INVALID_USAGE_RECORD: 'INVALID_USAGE_RECORD',
  /** An IMSI is not 6 to 15 decimal digits. */
  INVALID_IMSI: 'INVALID_IMSI',
} as const;

export type RoamingErrorCode = (typeof RoamingErrorCodes)[keyof typeof RoamingErrorCodes];
