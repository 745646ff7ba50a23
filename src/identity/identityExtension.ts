import { fromUtf8, utf8 } from '../common/index.js';
import { isRole, type Role } from './types.js';

/**
 * OID of the Consortia identity extension. It sits under the private enterprise arc
 * 1.3.6.1.4.1.57264 (iso.org.dod.internet.private.enterprise.57264), sub-arc 1 ("identity"),
 * item 1 ("role and attributes"). The extension is non-critical; its extnValue OCTET STRING holds
 * the UTF-8 JSON `{"role":"client","attrs":{"dept":"sales"}}` directly, as Fabric CA does for its
 * attribute extension (1.2.3.4.5.6.7.8.1).
 */
export const IDENTITY_EXTENSION_OID = '1.3.6.1.4.1.57264.1.1';

/** Attribute names: a letter or digit, then up to 63 of letters, digits, `_ . : -`. */
export const ATTRIBUTE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** Longest attribute value, in characters. */
export const MAX_ATTRIBUTE_VALUE_LENGTH = 1024;

/** The content of the identity extension. */
export interface IdentityExtensionValue {
  readonly role: Role;
  readonly attrs: Readonly<Record<string, string>>;
}

/** Encodes the identity extension value (UTF-8 JSON, attribute names sorted). */
export function encodeIdentityExtension(value: IdentityExtensionValue): Uint8Array {
  const attrs: Record<string, string> = {};
  for (const key of Object.keys(value.attrs).sort()) attrs[key] = value.attrs[key] as string;
  return utf8(JSON.stringify({ role: value.role, attrs }));
}

/** Checks attribute names and values; returns the first problem found, or undefined. */
export function attributeProblem(attrs: unknown): string | undefined {
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs))
    return 'attributes must be an object';
  for (const [key, val] of Object.entries(attrs)) {
    if (!ATTRIBUTE_NAME_PATTERN.test(key)) return `attribute name '${key}' is not allowed`;
    if (typeof val !== 'string') return `attribute '${key}' must have a string value`;
    if (val.length > MAX_ATTRIBUTE_VALUE_LENGTH) return `attribute '${key}' is longer than 1024 characters`;
  }
  return undefined;
}

/**
 * Decodes the identity extension value; `undefined` when it is not valid UTF-8 JSON of the
 * expected shape (a known role and string attributes).
 */
export function decodeIdentityExtension(bytes: Uint8Array): IdentityExtensionValue | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromUtf8(bytes));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { role, attrs } = parsed as { role?: unknown; attrs?: unknown };
  if (!isRole(role)) return undefined;
  const rawAttrs = attrs ?? {};
  if (attributeProblem(rawAttrs) !== undefined) return undefined;
  return { role, attrs: Object.freeze({ ...(rawAttrs as Record<string, string>) }) };
}
