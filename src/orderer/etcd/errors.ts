/** Codes of the etcd ordering service (checks shared with the solo orderer keep theirs). */
export const EtcdOrdererErrorCodes = {
  /** A client sends faster than its limit, or has too many envelopes waiting: retry later. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** etcd (or the orderer's link to it) is unavailable: retry, or use another orderer. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** A log entry is not one this version wrote; every orderer skips it alike. */
  MALFORMED_LOG_ENTRY: 'MALFORMED_LOG_ENTRY',
  /** A block rebuilt from the log differs from the stored one: the orderer stops the channel. */
  ORDERER_DIVERGED: 'ORDERER_DIVERGED',
  /** The channel's genesis block does not name etcd ordering. */
  INVALID_CONFIG: 'INVALID_CONFIG',
} as const;
