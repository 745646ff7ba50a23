/**
 * Codes of proof bundle export and offline verification. Each names what failed, so a user (or
 * a court, decades later) can tell a malformed file from a forged or tampered one.
 */
export const ProofErrorCodes = {
  /** The file is not JSON (or not UTF-8). */
  BUNDLE_NOT_JSON: 'BUNDLE_NOT_JSON',
  /** The file is JSON but not a proof bundle of a format this verifier reads. */
  BUNDLE_FORMAT_UNSUPPORTED: 'BUNDLE_FORMAT_UNSUPPORTED',
  /** A required field is missing or has the wrong type; `detail.field` names it. */
  BUNDLE_MALFORMED: 'BUNDLE_MALFORMED',
  /** A field that must hold base64 does not; `detail.field` names it. */
  BUNDLE_BAD_BASE64: 'BUNDLE_BAD_BASE64',
  /** The block header bytes do not decode, or disagree with the bundle's block number or channel. */
  PROOF_BLOCK_HEADER_INVALID: 'PROOF_BLOCK_HEADER_INVALID',
  /** The envelope, hashed as a leaf and combined along the path, does not give the header's data hash. */
  PROOF_INCLUSION_FAILED: 'PROOF_INCLUSION_FAILED',
  /** The envelope bytes do not decode as a transaction (or its id is not SHA-256(nonce ‖ creator)). */
  PROOF_ENVELOPE_MALFORMED: 'PROOF_ENVELOPE_MALFORMED',
  /** The transaction is not the one the bundle names, or is on another channel. */
  PROOF_TX_MISMATCH: 'PROOF_TX_MISMATCH',
  /** The peer that exported the bundle recorded a validation code other than VALID. */
  PROOF_TX_NOT_VALID: 'PROOF_TX_NOT_VALID',
  /** The configuration part is not a valid channel configuration in force at the transaction's block. */
  PROOF_CONFIG_INVALID: 'PROOF_CONFIG_INVALID',
  /** Too few block signatures by valid orderers of distinct ordering orgs. */
  PROOF_ORDERER_SIGNATURE_INVALID: 'PROOF_ORDERER_SIGNATURE_INVALID',
  /** The creator's certificate is not a valid member (chain, validity at block time, CRL, Writers policy). */
  PROOF_CREATOR_INVALID: 'PROOF_CREATOR_INVALID',
  /** The creator's signature over the envelope payload does not verify. */
  PROOF_CREATOR_SIGNATURE_INVALID: 'PROOF_CREATOR_SIGNATURE_INVALID',
  /** The endorsed response is for another proposal, not a success, or of another contract version. */
  PROOF_RESPONSE_INVALID: 'PROOF_RESPONSE_INVALID',
  /** The transaction's contract is not defined in the channel configuration. */
  PROOF_UNKNOWN_CONTRACT: 'PROOF_UNKNOWN_CONTRACT',
  /** An endorser's certificate is not a valid peer of its org at block time. */
  PROOF_ENDORSER_INVALID: 'PROOF_ENDORSER_INVALID',
  /** An endorsement signature does not verify. */
  PROOF_ENDORSEMENT_SIGNATURE_INVALID: 'PROOF_ENDORSEMENT_SIGNATURE_INVALID',
  /** The endorsements do not satisfy the contract's endorsement policy. */
  PROOF_POLICY_NOT_SATISFIED: 'PROOF_POLICY_NOT_SATISFIED',
  /** A root CA the proof relies on is not among the fingerprints the verifier was told to trust. */
  PROOF_UNTRUSTED_ROOT: 'PROOF_UNTRUSTED_ROOT',
  /** Export: the channel has no such transaction. */
  UNKNOWN_TRANSACTION: 'UNKNOWN_TRANSACTION',
  /** Export: only valid endorser (contract) transactions can be exported. */
  PROOF_NOT_EXPORTABLE: 'PROOF_NOT_EXPORTABLE',
  /** Export: the data dir has no peer ledger of that channel. */
  PROOF_SOURCE_NOT_FOUND: 'PROOF_SOURCE_NOT_FOUND',
} as const;

export type ProofErrorCode = (typeof ProofErrorCodes)[keyof typeof ProofErrorCodes];
