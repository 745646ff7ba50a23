/**
 * Typed claims about IoT devices (use case 2 of seed 001, "Conceptual Design"), and the RFC 9039
 * device identifiers they are about.
 */
import { z } from 'zod';

/**
 * RFC 9039 device URNs: `urn:dev:mac:<EUI-48 or EUI-64 hex>`, `urn:dev:ow:<16 hex>`,
 * `urn:dev:org:<PEN>-<id>`, `urn:dev:os:<PEN>-<serial>`, `urn:dev:ops:<PEN>-<product>-<serial>`.
 */
export const DEVICE_ID_PATTERN =
  /^urn:dev:(?:mac:[0-9a-f]{12}(?:[0-9a-f]{4})?|ow:[0-9a-f]{16}|(?:org|os):[1-9][0-9]{0,9}-[A-Za-z0-9._]{1,64}|ops:[1-9][0-9]{0,9}-[A-Za-z0-9._]{1,64}-[A-Za-z0-9._]{1,64})$/;

/** Who is attesting, as the attester declares it (verifiers decide whom they trust). */
export const ATTESTER_ROLES = [
  'oem',
  'operator',
  'service-provider',
  'certification-body',
  'security-org',
  'peer-device',
] as const;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hash: 64 lowercase hex characters');
const isoTime = z.iso.datetime({ error: 'must be an ISO 8601 UTC time such as 2025-01-31T12:00:00Z' });
const label = z.string().trim().min(1).max(128);

/** The OEM's verified-boot measurement of a firmware image. */
export const verifiedBootClaim = z.strictObject({
  type: z.literal('verified-boot'),
  firmwareVersion: label,
  firmwareHash: sha256Hex,
  result: z.enum(['pass', 'fail']),
});

/** The device's hardware root of trust. */
export const rootOfTrustClaim = z.strictObject({
  type: z.literal('root-of-trust'),
  kind: z.enum(['tpm2', 'secure-element', 'trustzone', 'none']),
  certificateFingerprint: sha256Hex.optional(),
});

/** A certification (e.g. CTIA IoT Cybersecurity, Zigbee) of the device's model. */
export const certificationClaim = z.strictObject({
  type: z.literal('certification'),
  program: label,
  level: label.optional(),
  certificateId: label,
  validUntil: isoTime,
});

/** A network operator's or service partner's security assessment, scored 0 to 100. */
export const securityAssessmentClaim = z.strictObject({
  type: z.literal('security-assessment'),
  rating: z.number().int().min(0).max(100),
  method: label,
});

/** A report of malicious activity observed from the device. */
export const maliciousActivityClaim = z.strictObject({
  type: z.literal('malicious-activity'),
  category: z.enum(['botnet', 'scanning', 'spam', 'ddos', 'malware', 'unauthorised-access', 'other']),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  observedAt: isoTime,
  evidenceHash: sha256Hex.optional(),
});

/** A nearby device correlating the device's data with its own (e.g. temperature, field of view). */
export const peerObservationClaim = z.strictObject({
  type: z.literal('peer-observation'),
  metric: label,
  consistent: z.boolean(),
  observedAt: isoTime,
});

export const claimSchema = z.discriminatedUnion('type', [
  verifiedBootClaim,
  rootOfTrustClaim,
  certificationClaim,
  securityAssessmentClaim,
  maliciousActivityClaim,
  peerObservationClaim,
]);

export type DeviceClaim = z.infer<typeof claimSchema>;
export type ClaimType = DeviceClaim['type'];
export type AttesterRole = (typeof ATTESTER_ROLES)[number];

/** Which claims each role may make (a certification from the OEM itself would be self-certification). */
export const CLAIMS_BY_ROLE: Readonly<Record<AttesterRole, readonly ClaimType[]>> = {
  oem: ['verified-boot', 'root-of-trust'],
  operator: ['security-assessment', 'malicious-activity'],
  'service-provider': ['security-assessment', 'malicious-activity'],
  'certification-body': ['certification'],
  'security-org': ['security-assessment', 'malicious-activity'],
  'peer-device': ['peer-observation', 'malicious-activity'],
};
