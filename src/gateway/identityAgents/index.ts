export { type Challenge, ChallengeIssuer, type ChallengeIssuerOptions } from './challenges.js';
export type { CredentialStatusRecord, CredentialStatusSource, RevocationCode } from './credentialStatus.js';
export { CredentialStatusClient, type CredentialStatusClientOptions } from './credentialStatusClient.js';
export {
  type ClaimValue,
  CONSORTIA_PROOF_TYPE,
  CONSORTIA_STATUS_TYPE,
  type ConsortiaProof,
  credentialDigest,
  credentialSchema,
  type IssueCredentialOptions,
  issueCredential,
  statusIdOf,
  VC_CONTEXT_V2,
  type VerifiableCredential,
  type VerifiedCredential,
  type VerifyCredentialOptions,
  verifyCredential,
} from './credentials.js';
export { assertDid, DID_METHOD_PREFIX, DID_PATTERN, didOfUrl, isDid } from './did.js';
export {
  type DidAuthResponse,
  respondToDidAuth,
  type VerifyDidAuthOptions,
  verifyDidAuth,
} from './didAuth.js';
export {
  DID_CONTEXT,
  type DidDocument,
  type DidOperationRecord,
  type DidRecord,
  type DidResolver,
  type DidService,
  didDocumentSchema,
  didOperationPayload,
  findKey,
  type LedgerIdentity,
  type ResolvedDid,
  type VerificationMethod,
  verifyDidOperations,
} from './didDocument.js';
export { DidRegistryClient, type DidRegistryClientOptions } from './didRegistryClient.js';
export { type IdentityAgentErrorCode, IdentityAgentErrorCodes } from './errors.js';
export { accessExpiresAt, HolderWallet, type HolderWalletOptions } from './holderWallet.js';
export {
  CLAIM_TYPES,
  type CountedAttestation,
  DEFAULT_CLAIM_POINTS,
  evaluateDeviceReputation,
  type IgnoredAttestation,
  type ReputationPolicy,
  type ReputationVerdict,
  reputationPolicySchema,
} from './iotReputation.js';
export {
  type AttesterRole,
  assertDeviceId,
  type ClaimType,
  DEVICE_ID_PATTERN,
  type DeviceAttestation,
  type DeviceClaim,
  IotTrustClient,
  type IotTrustClientOptions,
  type PostAttestationInput,
} from './iotTrustClient.js';
export {
  canonicalDigest,
  type DetachedProof,
  didFromJwk,
  jwkToPublicKey,
  type P256Jwk,
  publicKeyToJwk,
  signDetached,
  verifyDetached,
} from './jose.js';
export {
  InMemoryLedger,
  type InMemoryLedgerOptions,
  type LedgerCallOptions,
  type LedgerContract,
} from './ledgerContract.js';
export {
  type CreateDidOperation,
  type DeactivateDidOperation,
  LocalDid,
  type LocalDidOptions,
  type PreparedOperation,
  type ServiceEndpointInput,
  type UpdateDidOperation,
} from './localDid.js';
export { signMessage, verifyMessageSignature } from './messageProofs.js';
export {
  type AccessPermission,
  type AmendAttestation,
  ATTESTATION_FORMAT,
  type AttestationMessage,
  type AttestationMessageType,
  attestationMessageSchema,
  type DeliverAttestation,
  type DenyAccess,
  type DenyAttestation,
  type GrantAccess,
  MAX_ACCESS_TIMEOUT_SECONDS,
  MESSAGE_CONTEXTS,
  newMessageId,
  type OfferAttestation,
  type PreconditionsAttestation,
  type PresentAttestation,
  parseAttestationMessage,
  parseMessageOfType,
  type RequestAccess,
  type RequestAttestation,
  type RetractAccess,
  type RetrieveAttestations,
  type RevokeAttestation,
  type SignAttestation,
} from './messages.js';
export {
  type CreatePresentationOptions,
  createPresentation,
  presentationSchema,
  type VerifiablePresentation,
  type VerifyPresentationOptions,
  verifyPresentation,
} from './presentations.js';
