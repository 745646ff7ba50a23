import { createPublicKey, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, fromUtf8, toBase64 } from '../common/index.js';
import { privateKeyFrom } from '../crypto/index.js';
import { CertificateAuthority } from '../identity/index.js';
import { decryptJson, decryptWithKey, encryptForCertificates } from './encryption.js';

interface Org {
  certPem: string;
  certDer: Uint8Array;
  key: KeyObject;
}

let donor: Org;
let recipient: Org;
let outsider: Org;

async function org(mspId: string): Promise<Org> {
  const ca = await CertificateAuthority.create({ mspId });
  const admin = await ca.enroll({ name: 'admin', role: 'admin' });
  return { certPem: admin.certPem, certDer: admin.certDer, key: privateKeyFrom(admin.privateKeyPem!) };
}

beforeAll(async () => {
  [donor, recipient, outsider] = await Promise.all([org('TelcoA'), org('TelcoB'), org('TelcoC')]);
});

const customer = { name: 'John Doe', birthDate: '1960-01-01', address: { city: 'Berlin', zip: '10115' } };

describe('encryptForCertificates / decryptJson', () => {
  it('lets every recipient, given as PEM or DER, decrypt an object, and nobody else', () => {
    const sealed = encryptForCertificates([donor.certPem, recipient.certDer], customer);
    expect(sealed).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(sealed.length % 4).toBe(0);
    expect(decryptJson(donor.key, sealed)).toEqual(customer);
    expect(decryptJson(recipient.key, sealed)).toEqual(customer);
    expect(() => decryptJson(outsider.key, sealed)).toThrow(
      expect.objectContaining({ code: 'NOT_A_RECIPIENT' }),
    );
  });

  it('encrypts objects as canonical JSON, strings as UTF-8 and bytes as they are', () => {
    const obj = encryptForCertificates([donor.certPem], { b: 1, a: ['ü', null] });
    expect(fromUtf8(decryptWithKey(donor.key, obj))).toBe('{"a":["ü",null],"b":1}');
    const text = encryptForCertificates([donor.certPem], 'Grüße, not JSON');
    expect(fromUtf8(decryptWithKey(donor.key, text))).toBe('Grüße, not JSON');
    const bytes = encryptForCertificates([donor.certPem], new Uint8Array([0, 255, 7]));
    expect([...decryptWithKey(donor.key, bytes)]).toEqual([0, 255, 7]);
    const list = encryptForCertificates([donor.certPem], [1, 2]);
    expect(decryptJson(donor.key, list)).toEqual([1, 2]);
  });

  it('is randomised: the same data encrypts differently each time', () => {
    const a = encryptForCertificates([donor.certPem], customer);
    const b = encryptForCertificates([donor.certPem], customer);
    expect(a).not.toBe(b);
  });

  it('round-trips any bytes for any recipient', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.boolean(), (data, toDonor) => {
        const sealed = encryptForCertificates([donor.certDer, recipient.certPem], data);
        const key = toDonor ? donor.key : recipient.key;
        expect(decryptWithKey(key, sealed)).toEqual(data);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a certificate that does not parse with BAD_CERTIFICATE naming its position', () => {
    expect(() => encryptForCertificates([donor.certPem, 'not a certificate'], 'x')).toThrow(
      expect.objectContaining({ code: 'BAD_CERTIFICATE', detail: { index: 1 } }),
    );
    expect(() => encryptForCertificates([new Uint8Array([1, 2, 3])], 'x')).toThrow(
      expect.objectContaining({ code: 'BAD_CERTIFICATE', detail: { index: 0 } }),
    );
  });

  it('refuses no recipients with BAD_RECIPIENTS and data JSON cannot carry with JSON_UNSUPPORTED', () => {
    expect(() => encryptForCertificates([], 'x')).toThrow(
      expect.objectContaining({ code: 'BAD_RECIPIENTS' }),
    );
    expect(() => encryptForCertificates([donor.certPem], { at: new Date(0) })).toThrow(
      expect.objectContaining({ code: 'JSON_UNSUPPORTED' }),
    );
  });
});

describe('decryptWithKey', () => {
  it('surfaces NOT_A_RECIPIENT and DECRYPTION_FAILED from src/crypto unchanged', () => {
    const sealed = encryptForCertificates([donor.certPem], customer);
    expect(() => decryptWithKey(outsider.key, sealed)).toThrow(
      expect.objectContaining({ code: 'NOT_A_RECIPIENT' }),
    );
    const bytes = fromBase64(sealed);
    bytes[bytes.length - 1]! ^= 1;
    expect(() => decryptWithKey(donor.key, toBase64(bytes))).toThrow(
      expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
    );
    expect(() => decryptWithKey(donor.key, toBase64(new Uint8Array([9, 9, 9])))).toThrow(
      expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
    );
  });

  it.each([[''], ['not base64!'], ['abc'], ['ab=c'], ['QUJD====']])(
    'refuses %j with INVALID_ARGUMENT',
    (text) => {
      expect(() => decryptWithKey(donor.key, text)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('base64') }),
      );
    },
  );

  it('accepts base64 broken over lines, as pasted from a terminal', () => {
    const sealed = encryptForCertificates([donor.certPem], 'hello');
    const wrapped = `  ${sealed.replace(/(.{60})/g, '$1\n')}\n`;
    expect(fromUtf8(decryptWithKey(donor.key, wrapped))).toBe('hello');
  });

  it('refuses a public key with BAD_KEY', () => {
    const sealed = encryptForCertificates([donor.certPem], 'hello');
    expect(() => decryptWithKey(createPublicKey(donor.key), sealed)).toThrow(
      expect.objectContaining({ code: 'BAD_KEY' }),
    );
  });

  it('decryptJson refuses plaintext that is not JSON with NOT_JSON', () => {
    const sealed = encryptForCertificates([donor.certPem], 'plain words');
    expect(() => decryptJson(donor.key, sealed)).toThrow(expect.objectContaining({ code: 'NOT_JSON' }));
    const binary = encryptForCertificates([donor.certPem], new Uint8Array([0xff, 0xfe]));
    expect(() => decryptJson(donor.key, binary)).toThrow(expect.objectContaining({ code: 'NOT_JSON' }));
  });
});
