import { create, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ConsortiaError, toHex, utf8 } from '../common/index.js';
import { sha256 } from '../crypto/index.js';
import { IdentitySchema } from './gen/consortia_pb.js';
import { decodeIdentity, encodeIdentity } from './index.js';

const cert = utf8('certificate DER bytes');

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConsortiaError) return err.code;
    throw err;
  }
  throw new Error('expected a ConsortiaError');
}

const raw = (fields: { mspId?: string; cert?: Uint8Array; certHash?: Uint8Array }) =>
  toBinary(IdentitySchema, create(IdentitySchema, fields));

describe('encodeIdentity / decodeIdentity', () => {
  it('round-trips an identity carrying its certificate', () => {
    const id = decodeIdentity(encodeIdentity('TelcoA', cert));
    expect(id.mspId).toBe('TelcoA');
    expect(id.cert).toEqual(cert);
    expect(id.certHash.byteLength).toBe(0);
  });

  it('round-trips an identity carrying only the certificate hash', () => {
    const bytes = encodeIdentity('TelcoA', cert, true);
    const id = decodeIdentity(bytes);
    expect(id.mspId).toBe('TelcoA');
    expect(id.cert.byteLength).toBe(0);
    expect(toHex(id.certHash)).toBe(toHex(sha256(cert)));
    expect(bytes.byteLength).toBeLessThan(encodeIdentity('TelcoA', new Uint8Array(500)).byteLength);
  });

  it('encodes deterministically', () => {
    expect(toHex(encodeIdentity('TelcoA', cert))).toBe(toHex(encodeIdentity('TelcoA', cert)));
  });

  it('refuses both a certificate and a hash', () => {
    expect(codeOf(() => decodeIdentity(raw({ mspId: 'A', cert, certHash: sha256(cert) })))).toBe(
      'MALFORMED_MESSAGE',
    );
  });

  it('refuses neither a certificate nor a hash', () => {
    expect(codeOf(() => decodeIdentity(raw({ mspId: 'A' })))).toBe('MALFORMED_MESSAGE');
    expect(codeOf(() => decodeIdentity(encodeIdentity('A', new Uint8Array(0))))).toBe('MALFORMED_MESSAGE');
  });

  it('refuses a hash that is not 32 bytes', () => {
    for (const len of [1, 31, 33, 64]) {
      expect(codeOf(() => decodeIdentity(raw({ mspId: 'A', certHash: new Uint8Array(len) })))).toBe(
        'MALFORMED_MESSAGE',
      );
    }
  });

  it('refuses a missing MSP id and undecodable bytes', () => {
    expect(codeOf(() => decodeIdentity(raw({ cert })))).toBe('MALFORMED_MESSAGE');
    expect(codeOf(() => decodeIdentity(new Uint8Array(0)))).toBe('MALFORMED_MESSAGE');
    expect(codeOf(() => decodeIdentity(new Uint8Array([0x0a, 0x05, 0x41])))).toBe('MALFORMED_MESSAGE');
  });
});
