import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '../common/index.js';
import { decodeJson, encodeJson, toJsonValue } from './jsonValue.js';
import { compareKeys, validateKey } from './validateKey.js';

describe('toJsonValue / encodeJson', () => {
  it('matches JSON.parse(JSON.stringify(x)) for JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(toJsonValue(v, 'v')).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { seed: 20261123 },
    );
  });

  it('keeps a key named __proto__ as an own property, as JSON.parse does', () => {
    const v = JSON.parse('{"__proto__":{"x":1},"a":2}') as object;
    const out = toJsonValue(v, 'v') as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(fromUtf8(encodeJson(v, 'v'))).toBe('{"__proto__":{"x":1},"a":2}');
  });

  it('encodes equal values to equal bytes whatever the key order', () => {
    expect(fromUtf8(encodeJson({ b: [1, { d: 1, c: 2 }], a: 'x' }, 'v'))).toBe(
      '{"a":"x","b":[1,{"c":2,"d":1}]}',
    );
  });

  it('turns missing array elements into null and refuses undefined as the whole value', () => {
    expect(toJsonValue([1, undefined], 'v')).toEqual([1, null]);
    expect(() => toJsonValue(undefined, 'the value')).toThrow(
      /the value is not JSON-serialisable at \$: undefined/,
    );
  });

  it('refuses binary data, Sets and symbols, naming the path', () => {
    expect(() => toJsonValue({ a: { b: new Uint8Array(1) } }, 'v')).toThrow(/at \$\.a\.b: binary data/);
    expect(() => toJsonValue([new Set()], 'v')).toThrow(/at \$\[0\]: a Set/);
    expect(() => toJsonValue({ s: Symbol('x') }, 'v', 'X')).toThrow(expect.objectContaining({ code: 'X' }));
  });

  it('decodes JSON bytes and refuses others with NOT_JSON naming the key', () => {
    expect(decodeJson(utf8('{"a":1}'), 'k')).toEqual({ a: 1 });
    expect(() => decodeJson(utf8('{'), 'k1')).toThrow(expect.objectContaining({ code: 'NOT_JSON' }));
    expect(() => decodeJson(new Uint8Array([0xc3]), 'k1')).toThrow(/'k1'/);
  });
});

describe('keys', () => {
  it('orders keys like their UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const bytes = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
        expect(Math.sign(compareKeys(a, b))).toBe(bytes);
      }),
    );
    expect(compareKeys('\u{1F600}', '\uFFFD')).toBeGreaterThan(0); // astral after U+FFFD, unlike '<'
  });

  it('validates keys', () => {
    expect(() => validateKey('ok')).not.toThrow();
    expect(() => validateKey(42)).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
  });
});
