import { ConsortiaError } from '../common/index.js';
import { ContractErrorCodes } from './errors.js';

/** The longest state key, in UTF-16 code units. */
export const MAX_KEY_LENGTH = 1024;

/**
 * Checks a state key: a non-empty string of at most {@link MAX_KEY_LENGTH} characters without
 * U+0000. Throws `INVALID_KEY` otherwise.
 *
 * @example
 * validateKey('asset1'); // ok
 * validateKey(''); // throws INVALID_KEY
 */
export function validateKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new ConsortiaError(ContractErrorCodes.INVALID_KEY, 'a state key must be a non-empty string', {
      key: typeof key === 'string' ? key : String(key),
    });
  }
  checkKeyText(key);
}

/**
 * Checks the start or end key of a range: like {@link validateKey}, but '' is allowed (the start
 * or end of the namespace).
 *
 * @example
 * validateRangeKey(''); // ok
 */
export function validateRangeKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') {
    throw new ConsortiaError(ContractErrorCodes.INVALID_KEY, 'a range start or end key must be a string', {
      key: String(key),
    });
  }
  checkKeyText(key);
}

function checkKeyText(key: string): void {
  if (key.length > MAX_KEY_LENGTH) {
    throw new ConsortiaError(
      ContractErrorCodes.INVALID_KEY,
      `a state key must be at most ${MAX_KEY_LENGTH} characters long; this one has ${key.length}`,
      { key: key.slice(0, 64), length: key.length },
    );
  }
  if (key.includes('\u0000')) {
    throw new ConsortiaError(ContractErrorCodes.INVALID_KEY, 'a state key must not contain U+0000', { key });
  }
}

/**
 * Orders keys by Unicode code point, which is the byte order of their UTF-8 encoding (the order
 * a byte-keyed store such as LMDB keeps).
 *
 * @example
 * ['b', 'a'].sort(compareKeys); // ['a', 'b']
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Surrogates (astral code points) sort after U+E000..U+FFFF in code point order. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}
