/** Codes thrown by src/crypto. */
export const CryptoErrorCodes = {
  /** A key could not be parsed, or is not the kind of key the operation needs (P-256, 32-byte AES). */
  BAD_KEY: 'BAD_KEY',
  /** AES-GCM or ECIES decryption failed: wrong key, or altered or truncated ciphertext. */
  DECRYPTION_FAILED: 'DECRYPTION_FAILED',
  /** eciesDecrypt: the key is not one of the ciphertext's recipients. */
  NOT_A_RECIPIENT: 'NOT_A_RECIPIENT',
  /** eciesEncrypt: not between 1 and 255 recipients. */
  BAD_RECIPIENTS: 'BAD_RECIPIENTS',
  /** merklePath: the leaf index is not an integer within the leaves. */
  BAD_MERKLE_INDEX: 'BAD_MERKLE_INDEX',
} as const;
