/**
 * Argument schemas, stored shapes and the Merkle path shape check of the roaming contract.
 */
import { z } from 'zod';

/** The org that is the regulator, not a carrier. */
export const REGULATOR = 'Regulator';
/** Most usage records in one batch. */
export const MAX_BATCH_RECORDS = 10_000;
/** Most disputed records in one disputeRecords call. */
export const MAX_DISPUTES = 1_000;

export const orgName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be an org name');
export const hex64 = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hash: 64 lowercase hex characters');
export const period = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a billing period YYYY-MM, e.g. 2025-03');
export const batchId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a batch id: letters, digits, _ . - (max 64)');
export const requestId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a request id: letters, digits, _ . - (max 64)');
export const base64 = z
  .string()
  .min(4)
  .max(16_384)
  .regex(
    /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
    'must be padded base64 ciphertext (A-Z, a-z, 0-9, +, /, length a multiple of 4)',
  );
const cents = z.number().int().min(0).max(1_000_000_000);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const ratesSchema = z.strictObject({
  voiceCentsPerMinute: cents,
  smsCentsPerMessage: cents,
  dataCentsPerMB: cents,
});

export const totalsSchema = z.strictObject({ voiceSeconds: count, smsCount: count, dataBytes: count });

/** One usage record (call, SMS or data session), as the visited carrier posts it privately. */
export const usageRecordSchema = z.strictObject({
  recordId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'a record id (max 64)'),
  service: z.enum(['voice', 'sms', 'data']),
  /** SHA-256 of the IMSI with a secret the two carriers share (never the IMSI itself). */
  imsiHash: hex64,
  startedAt: z.iso.datetime(),
  /** Seconds (voice), messages (sms) or bytes (data). */
  volume: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type UsageRecord = z.infer<typeof usageRecordSchema>;

export const usageRecordsSchema = z.array(usageRecordSchema).min(1).max(MAX_BATCH_RECORDS);

/** One step of a Merkle inclusion path, hex-encoded. */
export const merkleStepSchema = z.strictObject({ sibling: hex64, left: z.boolean() });
export type MerkleStepJson = z.infer<typeof merkleStepSchema>;

export const disputeSchema = z.strictObject({
  /** The record's position in the batch (0-based). */
  index: z
    .number()
    .int()
    .min(0)
    .max(MAX_BATCH_RECORDS - 1),
  /** merkleLeafHash(canonicalJson(record)), hex. */
  leafHash: hex64,
  path: z.array(merkleStepSchema).max(32),
  reason: z.string().min(1).max(500),
});

export type AuthStatus = 'requested' | 'granted' | 'denied' | 'activated';

export interface AuthRequest {
  requestId: string;
  vpmn: string;
  hpmn: string;
  encryptedImsi: string;
  encryptedServices: string | null;
  status: AuthStatus;
  requestedAt: string;
  answeredAt: string | null;
  activatedAt: string | null;
}

export interface TariffProposal {
  proposalId: string;
  proposer: string;
  partner: string;
  rates: z.infer<typeof ratesSchema>;
  proposedAt: string;
}

export interface Tariff {
  parties: [string, string];
  rates: z.infer<typeof ratesSchema>;
  proposalId: string;
  proposedBy: string;
  acceptedBy: string;
  agreedAt: string;
}

export interface Dispute {
  index: number;
  recordId: string;
  leafHash: string;
  path: MerkleStepJson[];
  reason: string;
  amountCents: number;
}

export type InvoiceStatus = 'issued' | 'confirmed' | 'disputed';

export interface Invoice {
  batchId: string;
  period: string;
  /** The visited carrier, who issued the invoice and is paid. */
  vpmn: string;
  /** The home carrier, who pays. */
  hpmn: string;
  merkleRoot: string;
  recordCount: number;
  totals: z.infer<typeof totalsSchema>;
  rates: z.infer<typeof ratesSchema>;
  voiceCents: number;
  smsCents: number;
  dataCents: number;
  totalCents: number;
  status: InvoiceStatus;
  disputes: Dispute[];
  disputedCents: number;
  issuedAt: string;
  decidedAt: string | null;
  settledIn: string | null;
}

/** The private data collection of a pair of carriers: `roaming-<A>-<B>`, names sorted. */
export function pairCollection(x: string, y: string): string {
  const [a, b] = x < y ? [x, y] : [y, x];
  return `roaming-${a}-${b}`;
}

/**
 * The `left` flags an inclusion path of leaf `index` in a tree of `count` leaves must have, in
 * order (src/crypto merklePath's shape: an odd last node is promoted without a step).
 *
 * @example
 * expectedPathSides(2, 3); // [true]: leaf 2 of 3 is promoted once, then joins node(0,1) on its left
 */
export function expectedPathSides(index: number, count: number): boolean[] {
  const sides: boolean[] = [];
  let i = index;
  let n = count;
  while (n > 1) {
    const sib = i % 2 === 0 ? i + 1 : i - 1;
    if (sib < n) sides.push(sib < i);
    i = Math.floor(i / 2);
    n = Math.ceil(n / 2);
  }
  return sides;
}
