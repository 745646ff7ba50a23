import { ConsortiaError } from '../../common/index.js';
import { IdentityAgentErrorCodes } from './errors.js';

/** The DID method name and prefix. */
export const DID_METHOD_PREFIX = 'did:consortia:';

/** `did:consortia:` followed by 32 lowercase hex characters. */
export const DID_PATTERN = /^did:consortia:[0-9a-f]{32}$/;

/**
 * True when `value` is a well-formed `did:consortia` DID.
 *
 * @example
 * isDid('did:consortia:0123456789abcdef0123456789abcdef'); // true
 */
export function isDid(value: unknown): value is string {
  return typeof value === 'string' && DID_PATTERN.test(value);
}

/**
 * Throws DID_MALFORMED unless `value` is a well-formed `did:consortia` DID.
 *
 * @example
 * assertDid(input.holder, 'holder');
 */
export function assertDid(value: unknown, field = 'did'): asserts value is string {
  if (!isDid(value)) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value;
    throw new ConsortiaError(
      IdentityAgentErrorCodes.DID_MALFORMED,
      `${field} ${shown} is not a did:consortia DID; expected did:consortia: and 32 lowercase hex characters`,
      { field },
    );
  }
}

/**
 * The DID of a DID URL (`did:consortia:…#key-1` → `did:consortia:…`); throws DID_MALFORMED.
 *
 * @example
 * didOfUrl(`${did}#key-1`) === did; // true
 */
export function didOfUrl(url: string, field = 'verificationMethod'): string {
  const hash = url.indexOf('#');
  const did = hash < 0 ? url : url.slice(0, hash);
  assertDid(did, field);
  return did;
}
