import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, utf8 } from '../../common/index.js';
import { generateKeyPair, sha256Hex } from '../../crypto/index.js';
import { assertDid, didOfUrl, isDid } from './did.js';
import {
  didFromJwk,
  fromBase64Url,
  publicKeyToJwk,
  signDetached,
  toBase64Url,
  verifyDetached,
} from './jose.js';

const keys = generateKeyPair();
const VM = 'did:consortia:0123456789abcdef0123456789abcdef#key-1';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('DID syntax', () => {
  it('accepts did:consortia with 32 lowercase hex and refuses anything else with DID_MALFORMED', () => {
    expect(isDid('did:consortia:0123456789abcdef0123456789abcdef')).toBe(true);
    for (const bad of [
      'did:consortia:0123456789ABCDEF0123456789abcdef',
      'did:consortia:0123456789abcdef0123456789abcde',
      'did:consortia:0123456789abcdef0123456789abcdef#key-1',
      ' did:consortia:0123456789abcdef0123456789abcdef',
      'did:web:example.com',
      42,
      undefined,
    ]) {
      expect(isDid(bad)).toBe(false);
      expect(codeOf(() => assertDid(bad, 'issuer'))).toBe('DID_MALFORMED');
    }
  });

  it('didOfUrl returns the DID of a DID URL and refuses a malformed one', () => {
    expect(didOfUrl(VM)).toBe('did:consortia:0123456789abcdef0123456789abcdef');
    expect(codeOf(() => didOfUrl('did:consortia:nope#key-1'))).toBe('DID_MALFORMED');
  });
});

describe('didFromJwk', () => {
  it('is did:consortia + the first 16 bytes of the RFC 7638 thumbprint, as hex', () => {
    const jwk = publicKeyToJwk(keys.publicKey);
    const thumbprintInput = `{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`;
    expect(didFromJwk(jwk)).toBe(`did:consortia:${sha256Hex(utf8(thumbprintInput)).slice(0, 32)}`);
    expect(isDid(didFromJwk(jwk))).toBe(true);
    expect(didFromJwk(publicKeyToJwk(generateKeyPair().publicKey))).not.toBe(didFromJwk(jwk));
  });
});

describe('detached JWS', () => {
  const payload = { b: [1, 2], a: 'x' };

  it('signs the canonical JSON with an ES256 header naming the key, and verifies', () => {
    const proof = signDetached(keys.privateKey, VM, payload);
    expect(proof.verificationMethod).toBe(VM);
    const [h, middle, s] = proof.jws.split('.');
    expect(middle).toBe('');
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toEqual({
      alg: 'ES256',
      b64: false,
      crit: ['b64'],
      kid: VM,
    });
    expect(fromBase64Url(s!)?.byteLength).toBe(64);
    expect(() => verifyDetached(keys.publicKey, proof, { a: 'x', b: [1, 2] })).not.toThrow();
  });

  it('detects any change of the payload, another key, and a proof moved to another key id', () => {
    const proof = signDetached(keys.privateKey, VM, payload);
    expect(codeOf(() => verifyDetached(keys.publicKey, proof, { ...payload, a: 'y' }))).toBe('PROOF_INVALID');
    expect(codeOf(() => verifyDetached(generateKeyPair().publicKey, proof, payload))).toBe('PROOF_INVALID');
    expect(
      codeOf(() => verifyDetached(keys.publicKey, { ...proof, verificationMethod: `${VM}x` }, payload)),
    ).toBe('PROOF_MALFORMED');
  });

  it('refuses malformed JWS with PROOF_MALFORMED', () => {
    const proof = signDetached(keys.privateKey, VM, payload);
    const [h, , s] = proof.jws.split('.');
    const header = (o: unknown) => toBase64Url(utf8(canonicalJson(o)));
    for (const jws of [
      `${h}.${s}`,
      `${h}.eyJ9.${s}`,
      `${h}..${s}.x`,
      `${h}..${s!.slice(0, -4)}`,
      `${h}..${s}=`,
      `!!..${s}`,
      `${toBase64Url(utf8('not json'))}..${s}`,
      `${header({ alg: 'none', b64: false, crit: ['b64'], kid: VM })}..${s}`,
      `${header({ alg: 'ES256', kid: VM })}..${s}`,
      `${header({ alg: 'ES256', b64: false, crit: ['b64', 'x'], kid: VM })}..${s}`,
    ]) {
      expect(codeOf(() => verifyDetached(keys.publicKey, { verificationMethod: VM, jws }, payload))).toBe(
        'PROOF_MALFORMED',
      );
    }
  });

  it('never accepts a signature over different JSON (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(canonicalJson(a) !== canonicalJson(b));
        const proof = signDetached(keys.privateKey, VM, a);
        verifyDetached(keys.publicKey, proof, a);
        return codeOf(() => verifyDetached(keys.publicKey, proof, b)) === 'PROOF_INVALID';
      }),
      { numRuns: 50 },
    );
  });
});
