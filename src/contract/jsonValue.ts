import { ConsortiaError, canonicalJson, fromUtf8, utf8 } from '../common/index.js';
import { ContractErrorCodes } from './errors.js';

const MAX_DEPTH = 64;

/**
 * Converts `value` to a plain JSON value (what `JSON.parse(JSON.stringify(value))` gives), but
 * refuses what JSON would silently lose or mangle: bigint, functions, symbols, non-finite
 * numbers, Map, Set, binary buffers, promises, cycles, and undefined as the whole value. `toJSON()` is honoured (a Date becomes its ISO text).
 * Throws `code` (default `INVALID_VALUE`) naming `what` and the path of the offending part.
 *
 * @example
 * toJsonValue({ at: new Date(0), n: 1, gone: undefined }, 'the result'); // { at: '1970-01-01T00:00:00.000Z', n: 1 }
 */
export function toJsonValue(
  value: unknown,
  what: string,
  code: string = ContractErrorCodes.INVALID_VALUE,
): unknown {
  return convert(value, '$', 0, new Set(), what, code);
}

/**
 * Canonical JSON bytes of `value` (sorted keys, no whitespace), after {@link toJsonValue}.
 *
 * @example
 * encodeJson({ b: 1, a: 2 }, 'the value'); // bytes of '{"a":2,"b":1}'
 */
export function encodeJson(
  value: unknown,
  what: string,
  code: string = ContractErrorCodes.INVALID_VALUE,
): Uint8Array {
  return utf8(canonicalJson(toJsonValue(value, what, code)));
}

/**
 * Parses stored bytes as UTF-8 JSON; throws `NOT_JSON` naming the key when they are not.
 *
 * @example
 * decodeJson(utf8('{"a":1}'), 'asset1'); // { a: 1 }
 */
export function decodeJson(bytes: Uint8Array, key: string): unknown {
  try {
    return JSON.parse(fromUtf8(bytes));
  } catch {
    throw new ConsortiaError(
      ContractErrorCodes.NOT_JSON,
      `the value of key '${key}' is not JSON; read it with getBytes, rangeBytes or historyBytes`,
      { key },
    );
  }
}

function fail(what: string, path: string, problem: string, code: string): never {
  throw new ConsortiaError(
    code,
    `${what} is not JSON-serialisable at ${path}: ${problem}; use strings, finite numbers, booleans, null, arrays and plain objects`,
    { path },
  );
}

function convert(
  value: unknown,
  path: string,
  depth: number,
  seen: Set<object>,
  what: string,
  code: string,
): unknown {
  if (depth > MAX_DEPTH) fail(what, path, `it nests deeper than ${MAX_DEPTH} levels`, code);
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) fail(what, path, `${value} is not a finite number`, code);
      return Object.is(value, -0) ? 0 : value;
    case 'object':
      return convertObject(value, path, depth, seen, what, code);
    case 'undefined':
      return fail(what, path, 'undefined has no JSON form', code);
    default:
      return fail(what, path, `a ${typeof value} has no JSON form`, code);
  }
}

function convertObject(
  value: object,
  path: string,
  depth: number,
  seen: Set<object>,
  what: string,
  code: string,
) {
  if (seen.has(value)) fail(what, path, 'the value refers to itself (a cycle)', code);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    return convert(toJSON.call(value, ''), path, depth + 1, seen, what, code);
  }
  if (value instanceof Map || value instanceof Set || value instanceof WeakMap || value instanceof WeakSet) {
    fail(what, path, `a ${value.constructor.name} has no JSON form (convert it to an array or object)`, code);
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    fail(what, path, 'binary data has no JSON form (encode it as hex or base64)', code);
  }
  if (value instanceof Promise)
    fail(what, path, 'a Promise has no JSON form (did you forget an await?)', code);
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      // As JSON does, a missing array element becomes null.
      return Array.from(value, (item, i) =>
        item === undefined ? null : convert(item, `${path}[${i}]`, depth + 1, seen, what, code),
      );
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      // defineProperty, not assignment: a key named __proto__ must stay an own property, as in JSON.parse.
      Object.defineProperty(out, k, {
        value: convert(v, `${path}.${k}`, depth + 1, seen, what, code),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
