import { createPublicKey, type KeyObject } from 'node:crypto';
import { ConsortiaError, canonicalJson, toHex, utf8 } from '../../common/index.js';
import { sha256, sha256Hex, signBytes, verifyBytes } from '../../crypto/index.js';
import { DID_METHOD_PREFIX } from './did.js';
import { IdentityAgentErrorCodes } from './errors.js';

/** A P-256 public key as a JSON Web Key (RFC 7517), public members only. */
export interface P256Jwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
}

/** A detached proof: the DID URL of the signing key and a detached JWS (`<header>..<signature>`). */
export interface DetachedProof {
  readonly verificationMethod: string;
  readonly jws: string;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Decodes strict base64url (no padding, no other characters); undefined when it is not. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!B64URL.test(text) || text.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

/**
 * The JWK of a P-256 public key.
 *
 * @example
 * publicKeyToJwk(generateKeyPair().publicKey); // { kty: 'EC', crv: 'P-256', x: '…', y: '…' }
 */
export function publicKeyToJwk(publicKey: KeyObject): P256Jwk {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new ConsortiaError('BAD_KEY', 'DID keys must be P-256 public keys');
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

/**
 * The public key of a JWK; throws DID_DOCUMENT_INVALID when it is not a point on P-256.
 *
 * @example
 * const key = jwkToPublicKey(vm.publicKeyJwk);
 */
export function jwkToPublicKey(jwk: P256Jwk): KeyObject {
  try {
    return createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
  } catch (err) {
    throw new ConsortiaError(
      IdentityAgentErrorCodes.DID_DOCUMENT_INVALID,
      'a publicKeyJwk is not a valid P-256 public key',
      undefined,
      { cause: err },
    );
  }
}

/**
 * The DID a key founds: `did:consortia:` + hex of the first 16 bytes of its RFC 7638 JWK
 * thumbprint (SHA-256 over `{"crv","kty","x","y"}` in that order, no whitespace).
 *
 * @example
 * didFromJwk(publicKeyToJwk(keys.publicKey)); // 'did:consortia:3f1c…'
 */
export function didFromJwk(jwk: P256Jwk): string {
  const thumbprintInput = canonicalJson({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return `${DID_METHOD_PREFIX}${toHex(sha256(utf8(thumbprintInput)).subarray(0, 16))}`;
}

interface JwsHeader {
  alg: 'ES256';
  b64: false;
  crit: ['b64'];
  kid: string;
}

function signingInput(encodedHeader: string, payload: Uint8Array): Uint8Array {
  const prefix = utf8(`${encodedHeader}.`);
  const out = new Uint8Array(prefix.byteLength + payload.byteLength);
  out.set(prefix, 0);
  out.set(payload, prefix.byteLength);
  return out;
}

/**
 * Signs the canonical JSON of `payload` as a detached, unencoded-payload JWS (RFC 7515 with
 * RFC 7797 `b64: false`): `base64url(header) + '..' + base64url(ES256 signature)`. The header
 * names the key in `kid`.
 *
 * @example
 * const proof = signDetached(privateKey, `${did}#key-1`, { nonce, domain });
 */
export function signDetached(
  privateKey: KeyObject,
  verificationMethod: string,
  payload: unknown,
): DetachedProof {
  const header: JwsHeader = { alg: 'ES256', b64: false, crit: ['b64'], kid: verificationMethod };
  const encodedHeader = toBase64Url(utf8(canonicalJson(header)));
  const signature = signBytes(privateKey, signingInput(encodedHeader, utf8(canonicalJson(payload))));
  return { verificationMethod, jws: `${encodedHeader}..${toBase64Url(signature)}` };
}

/**
 * Verifies a detached proof over the canonical JSON of `payload` with `publicKey`. Throws
 * PROOF_MALFORMED when the JWS is not one this SDK makes (ES256, b64 false, kid = the proof's
 * verificationMethod) and PROOF_INVALID when the signature does not verify.
 *
 * @example
 * verifyDetached(issuerKey, vc.proof, unsignedCredential);
 */
export function verifyDetached(publicKey: KeyObject, proof: DetachedProof, payload: unknown): void {
  const parts = proof.jws.split('.');
  const [encodedHeader, middle, encodedSignature] = parts;
  const headerBytes = encodedHeader === undefined ? undefined : fromBase64Url(encodedHeader);
  const signature = encodedSignature === undefined ? undefined : fromBase64Url(encodedSignature);
  if (parts.length !== 3 || middle !== '' || !headerBytes || !signature || signature.byteLength !== 64) {
    throw malformed('the JWS must be <base64url header>..<base64url 64-byte signature>');
  }
  let header: Partial<JwsHeader>;
  try {
    header = JSON.parse(Buffer.from(headerBytes).toString('utf8')) as Partial<JwsHeader>;
  } catch {
    throw malformed('the JWS header is not JSON');
  }
  if (
    header === null ||
    typeof header !== 'object' ||
    header.alg !== 'ES256' ||
    header.b64 !== false ||
    !Array.isArray(header.crit) ||
    header.crit.length !== 1 ||
    header.crit[0] !== 'b64'
  ) {
    throw malformed('the JWS header must be {"alg":"ES256","b64":false,"crit":["b64"],"kid":…}');
  }
  if (header.kid !== proof.verificationMethod) {
    throw malformed(`the JWS kid ${String(header.kid)} is not the proof's verificationMethod`);
  }
  const data = signingInput(encodedHeader!, utf8(canonicalJson(payload)));
  if (!verifyBytes(publicKey, data, signature)) {
    throw new ConsortiaError(
      IdentityAgentErrorCodes.PROOF_INVALID,
      `the signature by ${proof.verificationMethod} does not verify: the signed data was changed or another key signed it`,
      { verificationMethod: proof.verificationMethod },
    );
  }
}

function malformed(why: string): ConsortiaError {
  return new ConsortiaError(IdentityAgentErrorCodes.PROOF_MALFORMED, `the proof is malformed: ${why}`);
}

/**
 * Lowercase hex SHA-256 of the canonical JSON of `value` (credential digests, status ids).
 *
 * @example
 * canonicalDigest(vc); // '9f86d0…'
 */
export function canonicalDigest(value: unknown): string {
  return sha256Hex(utf8(canonicalJson(value)));
}
