import { ConsortiaError } from './errors.js';

const MAX_DEPTH = 64;

/**
 * JSON with object keys sorted at every level and no whitespace, so equal values always encode
 * to equal bytes. Refuses values JSON cannot carry faithfully (undefined or holes in arrays,
 * functions, symbols, non-finite numbers, bigint, and objects that are not plain objects, such
 * as Date, Map, Set or Uint8Array) with JSON_UNSUPPORTED, and values nesting deeper than 64
 * levels (or cyclic ones) with JSON_TOO_DEEP. Object properties that are undefined are left out,
 * as JSON.stringify does.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

function encode(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) {
    throw new ConsortiaError(
      'JSON_TOO_DEEP',
      `the value nests deeper than ${MAX_DEPTH} levels (or is cyclic)`,
    );
  }
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new ConsortiaError('JSON_UNSUPPORTED', 'numbers must be finite');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        // An index loop, not map(): map() skips holes, which would give invalid JSON like "[,1]".
        const items: string[] = [];
        for (let i = 0; i < value.length; i++) items.push(encode(value[i], depth + 1));
        return `[${items.join(',')}]`;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        const kind = (value as object).constructor?.name ?? 'object';
        throw new ConsortiaError(
          'JSON_UNSUPPORTED',
          `a ${kind} cannot be encoded as canonical JSON; convert it to a plain object, array or string first`,
        );
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${encode(obj[k], depth + 1)}`).join(',')}}`;
    }
    default:
      throw new ConsortiaError('JSON_UNSUPPORTED', `a ${typeof value} cannot be encoded as JSON`);
  }
}
