/**
 * Schemas and checks of `did:consortia` DID documents and the key-signed operations that create,
 * update and deactivate them. Shared by the contract's transactions; the SDK has its own copy of
 * the syntax (src/gateway/identityAgents), since contracts import only the contract API and zod.
 */
import { z } from 'zod';
import { ContractError } from '../../src/contract/index.js';

/** `did:consortia:` followed by 32 lowercase hex characters (a truncated SHA-256 JWK thumbprint). */
export const DID_PATTERN = /^did:consortia:[0-9a-f]{32}$/;
/** A DID URL fragment such as `key-1` or `agent`. */
const FRAGMENT_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** At most this many operations per DID (create + updates + deactivation). */
export const MAX_DID_VERSIONS = 1000;

const b64url32 = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a 32-byte base64url coordinate (43 characters, no padding)');

/** A P-256 public key as a JSON Web Key (RFC 7517), public members only. */
export const jwkSchema = z.strictObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: b64url32,
  y: b64url32,
});

const didUrl = z.string().min(1).max(200).describe('a DID URL: <did>#<fragment>');

export const verificationMethodSchema = z.strictObject({
  id: didUrl,
  type: z.literal('JsonWebKey2020'),
  controller: z.string().max(128),
  publicKeyJwk: jwkSchema,
});

export const serviceSchema = z.strictObject({
  id: didUrl,
  type: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'must be a service type such as IdentityHub'),
  serviceEndpoint: z
    .string()
    .max(2048)
    .regex(/^https:\/\/[^\s]+$/, 'must be an https URL'),
});

export const DID_CONTEXT = 'https://www.w3.org/ns/did/v1';

/** A DID document (W3C DID Core 1.0) restricted to what this method supports. */
export const didDocumentSchema = z.strictObject({
  '@context': z.array(z.string().min(1).max(256)).min(1).max(4),
  id: z.string().max(128),
  verificationMethod: z.array(verificationMethodSchema).min(1).max(8),
  authentication: z.array(didUrl).min(1).max(8),
  assertionMethod: z.array(didUrl).max(8).optional(),
  service: z.array(serviceSchema).max(8).optional(),
});

export type DidDocument = z.infer<typeof didDocumentSchema>;

/** The detached signature of an operation by a key of the DID (checked by resolvers, see below). */
export const operationProofSchema = z.strictObject({
  verificationMethod: didUrl,
  jws: z
    .string()
    .max(1024)
    .regex(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/, 'must be a detached JWS: <header>..<signature>'),
});

export type OperationProof = z.infer<typeof operationProofSchema>;

function invalid(path: string, message: string): ContractError {
  return new ContractError('DID_DOCUMENT_INVALID', `the DID document is invalid at ${path}: ${message}`, {
    path,
  });
}

/** The fragment of `url` when it is `<did>#<fragment>`, else throws DID_DOCUMENT_INVALID at `path`. */
function fragmentOf(did: string, url: string, path: string): string {
  const prefix = `${did}#`;
  const fragment = url.startsWith(prefix) ? url.slice(prefix.length) : '';
  if (!FRAGMENT_PATTERN.test(fragment)) {
    throw invalid(
      path,
      `${JSON.stringify(url.slice(0, 80))} must be ${did}#<fragment> (letters, digits, . _ -)`,
    );
  }
  return fragment;
}

/**
 * Checks what the schema cannot: the document is about `did`, ids are DID URLs of `did` and
 * unique, verification relationships point at keys of the document, and it uses the DID context.
 */
export function checkDocument(did: string, doc: DidDocument): void {
  if (doc['@context'][0] !== DID_CONTEXT) throw invalid('@context[0]', `must be ${DID_CONTEXT}`);
  if (doc.id !== did) throw invalid('id', `must be the DID itself (${did})`);
  const keyIds = new Set<string>();
  doc.verificationMethod.forEach((vm, i) => {
    fragmentOf(did, vm.id, `verificationMethod[${i}].id`);
    if (keyIds.has(vm.id)) throw invalid(`verificationMethod[${i}].id`, `${vm.id} appears twice`);
    keyIds.add(vm.id);
    if (vm.controller !== did) throw invalid(`verificationMethod[${i}].controller`, `must be ${did}`);
  });
  for (const rel of ['authentication', 'assertionMethod'] as const) {
    (doc[rel] ?? []).forEach((ref, i) => {
      if (!keyIds.has(ref))
        throw invalid(`${rel}[${i}]`, `${ref} is not a verificationMethod of the document`);
    });
  }
  const serviceIds = new Set<string>();
  (doc.service ?? []).forEach((s, i) => {
    fragmentOf(did, s.id, `service[${i}].id`);
    if (serviceIds.has(s.id) || keyIds.has(s.id)) throw invalid(`service[${i}].id`, `${s.id} is used twice`);
    serviceIds.add(s.id);
  });
}

/** Throws DID_KEY_NOT_AUTHORISED unless `proof` names an authentication key of `doc`. */
export function checkProofKey(doc: DidDocument, proof: OperationProof): void {
  if (!doc.authentication.includes(proof.verificationMethod)) {
    throw new ContractError(
      'DID_KEY_NOT_AUTHORISED',
      `${proof.verificationMethod} is not an authentication key of ${doc.id}; sign with one of ${doc.authentication.join(', ')}`,
      { verificationMethod: proof.verificationMethod, authentication: doc.authentication },
    );
  }
}
