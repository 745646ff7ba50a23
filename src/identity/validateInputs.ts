import type { KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { ConsortiaError } from '../common/index.js';
import { publicKeyFrom } from '../crypto/index.js';
import { IdentityErrorCodes } from './errors.js';
import { attributeProblem } from './identityExtension.js';
import { type ExtKeyUsage, isRole, type RevocationReason, ROLES, type Role } from './types.js';

/** MSP ids, identity names and CA common names. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const DNS_NAME =
  /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const DAY_MS = 86_400_000;
/** A default notBefore lies this far in the past, so clocks slightly behind still accept it (as Fabric CA). */
export const CLOCK_SKEW_MS = 5 * 60_000;

export const REVOCATION_REASONS: readonly RevocationReason[] = [
  'keyCompromise',
  'superseded',
  'cessationOfOperation',
  'unspecified',
];

export function checkName(what: string, value: unknown): string {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw new ConsortiaError(
      IdentityErrorCodes.INVALID_NAME,
      `${what} '${String(value)}' is not allowed; use 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit`,
      { field: what, value: String(value) },
    );
  }
  return value;
}

export function checkRole(value: unknown): Role {
  if (!isRole(value)) {
    throw new ConsortiaError(
      IdentityErrorCodes.INVALID_ROLE,
      `role '${String(value)}' is unknown; use one of ${ROLES.join(', ')}`,
      { role: String(value) },
    );
  }
  return value;
}

export function checkAttributes(attrs: unknown): Record<string, string> {
  if (attrs === undefined) return {};
  const problem = attributeProblem(attrs);
  if (problem !== undefined) {
    throw new ConsortiaError(
      IdentityErrorCodes.INVALID_ATTRIBUTES,
      `${problem}; names are 1-64 of letters, digits, '_', '.', ':' or '-', values strings up to 1024 characters`,
    );
  }
  return { ...(attrs as Record<string, string>) };
}

function invalidValidity(message: string): ConsortiaError {
  return new ConsortiaError(IdentityErrorCodes.INVALID_VALIDITY, message);
}

/**
 * The validity window from explicit dates or a number of days. `notBefore` defaults to five
 * minutes ago (clock skew);
 * `notAfter` to `notBefore + validityDays` (default `defaultDays`); the result is capped at `cap`.
 */
export function computeValidity(
  opts: Readonly<{
    validityDays?: number | undefined;
    notBefore?: Date | undefined;
    notAfter?: Date | undefined;
  }>,
  defaultDays: number,
  cap?: Date,
): { notBefore: Date; notAfter: Date } {
  const days = opts.validityDays ?? defaultDays;
  if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0) {
    throw invalidValidity(`validityDays must be a positive number of days, got ${String(opts.validityDays)}`);
  }
  for (const d of [opts.notBefore, opts.notAfter]) {
    if (d !== undefined && (!(d instanceof Date) || Number.isNaN(d.getTime()))) {
      throw invalidValidity('notBefore and notAfter must be valid Date objects');
    }
  }
  // Certificates carry whole seconds; truncate so what we return is what the certificate says.
  const notBefore = new Date(
    Math.floor((opts.notBefore?.getTime() ?? Date.now() - CLOCK_SKEW_MS) / 1000) * 1000,
  );
  let notAfter = new Date(
    Math.floor((opts.notAfter?.getTime() ?? notBefore.getTime() + days * DAY_MS) / 1000) * 1000,
  );
  if (cap !== undefined && notAfter.getTime() > cap.getTime()) notAfter = cap;
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw invalidValidity(
      `notAfter (${notAfter.toISOString()}) must be later than notBefore (${notBefore.toISOString()}) and within the CA's validity`,
    );
  }
  return { notBefore, notAfter };
}

/** Parses a P-256 SPKI PEM public key; INVALID_PUBLIC_KEY otherwise. */
export function checkPublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = publicKeyFrom(pem);
  } catch (err) {
    throw new ConsortiaError(
      IdentityErrorCodes.INVALID_PUBLIC_KEY,
      'publicKeyPem does not parse; pass an SPKI PEM P-256 public key',
      undefined,
      { cause: err },
    );
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ConsortiaError(
      IdentityErrorCodes.INVALID_PUBLIC_KEY,
      'publicKeyPem is not an ECDSA P-256 key; Consortia certifies P-256 keys only',
    );
  }
  return key;
}

export function checkSans(dnsNames: readonly string[] = [], ipAddresses: readonly string[] = []): void {
  for (const dns of dnsNames) {
    if (typeof dns !== 'string' || dns.length > 253 || !DNS_NAME.test(dns)) {
      throw new ConsortiaError(IdentityErrorCodes.INVALID_SAN, `'${String(dns)}' is not a valid DNS name`, {
        dnsName: String(dns),
      });
    }
  }
  for (const ip of ipAddresses) {
    if (typeof ip !== 'string' || isIP(ip) === 0) {
      throw new ConsortiaError(IdentityErrorCodes.INVALID_SAN, `'${String(ip)}' is not a valid IP address`, {
        ipAddress: String(ip),
      });
    }
  }
}

export function checkExtKeyUsage(usages: readonly ExtKeyUsage[] = []): void {
  for (const u of usages) {
    if (u !== 'serverAuth' && u !== 'clientAuth') {
      throw new ConsortiaError(
        IdentityErrorCodes.INVALID_EXT_KEY_USAGE,
        `extended key usage '${String(u)}' is unknown; use serverAuth or clientAuth`,
      );
    }
  }
}

export function checkReason(reason: unknown): RevocationReason {
  if (!(REVOCATION_REASONS as readonly unknown[]).includes(reason)) {
    throw new ConsortiaError(
      IdentityErrorCodes.INVALID_REASON,
      `revocation reason '${String(reason)}' is unknown; use one of ${REVOCATION_REASONS.join(', ')}`,
    );
  }
  return reason as RevocationReason;
}
