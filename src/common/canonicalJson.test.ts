import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommonErrorCodes, ConsortiaError, canonicalJson } from './index.js';

// Fixed seed: property tests explore the same cases on every run.
fc.configureGlobal({ seed: 0x5eed });

function codeOf(value: unknown): string {
  try {
    canonicalJson(value);
  } catch (err) {
    if (err instanceof ConsortiaError) return err.code;
    throw err;
  }
  throw new Error('expected canonicalJson to refuse the value');
}

function nest(levels: number, inner: unknown): unknown {
  let v = inner;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

/** The same value with every object's keys in reverse insertion order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

/** The same value with every object's keys shuffled by a seeded permutation. */
function shuffleKeys(value: unknown, rand: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, rand));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, rand)]));
  }
  return value;
}

/**
 * Walks canonical JSON text and checks that the keys of each object appear in strictly increasing
 * order (UTF-16 code units, as Array.prototype.sort orders them). Works on the text itself, since
 * parsing into an object would reorder integer-like keys.
 */
function assertKeysSorted(text: string): void {
  const stack: { last: string | undefined }[] = [];
  const str = /"(?:[^"\\]|\\.)*"/y;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '{' || c === '[') {
      stack.push({ last: undefined });
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i++;
    } else if (c === '"') {
      str.lastIndex = i;
      const lexeme = str.exec(text)?.[0];
      if (lexeme === undefined) throw new Error(`unterminated string at ${i}`);
      i += lexeme.length;
      if (text[i] === ':') {
        const key = JSON.parse(lexeme) as string;
        const top = stack.at(-1)!;
        if (top.last !== undefined && !(top.last < key)) {
          throw new Error(`key ${JSON.stringify(key)} follows ${JSON.stringify(top.last)} in ${text}`);
        }
        top.last = key;
      }
    } else {
      i++;
    }
  }
}

const jsonValue = fc.jsonValue({ maxDepth: 5 });

describe('canonicalJson: format', () => {
  it('sorts keys at every level and writes no whitespace', () => {
    const value = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x y' }, '': 0 };
    expect(canonicalJson(value)).toBe('{"":0,"a":{"c":"x y","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('encodes primitives as JSON does', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson(1e21)).toBe('1e+21');
    expect(canonicalJson('quote " and \\ and \n')).toBe('"quote \\" and \\\\ and \\n"');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
  });

  it('leaves out undefined properties, as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.y = 1;
    bare.x = 2;
    expect(canonicalJson(bare)).toBe('{"x":2,"y":1}');
  });

  it('parses back to an equal value and has no whitespace outside strings (property)', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(text.replace(/"(?:[^"\\]|\\.)*"/g, '""')).not.toMatch(/\s/);
      }),
      { numRuns: 300 },
    );
  });

  it('keys are strictly increasing inside every object of the text (property)', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        assertKeysSorted(canonicalJson(value));
      }),
      { numRuns: 300 },
    );
  });

  it('is stable under permutations of key order (property)', () => {
    fc.assert(
      fc.property(jsonValue, fc.integer(), (value, seed) => {
        let state = seed >>> 0 || 1;
        const rand = () => {
          state = (state * 1103515245 + 12345) >>> 0;
          return state / 2 ** 32;
        };
        const text = canonicalJson(value);
        expect(canonicalJson(reverseKeys(value))).toBe(text);
        expect(canonicalJson(shuffleKeys(value, rand))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('is stable under key order for explicit permutations of a flat object', () => {
    const keys = ['delta', 'alpha', 'charlie', 'bravo', '10', '2', 'Z', 'a'];
    fc.assert(
      fc.property(fc.shuffledSubarray(keys, { minLength: keys.length }), (order) => {
        const obj = Object.fromEntries(order.map((k) => [k, k.length]));
        expect(canonicalJson(obj)).toBe(
          '{"10":2,"2":1,"Z":1,"a":1,"alpha":5,"bravo":5,"charlie":7,"delta":5}',
        );
      }),
    );
  });
});

describe('canonicalJson: refusals', () => {
  it('refuses non-finite numbers', () => {
    expect(codeOf(Number.NaN)).toBe(CommonErrorCodes.JSON_UNSUPPORTED);
    expect(codeOf({ a: Number.POSITIVE_INFINITY })).toBe('JSON_UNSUPPORTED');
    expect(codeOf([Number.NEGATIVE_INFINITY])).toBe('JSON_UNSUPPORTED');
  });

  it('refuses bigint, functions, symbols and undefined', () => {
    expect(codeOf(10n)).toBe('JSON_UNSUPPORTED');
    expect(codeOf({ n: 1n })).toBe('JSON_UNSUPPORTED');
    expect(codeOf(() => 1)).toBe('JSON_UNSUPPORTED');
    expect(codeOf({ f() {} })).toBe('JSON_UNSUPPORTED');
    expect(codeOf(Symbol('s'))).toBe('JSON_UNSUPPORTED');
    expect(codeOf(undefined)).toBe('JSON_UNSUPPORTED');
    expect(codeOf([1, undefined])).toBe('JSON_UNSUPPORTED');
  });

  it('refuses holes in arrays instead of writing invalid JSON', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is what is tested
    expect(codeOf([, 1])).toBe('JSON_UNSUPPORTED');
    expect(codeOf(new Array(3))).toBe('JSON_UNSUPPORTED');
  });

  it('refuses objects that are not plain, which would silently lose their content', () => {
    expect(codeOf(new Date(0))).toBe('JSON_UNSUPPORTED');
    expect(codeOf(new Map([['a', 1]]))).toBe('JSON_UNSUPPORTED');
    expect(codeOf(new Set([1]))).toBe('JSON_UNSUPPORTED');
    expect(codeOf({ bytes: new Uint8Array([1, 2]) })).toBe('JSON_UNSUPPORTED');
    class Point {
      x = 1;
    }
    expect(codeOf(new Point())).toBe('JSON_UNSUPPORTED');
  });

  it('accepts 64 levels of nesting and refuses 65', () => {
    expect(canonicalJson(nest(64, 1))).toBe(`${'['.repeat(64)}1${']'.repeat(64)}`);
    expect(codeOf(nest(65, 1))).toBe(CommonErrorCodes.JSON_TOO_DEEP);
    let deepObject: unknown = 'leaf';
    for (let i = 0; i < 65; i++) deepObject = { k: deepObject };
    expect(codeOf(deepObject)).toBe('JSON_TOO_DEEP');
  });

  it('refuses a cyclic value with JSON_TOO_DEEP instead of overflowing the stack', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(codeOf(cyclic)).toBe('JSON_TOO_DEEP');
    const list: unknown[] = [];
    list.push(list);
    expect(codeOf(list)).toBe('JSON_TOO_DEEP');
  });
});
