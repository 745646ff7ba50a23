import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConsortiaError } from '../common/index.js';
import { argsOf, identityLabel, parseNonNegativeInt } from './restInput.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (err) {
    return isConsortiaError(err) ? err.code : 'NOT_A_CONSORTIA_ERROR';
  }
}

describe('argsOf', () => {
  it('takes one JSON object, and no body as no arguments', () => {
    expect(argsOf({ a: 1 })).toEqual({ a: 1 });
    expect(argsOf(undefined)).toEqual({});
    for (const bad of [null, 1, 'x', true, [], [{}]])
      expect(codeOf(() => argsOf(bad))).toBe('INVALID_ARGUMENT');
  });

  it('refuses arguments nesting deeper than 32 levels', () => {
    const nest = (depth: number): unknown => (depth <= 1 ? {} : { a: nest(depth - 1) });
    expect(codeOf(() => argsOf(nest(32)))).toBeUndefined();
    expect(codeOf(() => argsOf(nest(33)))).toBe('INVALID_ARGUMENT');
    const deep = JSON.parse(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(codeOf(() => argsOf(deep))).toBe('INVALID_ARGUMENT');
  });

  it('accepts every JSON object or refuses it with INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const code = codeOf(() => argsOf(value));
        expect(code === undefined || code === 'INVALID_ARGUMENT').toBe(true);
        if (code === undefined)
          expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
      }),
    );
  });
});

describe('parseNonNegativeInt', () => {
  it('reads decimal digits and refuses everything else', () => {
    expect(parseNonNegativeInt('0', 'n')).toBe(0);
    expect(parseNonNegativeInt('42', 'n')).toBe(42);
    for (const bad of ['', '-1', '1.5', '1e3', ' 1', '0x10', '9'.repeat(16), undefined, ['1'], 3])
      expect(codeOf(() => parseNonNegativeInt(bad, 'n'))).toBe('INVALID_ARGUMENT');
  });

  it('round-trips every safe integer it accepts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_999_999 }), (n) => {
        expect(parseNonNegativeInt(String(n), 'n')).toBe(n);
      }),
    );
  });
});

describe('identityLabel', () => {
  it('trims the header and treats an empty one as absent', () => {
    expect(identityLabel(' TelcoA.admin ')).toBe('TelcoA.admin');
    expect(identityLabel('')).toBeUndefined();
    expect(identityLabel(undefined)).toBeUndefined();
    expect(identityLabel(['TelcoB.admin', 'TelcoC.admin'])).toBe('TelcoB.admin');
  });
});
