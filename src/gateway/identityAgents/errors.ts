/** Codes thrown by the identity agents (DIDs, DID-Auth, credentials, use-case-6 messages, IoT trust). */
export const IdentityAgentErrorCodes = {
  /** A DID is not `did:consortia:` followed by 32 lowercase hex characters. */
  DID_MALFORMED: 'DID_MALFORMED',
  /** A DID document breaks a rule of the method (ids, key references, key material). */
  DID_DOCUMENT_INVALID: 'DID_DOCUMENT_INVALID',
  /** The operations recorded for a DID do not form a chain signed by its own keys. */
  DID_HISTORY_INVALID: 'DID_HISTORY_INVALID',
  /** The DID is deactivated: its keys prove nothing any more. */
  DID_DEACTIVATED: 'DID_DEACTIVATED',
  /** A local DID was asked to do something its state does not allow (e.g. rotate after deactivation). */
  DID_STATE: 'DID_STATE',
  /** The signing key is not in the verification relationship the proof needs. */
  KEY_NOT_AUTHORISED: 'KEY_NOT_AUTHORISED',
  /** A proof is not a well-formed detached ES256 JWS. */
  PROOF_MALFORMED: 'PROOF_MALFORMED',
  /** A signature does not verify: the signed data was changed, or another key signed it. */
  PROOF_INVALID: 'PROOF_INVALID',
  /** A credential's proof was made by a key of another DID than its issuer. */
  PROOF_ISSUER_MISMATCH: 'PROOF_ISSUER_MISMATCH',
  /** A challenge nonce was never issued by this verifier. */
  CHALLENGE_UNKNOWN: 'CHALLENGE_UNKNOWN',
  /** A challenge nonce was already used once. */
  CHALLENGE_REPLAYED: 'CHALLENGE_REPLAYED',
  /** A challenge expired before the response arrived. */
  CHALLENGE_EXPIRED: 'CHALLENGE_EXPIRED',
  /** A response was made for another domain than the verifier's. */
  CHALLENGE_DOMAIN_MISMATCH: 'CHALLENGE_DOMAIN_MISMATCH',
  /** A DID-Auth response does not have the expected shape. */
  DIDAUTH_RESPONSE_MALFORMED: 'DIDAUTH_RESPONSE_MALFORMED',
  /** A Verifiable Credential does not have the expected shape. */
  CREDENTIAL_MALFORMED: 'CREDENTIAL_MALFORMED',
  /** The credential is not of the type the verifier asked for. */
  CREDENTIAL_TYPE_MISMATCH: 'CREDENTIAL_TYPE_MISMATCH',
  /** The credential's issuer is not one the verifier trusts. */
  ISSUER_NOT_TRUSTED: 'ISSUER_NOT_TRUSTED',
  /** The credential's validFrom is in the future. */
  CREDENTIAL_NOT_YET_VALID: 'CREDENTIAL_NOT_YET_VALID',
  /** The credential's validUntil has passed. */
  CREDENTIAL_EXPIRED: 'CREDENTIAL_EXPIRED',
  /** The credential was never anchored in the ledger's status list. */
  CREDENTIAL_NOT_ANCHORED: 'CREDENTIAL_NOT_ANCHORED',
  /** The ledger's status entry does not match the credential (issuer, digest or registrant). */
  STATUS_MISMATCH: 'STATUS_MISMATCH',
  /** The issuer revoked the credential. */
  CREDENTIAL_REVOKED: 'CREDENTIAL_REVOKED',
  /** The issuer amended the credential: a newer one supersedes it. */
  CREDENTIAL_SUPERSEDED: 'CREDENTIAL_SUPERSEDED',
  /** A Verifiable Presentation does not have the expected shape. */
  PRESENTATION_MALFORMED: 'PRESENTATION_MALFORMED',
  /** A presented credential is about someone other than the presentation's holder. */
  HOLDER_MISMATCH: 'HOLDER_MISMATCH',
  /** A use-case-6 message does not match its schema; the detail names the failing path. */
  MESSAGE_INVALID: 'MESSAGE_INVALID',
  /** A message that must be signed carries no proof. */
  MESSAGE_UNSIGNED: 'MESSAGE_UNSIGNED',
  /** No access was granted under that permission (or to that party). */
  ACCESS_NOT_GRANTED: 'ACCESS_NOT_GRANTED',
  /** The access permission timed out. */
  ACCESS_EXPIRED: 'ACCESS_EXPIRED',
  /** The holder retracted the access permission. */
  ACCESS_RETRACTED: 'ACCESS_RETRACTED',
  /** The request asks for more than the permission grants. */
  ACCESS_SCOPE_EXCEEDED: 'ACCESS_SCOPE_EXCEEDED',
  /** The wallet holds no credential that answers the request. */
  NO_MATCHING_CREDENTIAL: 'NO_MATCHING_CREDENTIAL',
  /** A reputation policy does not match its schema. */
  POLICY_INVALID: 'POLICY_INVALID',
  /** The attestation list given to the reputation evaluation is malformed. */
  ATTESTATIONS_INVALID: 'ATTESTATIONS_INVALID',
  /** A device id is not an RFC 9039 device URN. */
  DEVICE_ID_MALFORMED: 'DEVICE_ID_MALFORMED',
} as const;

export type IdentityAgentErrorCode = (typeof IdentityAgentErrorCodes)[keyof typeof IdentityAgentErrorCodes];
