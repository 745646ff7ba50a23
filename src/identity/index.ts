export type { RevokedRecord } from './caInit.js';
export { splitPemBundle } from './certEncoding.js';
export { CertificateAuthority, type EnrollOptions, type IssuedRecord } from './certificateAuthority.js';
export { type IdentityErrorCode, IdentityErrorCodes } from './errors.js';
export { IDENTITY_EXTENSION_OID } from './identityExtension.js';
export { DEFAULT_MSP_CACHE_SIZE, Msp } from './msp.js';
export { MspManager } from './mspManager.js';
export { parseIdentityCert } from './parseIdentityCert.js';
export {
  type EnrolledIdentity,
  type ExtKeyUsage,
  type IdentityCertInfo,
  isRole,
  type MspConfig,
  type RevocationReason,
  ROLES,
  type Role,
  type ValidatedIdentity,
  type ValidateOptions,
} from './types.js';
