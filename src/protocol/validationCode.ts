/**
 * Validation codes a committing peer assigns to each transaction of a block. They are stored as
 * one byte per transaction in the block metadata, so the numbers are part of the format.
 */
export const ValidationCode = {
  VALID: 0,
  DUPLICATE_TXID: 1,
  BAD_CREATOR: 2,
  BAD_SIGNATURE: 3,
  ENDORSEMENT_POLICY_FAILURE: 4,
  MVCC_READ_CONFLICT: 5,
  PHANTOM_READ_CONFLICT: 6,
  BAD_PAYLOAD: 7,
  BAD_TXID: 8,
  WRONG_CHANNEL: 9,
  UNKNOWN_CONTRACT: 10,
  BAD_RESPONSE: 11,
  INVALID_CONFIG: 12,
  EXPIRED_CHAINCODE: 13,
  /** A private data write the collection does not allow (member-only write, unknown collection). */
  COLLECTION_POLICY_FAILURE: 14,
  NOT_VALIDATED: 255,
} as const;

export type ValidationCodeName = keyof typeof ValidationCode;
export type ValidationCodeValue = (typeof ValidationCode)[ValidationCodeName];

const NAMES = new Map<number, ValidationCodeName>(
  Object.entries(ValidationCode).map(([k, v]) => [v, k as ValidationCodeName]),
);

/** The name of a validation code byte, e.g. 5 → 'MVCC_READ_CONFLICT'. */
export function validationCodeName(code: number): ValidationCodeName | `UNKNOWN_${number}` {
  return NAMES.get(code) ?? `UNKNOWN_${code}`;
}
