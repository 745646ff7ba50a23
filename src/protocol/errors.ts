export const ProtocolErrorCodes = {
  MALFORMED_MESSAGE: 'MALFORMED_MESSAGE',
  INVALID_CONFIG: 'INVALID_CONFIG',
  INVALID_ARGS_ENCODING: 'INVALID_ARGS_ENCODING',
  /** The transaction id is not hex SHA-256(nonce ‖ creator bytes). */
  BAD_TXID: 'BAD_TXID',
  /** A block's envelopes do not hash to the data hash in its header. */
  BLOCK_DATA_HASH_MISMATCH: 'BLOCK_DATA_HASH_MISMATCH',
} as const;
