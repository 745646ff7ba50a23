/**
 * The message objects of seed 001, use case 6 ("Message Objects"), with zod schemas. They extend
 * schema.org Actions; `identifier` is the attestation action's id, shared by a request and the
 * replies linked to it. Every message may carry a `proof` by its sender's DID (see messageProofs.ts).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { credentialSchema } from './credentials.js';
import { DID_PATTERN } from './did.js';
import { IdentityAgentErrorCodes } from './errors.js';
import { presentationSchema } from './presentations.js';
import { parseWith } from './schemaError.js';

/** The seed's schema origins (it uses both). */
export const MESSAGE_CONTEXTS = [
  'http://schema.entethalliance.org/',
  'http://schema.identity.foundation/',
] as const;
/** The attestation format this SDK produces: a W3C VC 2.0 with a Consortia JWS proof. */
export const ATTESTATION_FORMAT = 'vc+consortia-jws';

const context = z.enum(MESSAGE_CONTEXTS);
const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9:._-]+$/, 'must be an id such as urn:uuid:…');
const did = z.string().regex(DID_PATTERN, 'must be a did:consortia DID');
const typeName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'must be a type name such as ISPAccountAttestation');
const tags = z.array(z.string().min(1).max(64)).max(32);
const description = z.string().min(1).max(1000);
const format = z.string().regex(/^[A-Za-z0-9.+/-]{1,64}$/, 'must be a format token such as vc+consortia-jws');
const reason = z.union([z.string().min(1).max(1000), z.array(z.string().min(1).max(1000)).min(1).max(8)]);
const iso = z.iso.datetime({ error: 'must be an ISO 8601 UTC time' });
const uri = z
  .string()
  .max(256)
  .regex(/^[a-z][a-z0-9+.-]*:\S+$/, 'must be a URI');
const proof = z
  .strictObject({ verificationMethod: z.string().min(1).max(200), jws: z.string().min(1).max(1024) })
  .optional();

/** A signed credential or a presentation. */
const attestationPayload = z.union([credentialSchema, presentationSchema]);

/** What a precondition asks for (PreconditionsAttestation). */
export const preconditionDescriptorSchema = z.strictObject({
  attestationType: typeName,
  description,
  tags: tags.optional(),
  acceptedIssuers: z.array(did).min(1).max(16).optional(),
  format: format.optional(),
});

/** An attestation an issuer can provide (OfferAttestation). */
export const attestationDescriptorSchema = z.strictObject({
  attestationType: typeName,
  tags,
  description,
  formats: z.array(format).min(1).max(8),
});

/** PERMISSION_OCAP: what `grantee` may do with `grantor`'s attestations. */
export const permissionSchema = z.strictObject({
  id: identifier,
  grantor: did,
  grantee: did,
  actions: z
    .array(z.enum(['retrieve']))
    .min(1)
    .max(1),
  attestationTypes: z.array(typeName).min(1).max(16),
});

/** The seed's optional timeout for access permissions: at most one year, in seconds. */
export const MAX_ACCESS_TIMEOUT_SECONDS = 365 * 24 * 3600;

const base = <T extends string>(type: T) => ({ '@context': context, '@type': z.literal(type), proof });

export const requestAttestationSchema = z.strictObject({
  ...base('RequestAttestation'),
  identifier,
  for: z.array(did).min(1).max(8),
  format,
  attestationType: typeName.optional(),
  expiration: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('deadline for issuance, seconds since the epoch'),
  description,
  tags,
  preconditions: z.array(attestationPayload).max(8).optional(),
});

export const denyAttestationSchema = z.strictObject({
  ...base('DenyAttestation'),
  identifier,
  purpose: reason,
});

export const preconditionsAttestationSchema = z.strictObject({
  ...base('PreconditionsAttestation'),
  identifier,
  preconditions: z.array(preconditionDescriptorSchema).min(1).max(8),
});

export const offerAttestationSchema = z.strictObject({
  ...base('OfferAttestation'),
  identifier,
  availableAttestations: z.array(attestationDescriptorSchema).min(1).max(16),
});

export const deliverAttestationSchema = z.strictObject({
  ...base('DeliverAttestation'),
  identifier,
  object: credentialSchema,
  description,
  tags,
  format: format.optional(),
  deliveredAt: iso.optional(),
});

export const presentAttestationSchema = z.strictObject({
  ...base('PresentAttestation'),
  identifier: identifier.optional(),
  object: attestationPayload,
  description,
  tags,
  format: format.optional(),
});

export const signAttestationSchema = z.strictObject({
  ...base('SignAttestation'),
  identifier,
  object: z.union([credentialSchema, credentialSchema.omit({ proof: true })]),
  description,
  tags,
  format: format.optional(),
  deliveredAt: iso.optional(),
});

export const revokeAttestationSchema = z.strictObject({
  ...base('RevokeAttestation'),
  identifier,
  object: z.strictObject({ id: uri, description: description.optional(), tags: tags.optional() }),
  result: z.strictObject({
    revocationCodes: z
      .array(
        z.enum([
          'unspecified',
          'keyCompromise',
          'affiliationChanged',
          'superseded',
          'cessationOfOperation',
          'certificateHold',
          'privilegeWithdrawn',
        ]),
      )
      .min(1)
      .max(7),
    statusId: z.string().regex(/^[0-9a-f]{64}$/, 'must be the status id (64 lowercase hex)'),
    transactionId: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  }),
  purpose: reason,
});

export const amendAttestationSchema = z.strictObject({
  ...base('AmendAttestation'),
  identifier,
  object: credentialSchema,
  replaces: z.strictObject({ id: uri, attestation: credentialSchema.optional() }),
  delta: z.record(z.string().max(64), z.unknown()).optional(),
  purpose: reason,
});

export const requestAccessSchema = z.strictObject({
  ...base('RequestAccess'),
  identifier: identifier.optional(),
  object: permissionSchema,
  purpose: reason,
});

export const grantAccessSchema = z.strictObject({
  ...base('GrantAccess'),
  identifier: identifier.optional(),
  object: permissionSchema,
  purpose: reason.optional(),
  startTime: iso,
  timeout: z
    .number()
    .int()
    .positive()
    .max(MAX_ACCESS_TIMEOUT_SECONDS)
    .optional()
    .describe('seconds after startTime when the permission lapses'),
});

export const denyAccessSchema = z.strictObject({
  ...base('DenyAccess'),
  identifier: identifier.optional(),
  object: permissionSchema,
  purpose: reason,
});

export const retractAccessSchema = z.strictObject({
  ...base('RetractAccess'),
  identifier: identifier.optional(),
  object: permissionSchema,
  purpose: reason,
});

export const retrieveAttestationsSchema = z.strictObject({
  ...base('RetrieveAttestations'),
  identifier,
  object: z.strictObject({
    permission: identifier,
    attestationTypes: z.array(typeName).min(1).max(16),
    challenge: z.strictObject({
      nonce: z.string().regex(/^[0-9a-f]{64}$/, 'must be a challenge nonce (64 lowercase hex)'),
      domain: z.string().min(1).max(253),
      issuedAt: iso.optional(),
      expiresAt: iso.optional(),
    }),
  }),
  description: description.optional(),
  tags: tags.optional(),
});

export const attestationMessageSchema = z.discriminatedUnion('@type', [
  requestAttestationSchema,
  denyAttestationSchema,
  preconditionsAttestationSchema,
  offerAttestationSchema,
  deliverAttestationSchema,
  presentAttestationSchema,
  signAttestationSchema,
  revokeAttestationSchema,
  amendAttestationSchema,
  requestAccessSchema,
  grantAccessSchema,
  denyAccessSchema,
  retractAccessSchema,
  retrieveAttestationsSchema,
]);

export type RequestAttestation = z.infer<typeof requestAttestationSchema>;
export type DenyAttestation = z.infer<typeof denyAttestationSchema>;
export type PreconditionsAttestation = z.infer<typeof preconditionsAttestationSchema>;
export type OfferAttestation = z.infer<typeof offerAttestationSchema>;
export type DeliverAttestation = z.infer<typeof deliverAttestationSchema>;
export type PresentAttestation = z.infer<typeof presentAttestationSchema>;
export type SignAttestation = z.infer<typeof signAttestationSchema>;
export type RevokeAttestation = z.infer<typeof revokeAttestationSchema>;
export type AmendAttestation = z.infer<typeof amendAttestationSchema>;
export type RequestAccess = z.infer<typeof requestAccessSchema>;
export type GrantAccess = z.infer<typeof grantAccessSchema>;
export type DenyAccess = z.infer<typeof denyAccessSchema>;
export type RetractAccess = z.infer<typeof retractAccessSchema>;
export type RetrieveAttestations = z.infer<typeof retrieveAttestationsSchema>;
export type AccessPermission = z.infer<typeof permissionSchema>;
export type AttestationMessage = z.infer<typeof attestationMessageSchema>;
export type AttestationMessageType = AttestationMessage['@type'];

/**
 * Validates a received message (e.g. parsed JSON) against the schema of its `@type`. Throws
 * MESSAGE_INVALID naming the first failing path (`detail.path`) and listing every issue.
 *
 * @example
 * const msg = parseAttestationMessage(JSON.parse(body));
 * if (msg['@type'] === 'GrantAccess') wallet.recordGrant(msg);
 */
export function parseAttestationMessage(value: unknown): AttestationMessage {
  return parseWith(
    attestationMessageSchema,
    value,
    IdentityAgentErrorCodes.MESSAGE_INVALID,
    'message',
  ) as AttestationMessage;
}

/**
 * Validates a message and checks that it is of the expected `@type` (MESSAGE_INVALID otherwise).
 *
 * @example
 * const grant = parseMessageOfType(received, 'GrantAccess');
 */
export function parseMessageOfType<T extends AttestationMessageType>(
  value: unknown,
  type: T,
): Extract<AttestationMessage, { '@type': T }> {
  const msg = parseAttestationMessage(value);
  if (msg['@type'] !== type) {
    return parseWith(
      z.object({ '@type': z.literal(type) }),
      msg,
      IdentityAgentErrorCodes.MESSAGE_INVALID,
      'message',
    ) as never;
  }
  return msg as Extract<AttestationMessage, { '@type': T }>;
}

/**
 * A fresh message or permission identifier (`urn:uuid:…`).
 *
 * @example
 * const request: RequestAttestation = { '@context': MESSAGE_CONTEXTS[0], '@type': 'RequestAttestation', identifier: newMessageId(), … };
 */
export function newMessageId(): string {
  return `urn:uuid:${randomUUID()}`;
}
