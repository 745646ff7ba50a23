import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ConsortiaError, utf8 } from '../../common/index.js';
import { sha256Hex } from '../../crypto/index.js';
import type { CredentialStatusSource } from './credentialStatus.js';
import { assertDid, didOfUrl } from './did.js';
import { type DidResolver, findKey } from './didDocument.js';
import { IdentityAgentErrorCodes } from './errors.js';
import { canonicalDigest, jwkToPublicKey, verifyDetached } from './jose.js';
import type { LocalDid } from './localDid.js';
import { parseWith } from './schemaError.js';

/** The W3C Verifiable Credentials Data Model 2.0 context. */
export const VC_CONTEXT_V2 = 'https://www.w3.org/ns/credentials/v2';
/**
 * The proof type of this SDK: a detached ES256 JWS (RFC 7515 + RFC 7797, `b64: false`) over the
 * canonical JSON (sorted keys, no whitespace) of the document with its proof minus `jws`. It is
 * not a W3C Data Integrity cryptosuite and involves no JSON-LD processing.
 */
export const CONSORTIA_PROOF_TYPE = 'ConsortiaJwsSignature2025';
/** The credentialStatus type: an entry of the ledger's `attestations` status list. */
export const CONSORTIA_STATUS_TYPE = 'ConsortiaLedgerStatus2025';

const iso = z.iso.datetime({ error: 'must be an ISO 8601 UTC time such as 2025-01-31T12:00:00.000Z' });
const typeName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'must be a type name such as ISPAccountAttestation');
const uri = z
  .string()
  .max(256)
  .regex(/^[a-z][a-z0-9+.-]*:\S+$/, 'must be a URI such as urn:uuid:…');

export const proofSchema = z.strictObject({
  type: z.literal(CONSORTIA_PROOF_TYPE),
  created: iso,
  verificationMethod: z.string().min(1).max(200),
  proofPurpose: z.enum(['assertionMethod', 'authentication']),
  challenge: z.string().max(128).optional(),
  domain: z.string().max(253).optional(),
  jws: z.string().min(1).max(1024),
});

export const credentialSchema = z.strictObject({
  '@context': z
    .array(z.string().min(1).max(256))
    .min(1)
    .max(8)
    .refine((c) => c[0] === VC_CONTEXT_V2, `the first context must be ${VC_CONTEXT_V2}`),
  id: uri,
  type: z
    .array(typeName)
    .min(2)
    .max(8)
    .refine((t) => t[0] === 'VerifiableCredential', 'the first type must be VerifiableCredential'),
  issuer: z.string().max(200),
  name: z.string().max(200).optional(),
  description: z.string().max(1000).optional(),
  validFrom: iso,
  validUntil: iso.optional(),
  credentialSubject: z.looseObject({ id: z.string().max(200) }),
  credentialStatus: z.strictObject({
    id: uri,
    type: z.literal(CONSORTIA_STATUS_TYPE),
    statusId: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters'),
  }),
  proof: proofSchema,
});

/** The proof of a credential or presentation. */
export type ConsortiaProof = z.infer<typeof proofSchema>;

/** A W3C Verifiable Credential (data model 2.0 shape) with a Consortia proof. */
export type VerifiableCredential = z.infer<typeof credentialSchema>;

/** What a verifier learns from a credential that verified. */
export interface VerifiedCredential {
  readonly credential: VerifiableCredential;
  readonly issuer: string;
  readonly subject: string;
  readonly types: readonly string[];
  readonly statusId: string;
}

/** JSON values that may be claims. */
export type ClaimValue = string | number | boolean | null | ClaimValue[] | { [k: string]: ClaimValue };

export interface IssueCredentialOptions {
  readonly issuer: LocalDid;
  /** The subject (and holder) DID. */
  readonly subject: string;
  /** The credential type after VerifiableCredential, e.g. `ISPAccountAttestation`. */
  readonly type: string;
  readonly claims: Readonly<Record<string, ClaimValue>>;
  readonly name?: string;
  readonly description?: string;
  /** Default: now. */
  readonly validFrom?: Date;
  readonly validUntil?: Date;
  /** Default: a fresh `urn:uuid:`. */
  readonly id?: string;
  /** Default: new Date(). */
  readonly now?: Date;
}

/**
 * The status id of a credential: SHA-256 (hex) of its id, its key in the ledger's status list.
 *
 * @example
 * statusIdOf('urn:uuid:5b6c…'); // 'e3b0c4…'
 */
export function statusIdOf(credentialId: string): string {
  return sha256Hex(utf8(credentialId));
}

/**
 * The digest the status list anchors: SHA-256 (hex) of the canonical JSON of the signed credential.
 *
 * @example
 * entry.digest === credentialDigest(vc); // the anchored credential is this one
 */
export function credentialDigest(vc: VerifiableCredential): string {
  return canonicalDigest(vc);
}

/**
 * What a proof signs: the document with its proof minus `jws`.
 *
 * @example
 * verifyDetached(key, vc.proof, proofPayload(vc));
 */
export function proofPayload<T extends { proof: { jws: string } }>(doc: T): Record<string, unknown> {
  const { jws: _jws, ...proofOptions } = doc.proof;
  return { ...doc, proof: proofOptions };
}

/**
 * Issues a credential: signs it with the issuer's current assertion key. Anchor it on the ledger
 * (CredentialStatusClient.anchor) before delivering it, or verifiers refuse it as not anchored.
 *
 * @example
 * const vc = issueCredential({ issuer: isp, subject: alice.did, type: 'ISPAccountAttestation', claims: { accountType: 'fibre' } });
 */
export function issueCredential(opts: Readonly<IssueCredentialOptions>): VerifiableCredential {
  assertDid(opts.subject, 'subject');
  const now = opts.now ?? new Date();
  const id = opts.id ?? `urn:uuid:${randomUUID()}`;
  const statusId = statusIdOf(id);
  const unsigned = {
    '@context': [VC_CONTEXT_V2],
    id,
    type: ['VerifiableCredential', opts.type],
    issuer: opts.issuer.did,
    ...(opts.name === undefined ? {} : { name: opts.name }),
    ...(opts.description === undefined ? {} : { description: opts.description }),
    validFrom: (opts.validFrom ?? now).toISOString(),
    ...(opts.validUntil === undefined ? {} : { validUntil: opts.validUntil.toISOString() }),
    credentialSubject: { ...opts.claims, id: opts.subject },
    credentialStatus: { id: `urn:consortia:attestations:${statusId}`, type: CONSORTIA_STATUS_TYPE, statusId },
  };
  const proofOptions = {
    type: CONSORTIA_PROOF_TYPE as typeof CONSORTIA_PROOF_TYPE,
    created: now.toISOString(),
    verificationMethod: opts.issuer.assertionKeyId,
    proofPurpose: 'assertionMethod' as const,
  };
  const { jws } = opts.issuer.sign({ ...unsigned, proof: proofOptions }, 'assertionMethod');
  // Parsing checks that the issuer produced what verifiers accept (types, sizes).
  return parseWith(
    credentialSchema,
    { ...unsigned, proof: { ...proofOptions, jws } },
    IdentityAgentErrorCodes.CREDENTIAL_MALFORMED,
    'credential',
  );
}

export interface VerifyCredentialOptions {
  readonly resolver: DidResolver;
  readonly status: CredentialStatusSource;
  /** Default: new Date(). */
  readonly now?: Date;
  /** When given, the credential's types must include this one. */
  readonly requiredType?: string;
  /** When given, the issuer DID must be one of these. */
  readonly trustedIssuers?: readonly string[];
}

function fail(code: string, message: string, detail?: Record<string, unknown>): never {
  throw new ConsortiaError(code, message, detail);
}

/**
 * Verifies a credential, in this order: shape (CREDENTIAL_MALFORMED with the failing path),
 * DIDs (DID_MALFORMED), that the proof key belongs to the issuer (PROOF_ISSUER_MISMATCH), type
 * and issuer policy (CREDENTIAL_TYPE_MISMATCH, ISSUER_NOT_TRUSTED), the issuer DID resolved from
 * the ledger (DID_DEACTIVATED), the key's assertionMethod relationship (KEY_NOT_AUTHORISED), the
 * signature (PROOF_INVALID: any changed field), the validity period (CREDENTIAL_NOT_YET_VALID,
 * CREDENTIAL_EXPIRED) and the ledger status list (CREDENTIAL_NOT_ANCHORED, STATUS_MISMATCH,
 * CREDENTIAL_REVOKED, CREDENTIAL_SUPERSEDED).
 *
 * @example
 * const { subject } = await verifyCredential(vc, { resolver: registry, status: statusList, trustedIssuers: [bankDid] });
 */
export async function verifyCredential(
  value: unknown,
  opts: Readonly<VerifyCredentialOptions>,
): Promise<VerifiedCredential> {
  const vc = parseWith(credentialSchema, value, IdentityAgentErrorCodes.CREDENTIAL_MALFORMED, 'credential');
  assertDid(vc.issuer, 'issuer');
  assertDid(vc.credentialSubject.id, 'credentialSubject.id');
  if (vc.credentialStatus.statusId !== statusIdOf(vc.id)) {
    fail(
      IdentityAgentErrorCodes.CREDENTIAL_MALFORMED,
      'the credential is invalid at credentialStatus.statusId: it is not the SHA-256 of the credential id',
      {
        path: 'credentialStatus.statusId',
      },
    );
  }
  if (vc.proof.proofPurpose !== 'assertionMethod' || didOfUrl(vc.proof.verificationMethod) !== vc.issuer) {
    fail(
      IdentityAgentErrorCodes.PROOF_ISSUER_MISMATCH,
      `the credential claims issuer ${vc.issuer} but its proof is by ${vc.proof.verificationMethod} for ${vc.proof.proofPurpose}`,
      { issuer: vc.issuer, verificationMethod: vc.proof.verificationMethod },
    );
  }
  if (opts.requiredType !== undefined && !vc.type.includes(opts.requiredType)) {
    fail(
      IdentityAgentErrorCodes.CREDENTIAL_TYPE_MISMATCH,
      `the credential is a ${vc.type.slice(1).join(', ')}, not a ${opts.requiredType}`,
      {
        required: opts.requiredType,
        types: vc.type,
      },
    );
  }
  if (opts.trustedIssuers !== undefined && !opts.trustedIssuers.includes(vc.issuer)) {
    fail(
      IdentityAgentErrorCodes.ISSUER_NOT_TRUSTED,
      `this verifier does not accept credentials issued by ${vc.issuer}`,
      {
        issuer: vc.issuer,
      },
    );
  }
  const issuer = await opts.resolver.resolve(vc.issuer);
  if (issuer.metadata.deactivated) {
    fail(
      IdentityAgentErrorCodes.DID_DEACTIVATED,
      `the issuer ${vc.issuer} is deactivated; its credentials no longer verify`,
      {
        did: vc.issuer,
      },
    );
  }
  const vm = findKey(issuer.didDocument, vc.proof.verificationMethod, 'assertionMethod');
  verifyDetached(jwkToPublicKey(vm.publicKeyJwk), vc.proof, proofPayload(vc));

  const now = (opts.now ?? new Date()).getTime();
  if (Date.parse(vc.validFrom) > now) {
    fail(
      IdentityAgentErrorCodes.CREDENTIAL_NOT_YET_VALID,
      `the credential is valid only from ${vc.validFrom}`,
      {
        validFrom: vc.validFrom,
      },
    );
  }
  if (vc.validUntil !== undefined && Date.parse(vc.validUntil) <= now) {
    fail(IdentityAgentErrorCodes.CREDENTIAL_EXPIRED, `the credential expired at ${vc.validUntil}`, {
      validUntil: vc.validUntil,
    });
  }

  const statusId = vc.credentialStatus.statusId;
  const entry = await opts.status.getStatus(statusId);
  if (!entry) {
    fail(
      IdentityAgentErrorCodes.CREDENTIAL_NOT_ANCHORED,
      `credential ${vc.id} is not anchored in the ledger's status list`,
      {
        statusId,
      },
    );
  }
  const controller = issuer.metadata.controller;
  if (
    entry.issuerDid !== vc.issuer ||
    entry.digest !== credentialDigest(vc) ||
    entry.registrant.mspId !== controller.mspId ||
    entry.registrant.name !== controller.name
  ) {
    fail(
      IdentityAgentErrorCodes.STATUS_MISMATCH,
      `the ledger's status entry for ${vc.id} was not anchored for this credential by its issuer's ledger identity`,
      { statusId },
    );
  }
  if (entry.status === 'revoked') {
    fail(
      IdentityAgentErrorCodes.CREDENTIAL_REVOKED,
      `the issuer revoked credential ${vc.id}: ${entry.revocation?.reason ?? 'no reason given'}`,
      {
        statusId,
        reasonCodes: entry.revocation?.reasonCodes ?? [],
      },
    );
  }
  if (entry.status === 'superseded') {
    fail(
      IdentityAgentErrorCodes.CREDENTIAL_SUPERSEDED,
      `credential ${vc.id} was amended; present the newer credential`,
      {
        statusId,
        supersededBy: entry.supersededBy,
      },
    );
  }
  return { credential: vc, issuer: vc.issuer, subject: vc.credentialSubject.id, types: vc.type, statusId };
}
