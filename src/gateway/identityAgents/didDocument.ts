import { z } from 'zod';
import { ConsortiaError } from '../../common/index.js';
import { assertDid, DID_PATTERN } from './did.js';
import { IdentityAgentErrorCodes } from './errors.js';
import { type DetachedProof, didFromJwk, jwkToPublicKey, type P256Jwk, verifyDetached } from './jose.js';
import { parseWith } from './schemaError.js';

export const DID_CONTEXT = 'https://www.w3.org/ns/did/v1';
export const JWS_2020_CONTEXT = 'https://w3id.org/security/suites/jws-2020/v1';

const b64url32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a 32-byte base64url coordinate');
const didUrl = z.string().min(1).max(200);

export const jwkSchema = z.strictObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: b64url32,
  y: b64url32,
});

export const didDocumentSchema = z.strictObject({
  '@context': z.array(z.string().min(1).max(256)).min(1).max(4),
  id: z.string().regex(DID_PATTERN, 'must be a did:consortia DID'),
  verificationMethod: z
    .array(
      z.strictObject({
        id: didUrl,
        type: z.literal('JsonWebKey2020'),
        controller: z.string().max(128),
        publicKeyJwk: jwkSchema,
      }),
    )
    .min(1)
    .max(8),
  authentication: z.array(didUrl).min(1).max(8),
  assertionMethod: z.array(didUrl).max(8).optional(),
  service: z
    .array(
      z.strictObject({
        id: didUrl,
        type: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/),
        serviceEndpoint: z
          .string()
          .max(2048)
          .regex(/^https:\/\/[^\s]+$/, 'must be an https URL'),
      }),
    )
    .max(8)
    .optional(),
});

/** A W3C DID Core 1.0 document of the `did:consortia` method. */
export interface DidDocument {
  readonly '@context': string[];
  readonly id: string;
  readonly verificationMethod: VerificationMethod[];
  readonly authentication: string[];
  readonly assertionMethod?: string[];
  readonly service?: DidService[];
}

export interface VerificationMethod {
  readonly id: string;
  readonly type: 'JsonWebKey2020';
  readonly controller: string;
  readonly publicKeyJwk: P256Jwk;
}

export interface DidService {
  readonly id: string;
  readonly type: string;
  readonly serviceEndpoint: string;
}

/** A ledger identity: MSP id and enrolled name. */
export interface LedgerIdentity {
  readonly mspId: string;
  readonly name: string;
}

/** The did-registry contract's record of a DID. */
export interface DidRecord {
  readonly did: string;
  readonly version: number;
  readonly deactivated: boolean;
  readonly controller: LedgerIdentity;
  readonly created: string;
  readonly updated: string;
}

export type DidOperationType = 'create' | 'update' | 'deactivate';

/** One signed operation as the did-registry contract records it. */
export interface DidOperationRecord {
  readonly did: string;
  readonly version: number;
  readonly type: DidOperationType;
  readonly document?: DidDocument;
  readonly proof: DetachedProof;
  readonly txId: string;
  readonly timestamp: string;
  readonly submitter: LedgerIdentity;
}

/** A resolved DID: its current document and the metadata a verifier needs. */
export interface ResolvedDid {
  readonly didDocument: DidDocument;
  readonly metadata: {
    readonly versionId: number;
    readonly created: string;
    readonly updated: string;
    readonly deactivated: boolean;
    /** The ledger identity that may change the DID on the ledger. */
    readonly controller: LedgerIdentity;
  };
}

/** Anything that resolves DIDs (the ledger client, or a cache in front of it). */
export interface DidResolver {
  resolve(did: string): Promise<ResolvedDid>;
}

/**
 * What an operation's proof signs: `{ did, version, type, document }` (no document for a
 * deactivation).
 *
 * @example
 * signDetached(key, `${did}#key-1`, didOperationPayload({ did, version: 0, type: 'create', document }));
 */
export function didOperationPayload(op: {
  did: string;
  version: number;
  type: DidOperationType;
  document?: DidDocument | undefined;
}): Record<string, unknown> {
  return op.type === 'deactivate'
    ? { did: op.did, version: op.version, type: op.type }
    : { did: op.did, version: op.version, type: op.type, document: op.document };
}

/**
 * Looks up a verification method of `doc` that is listed under `relationship`; throws
 * KEY_NOT_AUTHORISED when there is none.
 *
 * @example
 * const vm = findKey(resolved.didDocument, proof.verificationMethod, 'assertionMethod');
 */
export function findKey(
  doc: DidDocument,
  id: string,
  relationship: 'authentication' | 'assertionMethod',
): VerificationMethod {
  const vm = doc.verificationMethod.find((v) => v.id === id);
  if (!vm || !(doc[relationship] ?? []).includes(id)) {
    throw new ConsortiaError(
      IdentityAgentErrorCodes.KEY_NOT_AUTHORISED,
      `${id} is not an ${relationship} key of ${doc.id} (it may have been rotated out)`,
      { verificationMethod: id, relationship, did: doc.id },
    );
  }
  return vm;
}

function broken(did: string, version: number, why: string, cause?: unknown): ConsortiaError {
  return new ConsortiaError(
    IdentityAgentErrorCodes.DID_HISTORY_INVALID,
    `${did} cannot be trusted: operation ${version} ${why}`,
    { did, version },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Verifies what the ledger holds for a DID and returns its current document: the id derives
 * from the key that signed the creation, every later operation is signed by an authentication
 * key of the version before it, versions run 0..n without gaps, and only the last may be a
 * deactivation. Throws DID_HISTORY_INVALID naming the first operation that fails.
 *
 * @example
 * const { record, operations } = await contract.evaluate('resolveDid', { arguments: { did } });
 * const resolved = verifyDidOperations(did, record, operations);
 */
export function verifyDidOperations(
  did: string,
  record: DidRecord,
  operations: readonly DidOperationRecord[],
): ResolvedDid {
  assertDid(did);
  if (record.did !== did) throw broken(did, 0, `belongs to ${record.did}`);
  if (operations.length !== record.version + 1) {
    throw broken(did, operations.length, `is missing: the record is at version ${record.version}`);
  }
  let current: DidDocument | undefined;
  operations.forEach((op, i) => {
    if (op.did !== did || op.version !== i) throw broken(did, i, 'is out of sequence');
    const expectedType = i === 0 ? 'create' : op.type === 'deactivate' ? 'deactivate' : 'update';
    if (op.type !== expectedType) throw broken(did, i, `is a ${op.type} where a ${expectedType} belongs`);
    if (op.type === 'deactivate' && i !== operations.length - 1)
      throw broken(did, i, 'deactivates mid-chain');
    const doc =
      op.type === 'deactivate'
        ? current
        : (parseWith(
            didDocumentSchema,
            op.document,
            IdentityAgentErrorCodes.DID_DOCUMENT_INVALID,
            'DID document',
          ) as DidDocument);
    if (!doc || doc.id !== did) throw broken(did, i, 'carries a document about another DID');
    // The signing key comes from the previous version (for a creation: from the new document).
    const signerDoc = i === 0 ? doc : current!;
    let vm: VerificationMethod;
    try {
      vm = findKey(signerDoc, op.proof.verificationMethod, 'authentication');
    } catch (err) {
      throw broken(did, i, `is signed by ${op.proof.verificationMethod}, not an authentication key`, err);
    }
    if (i === 0 && didFromJwk(vm.publicKeyJwk) !== did) {
      throw broken(did, 0, 'is signed by a key the DID does not derive from');
    }
    try {
      verifyDetached(
        jwkToPublicKey(vm.publicKeyJwk),
        op.proof,
        didOperationPayload({ ...op, document: doc }),
      );
    } catch (err) {
      throw broken(did, i, 'has a signature that does not verify', err);
    }
    current = doc;
  });
  const last = operations[operations.length - 1]!;
  if ((last.type === 'deactivate') !== record.deactivated)
    throw broken(did, last.version, 'disagrees with the record');
  return {
    didDocument: current!,
    metadata: {
      versionId: record.version,
      created: record.created,
      updated: record.updated,
      deactivated: record.deactivated,
      controller: record.controller,
    },
  };
}
