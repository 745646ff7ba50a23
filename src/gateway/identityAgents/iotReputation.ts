import { z } from 'zod';
import { ConsortiaError } from '../../common/index.js';
import { IdentityAgentErrorCodes } from './errors.js';
import type { ClaimType, DeviceAttestation, DeviceClaim } from './iotTrustClient.js';
import { parseWith } from './schemaError.js';

export const CLAIM_TYPES = [
  'verified-boot',
  'root-of-trust',
  'certification',
  'security-assessment',
  'malicious-activity',
  'peer-observation',
] as const satisfies readonly ClaimType[];

const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
type Severity = (typeof SEVERITIES)[number];
const SEVERITY_FACTOR: Record<Severity, number> = { low: 0.25, medium: 0.5, high: 1, critical: 2 };

/** Points per claim type when a policy gives none (before the attester's weight). */
export const DEFAULT_CLAIM_POINTS: Readonly<Record<ClaimType, number>> = {
  'verified-boot': 20,
  'root-of-trust': 15,
  certification: 30,
  'security-assessment': 20,
  'malicious-activity': 40,
  'peer-observation': 5,
};

const attesterKey = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?:::[A-Za-z0-9][A-Za-z0-9_.@-]{0,127})?$/,
    'must be an org (TelcoA) or an identity (TelcoA::user1)',
  );

/**
 * A verifier's own trust criteria. `trustedAttesters` maps an org (`TelcoA`) or one identity
 * (`TelcoA::user1`, which wins over its org) to a weight in [0, 1]; attesters not listed count
 * for nothing.
 */
export const reputationPolicySchema = z.strictObject({
  name: z.string().min(1).max(64),
  trustedAttesters: z
    .record(attesterKey, z.number().min(0).max(1))
    .refine((r) => Object.keys(r).length > 0, 'must trust at least one attester'),
  claimPoints: z.partialRecord(z.enum(CLAIM_TYPES), z.number().min(0).max(1000)).optional(),
  /** Claim types that must be present, with a positive contribution, from a trusted attester. */
  requiredClaims: z.array(z.enum(CLAIM_TYPES)).max(CLAIM_TYPES.length).optional(),
  /** The score at or above which the device is trusted. */
  threshold: z.number().min(-10_000).max(10_000),
  /** A trusted malicious-activity report of this severity or worse makes the device untrusted. */
  vetoSeverity: z.enum(SEVERITIES).optional(),
  /** At least this many distinct trusted attesters must have counted. Default 1. */
  minTrustedAttesters: z.number().int().min(0).max(100).optional(),
  /** Attestations posted longer ago than this are ignored. */
  maxAgeDays: z.number().int().positive().max(36_500).optional(),
});

export type ReputationPolicy = z.input<typeof reputationPolicySchema>;

const iso = z.iso.datetime();
const attestationListSchema = z.array(
  z.looseObject({
    attestationId: z.string().min(1),
    deviceId: z.string().min(1),
    attester: z.looseObject({ id: z.string().min(1), mspId: z.string().min(1), name: z.string() }),
    attesterDeviceId: z.string().optional(),
    postedAt: iso,
    expiresAt: iso.optional(),
    withdrawn: z.boolean(),
    claim: z.discriminatedUnion('type', [
      z.looseObject({ type: z.literal('verified-boot'), result: z.enum(['pass', 'fail']) }),
      z.looseObject({
        type: z.literal('root-of-trust'),
        kind: z.enum(['tpm2', 'secure-element', 'trustzone', 'none']),
      }),
      z.looseObject({ type: z.literal('certification'), program: z.string(), validUntil: iso }),
      z.looseObject({ type: z.literal('security-assessment'), rating: z.number().int().min(0).max(100) }),
      z.looseObject({
        type: z.literal('malicious-activity'),
        severity: z.enum(SEVERITIES),
        category: z.string(),
      }),
      z.looseObject({ type: z.literal('peer-observation'), metric: z.string(), consistent: z.boolean() }),
    ]),
  }),
);

export interface CountedAttestation {
  readonly attestationId: string;
  readonly attester: string;
  readonly claimType: ClaimType;
  readonly contribution: number;
}

export interface IgnoredAttestation {
  readonly attestationId: string;
  readonly attester: string;
  readonly reason: string;
}

/** One verifier's verdict on one device. */
export interface ReputationVerdict {
  readonly deviceId: string;
  readonly policy: string;
  readonly verdict: 'trusted' | 'untrusted' | 'insufficient-evidence';
  /** Sum of the counted contributions, rounded to 2 decimals. */
  readonly score: number;
  readonly reasons: readonly string[];
  readonly counted: readonly CountedAttestation[];
  readonly ignored: readonly IgnoredAttestation[];
  /** Distinct trusted attesters that counted (the seed's "number of trust relationships"). */
  readonly trustedAttesters: number;
  /** Days since the first attestation about the device (its "lifetime in environment"), or null. */
  readonly lifetimeDays: number | null;
}

function factor(claim: DeviceClaim): number {
  switch (claim.type) {
    case 'verified-boot':
      return claim.result === 'pass' ? 1 : -1;
    case 'root-of-trust':
      return claim.kind === 'none' ? 0 : 1;
    case 'certification':
      return 1;
    case 'security-assessment':
      return (claim.rating - 50) / 50;
    case 'malicious-activity':
      return -SEVERITY_FACTOR[claim.severity];
    case 'peer-observation':
      return claim.consistent ? 1 : -1;
  }
}

/** Claims that replace the same attester's earlier claim of the same kind. Reports accumulate. */
function supersessionKey(a: DeviceAttestation): string | undefined {
  const c = a.claim;
  if (c.type === 'malicious-activity') return undefined;
  const sub =
    c.type === 'certification'
      ? c.program
      : c.type === 'peer-observation'
        ? `${a.attesterDeviceId}|${c.metric}`
        : '';
  return `${a.attester.id}|${c.type}|${sub}`;
}

const DAY_MS = 86_400_000;
const round2 = (n: number) => Math.round(n * 100) / 100 + 0;

/**
 * Evaluates a device's attestations (as fetched from the ledger) with one verifier's policy. A
 * pure function: every verifier runs it itself, with its own criteria, so no central party
 * scores a device. Withdrawn, expired, too old and untrusted attestations are ignored (with the
 * reason); a newer claim of an attester replaces its older claim of the same kind; then the
 * contributions (attester weight × claim points × the claim's sign and strength) are summed.
 * A veto-level malicious-activity report makes the device untrusted; missing required claims or
 * too few trusted attesters give insufficient-evidence; else the threshold decides.
 * Throws POLICY_INVALID or ATTESTATIONS_INVALID for malformed input.
 *
 * @example
 * const v = evaluateDeviceReputation(await iot.list(deviceId), {
 *   name: 'home-gateway', trustedAttesters: { TelcoC: 1, Regulator: 1 }, requiredClaims: ['certification'], threshold: 40,
 * });
 * v.verdict; // 'trusted'
 */
export function evaluateDeviceReputation(
  attestations: readonly DeviceAttestation[],
  policyInput: ReputationPolicy,
  opts: { now?: Date; deviceId?: string } = {},
): ReputationVerdict {
  const policy = parseWith(
    reputationPolicySchema,
    policyInput,
    IdentityAgentErrorCodes.POLICY_INVALID,
    'reputation policy',
  );
  parseWith(
    attestationListSchema,
    attestations,
    IdentityAgentErrorCodes.ATTESTATIONS_INVALID,
    'attestation list',
  );
  const deviceIds = new Set(attestations.map((a) => a.deviceId));
  if (deviceIds.size > 1) {
    throw new ConsortiaError(
      IdentityAgentErrorCodes.ATTESTATIONS_INVALID,
      `the attestation list mixes devices (${[...deviceIds].join(', ')}); evaluate one device at a time`,
    );
  }
  const now = (opts.now ?? new Date()).getTime();
  const points = { ...DEFAULT_CLAIM_POINTS, ...policy.claimPoints };
  const ignored: IgnoredAttestation[] = [];
  const ignore = (a: DeviceAttestation, reason: string) =>
    ignored.push({ attestationId: a.attestationId, attester: a.attester.id, reason });

  const candidates: { a: DeviceAttestation; weight: number }[] = [];
  for (const a of attestations) {
    const weight = policy.trustedAttesters[a.attester.id] ?? policy.trustedAttesters[a.attester.mspId] ?? 0;
    if (a.withdrawn) ignore(a, 'withdrawn by its attester');
    else if (a.expiresAt !== undefined && Date.parse(a.expiresAt) <= now)
      ignore(a, `expired at ${a.expiresAt}`);
    else if (policy.maxAgeDays !== undefined && now - Date.parse(a.postedAt) > policy.maxAgeDays * DAY_MS)
      ignore(a, `older than ${policy.maxAgeDays} days`);
    else if (weight === 0) ignore(a, 'attester not trusted by this policy');
    else if (a.claim.type === 'certification' && Date.parse(a.claim.validUntil) <= now)
      ignore(a, `certification expired at ${a.claim.validUntil}`);
    else candidates.push({ a, weight });
  }

  const latest = new Map<string, { a: DeviceAttestation; weight: number }>();
  const newer = (x: DeviceAttestation, y: DeviceAttestation) =>
    x.postedAt > y.postedAt || (x.postedAt === y.postedAt && x.attestationId > y.attestationId);
  for (const c of candidates) {
    const k = supersessionKey(c.a);
    if (k === undefined) continue;
    const seen = latest.get(k);
    if (!seen || newer(c.a, seen.a)) latest.set(k, c);
  }
  const counted: CountedAttestation[] = [];
  const reasons: string[] = [];
  let vetoed = false;
  for (const { a, weight } of candidates) {
    const k = supersessionKey(a);
    if (k !== undefined && latest.get(k)?.a !== a) {
      ignore(a, 'replaced by a newer claim of the same attester');
      continue;
    }
    const contribution = round2(weight * points[a.claim.type] * factor(a.claim));
    counted.push({
      attestationId: a.attestationId,
      attester: a.attester.id,
      claimType: a.claim.type,
      contribution,
    });
    if (
      a.claim.type === 'malicious-activity' &&
      policy.vetoSeverity !== undefined &&
      SEVERITIES.indexOf(a.claim.severity) >= SEVERITIES.indexOf(policy.vetoSeverity)
    ) {
      vetoed = true;
      reasons.push(`vetoed: ${a.claim.severity} ${a.claim.category} report by ${a.attester.id}`);
    }
  }

  const score = round2(counted.reduce((s, c) => s + c.contribution, 0));
  const attesters = new Set(counted.map((c) => c.attester)).size;
  const missing = (policy.requiredClaims ?? []).filter(
    (t) => !counted.some((c) => c.claimType === t && c.contribution > 0),
  );
  const minAttesters = policy.minTrustedAttesters ?? 1;
  let verdict: ReputationVerdict['verdict'];
  if (vetoed) verdict = 'untrusted';
  else if (missing.length > 0 || attesters < minAttesters) {
    verdict = 'insufficient-evidence';
    if (missing.length > 0)
      reasons.push(`missing required claims from trusted attesters: ${missing.join(', ')}`);
    if (attesters < minAttesters)
      reasons.push(`${attesters} trusted attesters counted, ${minAttesters} required`);
  } else if (score >= policy.threshold) {
    verdict = 'trusted';
    reasons.push(`score ${score} reaches the threshold ${policy.threshold}`);
  } else {
    verdict = 'untrusted';
    reasons.push(`score ${score} is below the threshold ${policy.threshold}`);
  }
  const first = attestations.reduce<number | null>((m, a) => {
    const t = Date.parse(a.postedAt);
    return m === null || t < m ? t : m;
  }, null);
  return {
    deviceId: attestations[0]?.deviceId ?? opts.deviceId ?? '',
    policy: policy.name,
    verdict,
    score,
    reasons,
    counted,
    ignored,
    trustedAttesters: attesters,
    lifetimeDays: first === null ? null : Math.floor((now - first) / DAY_MS),
  };
}
