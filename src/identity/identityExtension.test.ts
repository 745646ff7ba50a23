import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../common/index.js';
import { normalizeSerial } from './certEncoding.js';
import { decodeCrlNumber, encodeCrlNumber } from './crlNumber.js';
import { decodeIdentityExtension, encodeIdentityExtension } from './identityExtension.js';
import { ROLES } from './types.js';

const attrName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,20}$/);
const attrs = fc.dictionary(attrName, fc.string({ maxLength: 40 }), { maxKeys: 6 });

describe('identity extension', () => {
  it('round-trips role and attributes (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ROLES), attrs, (role, a) => {
        expect(decodeIdentityExtension(encodeIdentityExtension({ role, attrs: a }))).toEqual({
          role,
          attrs: a,
        });
      }),
    );
  });

  it('rejects what is not role/attributes JSON', () => {
    expect(decodeIdentityExtension(utf8('{"role":"king"}'))).toBeUndefined();
    expect(decodeIdentityExtension(utf8('{"role":"client","attrs":{"k":1}}'))).toBeUndefined();
    expect(decodeIdentityExtension(utf8('{"role":"client","attrs":{"__proto__":"x"}}'))).toBeUndefined();
    expect(decodeIdentityExtension(utf8('{"role":"client","attrs":[]}'))).toBeUndefined();
    expect(decodeIdentityExtension(utf8('not json'))).toBeUndefined();
    expect(decodeIdentityExtension(new Uint8Array([0xff, 0xfe]))).toBeUndefined();
    expect(decodeIdentityExtension(utf8('{"role":"peer"}'))).toEqual({ role: 'peer', attrs: {} });
  });

  it('never throws on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const v = decodeIdentityExtension(bytes);
        expect(v === undefined || ROLES.includes(v.role)).toBe(true);
      }),
    );
  });
});

describe('CRL number and serial encoding', () => {
  it('round-trips CRL numbers (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 159n) - 1n }), (n) => {
        expect(decodeCrlNumber(encodeCrlNumber(n))).toBe(n);
      }),
    );
    expect(Buffer.from(encodeCrlNumber(128n)).toString('hex')).toBe('02020080');
  });

  it('normalises serials to one spelling', () => {
    expect(normalizeSerial('00FF01')).toBe('ff01');
    expect(normalizeSerial('ab:cd')).toBe('abcd');
    expect(normalizeSerial('f01')).toBe('0f01');
    expect(normalizeSerial('xyz')).toBeUndefined();
    expect(normalizeSerial('')).toBeUndefined();
  });
});
