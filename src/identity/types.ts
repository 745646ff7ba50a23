import type { KeyObject } from 'node:crypto';

/** The role an identity is enrolled with. It is carried in the certificate (extension and OU). */
export type Role = 'admin' | 'peer' | 'orderer' | 'client';

/** Every role, in a stable order. */
export const ROLES: readonly Role[] = Object.freeze(['admin', 'peer', 'orderer', 'client'] as const);

/** True when `value` is one of {@link ROLES}. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Extended key usages a CA can put in a certificate (for TLS certificates). */
export type ExtKeyUsage = 'serverAuth' | 'clientAuth';

/** Revocation reasons a CA records. */
export type RevocationReason = 'keyCompromise' | 'superseded' | 'cessationOfOperation' | 'unspecified';

/** An identity a CA has just issued: the certificate and, when the CA generated it, the key. */
export interface EnrolledIdentity {
  /** Org name, e.g. `'TelcoA'`. */
  readonly mspId: string;
  /** Identity name, e.g. `'admin'`, `'user1'`, `'peer0'`. */
  readonly name: string;
  readonly role: Role;
  readonly attributes: Readonly<Record<string, string>>;
  readonly certPem: string;
  readonly certDer: Uint8Array;
  /** Certificate serial number, lowercase hex. */
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** PKCS#8 PEM; present only when the CA generated the key pair. */
  readonly privateKeyPem?: string;
}

/** The result of MSP validation. It is cached and shared, so it is immutable. */
export interface ValidatedIdentity {
  readonly mspId: string;
  readonly name: string;
  readonly role: Role;
  readonly attributes: Readonly<Record<string, string>>;
  /** Stable string id: `${mspId}::${name}::${serial}`. */
  readonly id: string;
  /** SHA-256 (hex) of the certificate DER. */
  readonly certHash: string;
  readonly serial: string;
  /** The certificate's public key, parsed once. */
  readonly publicKey: KeyObject;
  readonly notAfter: Date;
}

/** What an identity certificate says about its holder, as {@link parseIdentityCert} reads it. */
export interface IdentityCertInfo {
  readonly mspId: string;
  readonly name: string;
  readonly role: Role;
  readonly attributes: Readonly<Record<string, string>>;
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Options of `Msp.validate`. */
export interface ValidateOptions {
  /** Required role; `'member'` accepts any role. */
  readonly role?: Role | 'member';
  /** The time at which the certificate must be valid (default: now). */
  readonly at?: Date;
}

/** The trust configuration of one org. Certificates are PEM; CRLs are PEM or DER. */
export interface MspConfig {
  readonly mspId: string;
  readonly rootCerts: readonly string[];
  readonly intermediateCerts?: readonly string[];
  readonly crls?: readonly (string | Uint8Array)[];
}
