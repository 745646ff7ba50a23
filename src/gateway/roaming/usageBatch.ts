import { ConsortiaError, canonicalJson, fromHex, toHex, utf8 } from '../../common/index.js';
import {
  type MerkleStep,
  merkleLeafHash,
  merklePath,
  merkleRoot,
  merkleRootFromPath,
} from '../../crypto/index.js';
import { RoamingErrorCodes } from './errors.js';

/** One usage record: a call, an SMS or a data session of a roaming subscriber. */
export interface UsageRecord {
  readonly recordId: string;
  readonly service: 'voice' | 'sms' | 'data';
  /** hashImsi(imsi, pairSecret): never the IMSI itself. */
  readonly imsiHash: string;
  /** ISO 8601 UTC start time. */
  readonly startedAt: string;
  /** Seconds (voice), messages (sms) or bytes (data): a non-negative integer. */
  readonly volume: number;
}

/** A batch's volumes, as `postUsageBatch` declares them. */
export interface UsageTotals {
  readonly voiceSeconds: number;
  readonly smsCount: number;
  readonly dataBytes: number;
}

/** A Merkle step as JSON: the sibling hash in hex and whether it sits on the left. */
export interface MerkleStepJson {
  readonly sibling: string;
  readonly left: boolean;
}

/** What a home network submits to dispute one record (without the record, which goes in transient data). */
export interface RecordProof {
  readonly index: number;
  readonly leafHash: string;
  readonly path: MerkleStepJson[];
}

/** A batch ready to submit: `postUsageBatch`'s arguments and its transient data. */
export interface PreparedUsageBatch {
  readonly arguments: {
    readonly batchId: string;
    readonly hpmn: string;
    readonly period: string;
    readonly merkleRoot: string;
    readonly recordCount: number;
    readonly totals: UsageTotals;
  };
  /** `records`: the records as JSON; only the endorsers and the two carriers' peers see them. */
  readonly transient: Map<string, Uint8Array>;
}

const HEX64 = /^[0-9a-f]{64}$/;
const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function invalid(index: number, what: string): ConsortiaError {
  return new ConsortiaError(RoamingErrorCodes.INVALID_USAGE_RECORD, `usage record ${index} ${what}`, {
    index,
  });
}

function checkRecord(r: UsageRecord, i: number): void {
  if (typeof r !== 'object' || r === null) throw invalid(i, 'is not an object');
  const keys = Object.keys(r).sort().join(',');
  if (keys !== 'imsiHash,recordId,service,startedAt,volume') {
    throw invalid(i, 'must have exactly recordId, service, imsiHash, startedAt and volume');
  }
  if (!RECORD_ID.test(r.recordId))
    throw invalid(i, 'has no valid recordId (letters, digits, _ . : -, max 64)');
  if (!['voice', 'sms', 'data'].includes(r.service))
    throw invalid(i, "has a service other than 'voice', 'sms' or 'data'");
  if (!HEX64.test(r.imsiHash)) throw invalid(i, 'has an imsiHash that is not 64 lowercase hex characters');
  if (!ISO.test(r.startedAt)) throw invalid(i, 'has a startedAt that is not an ISO 8601 UTC time');
  if (!Number.isSafeInteger(r.volume) || r.volume < 0)
    throw invalid(i, 'has a volume that is not a non-negative integer');
}

/**
 * The Merkle leaf hash of a record: merkleLeafHash over its canonical JSON.
 *
 * @example
 * toHex(recordLeafHash(record)); // '3f…'
 */
export function recordLeafHash(record: UsageRecord): Uint8Array {
  return merkleLeafHash(utf8(canonicalJson(record)));
}

/**
 * The Merkle root (hex) of records in order. Throws INVALID_USAGE_RECORD.
 *
 * @example
 * const root = usageMerkleRoot(records);
 */
export function usageMerkleRoot(records: readonly UsageRecord[]): string {
  records.forEach(checkRecord);
  return toHex(merkleRoot(records.map(recordLeafHash)));
}

/**
 * Sums the volumes of records per service.
 *
 * @example
 * usageTotals(records); // { voiceSeconds: 754, smsCount: 3, dataBytes: 52428800 }
 */
export function usageTotals(records: readonly UsageRecord[]): UsageTotals {
  let voiceSeconds = 0;
  let smsCount = 0;
  let dataBytes = 0;
  for (const r of records) {
    if (r.service === 'voice') voiceSeconds += r.volume;
    else if (r.service === 'sms') smsCount += r.volume;
    else dataBytes += r.volume;
  }
  return { voiceSeconds, smsCount, dataBytes };
}

/**
 * Prepares `postUsageBatch`: Merkle root, count and totals as arguments, the records as transient
 * data. Throws INVALID_USAGE_RECORD (also for an empty batch).
 *
 * @example
 * const batch = buildUsageBatch({ batchId: 'b-2025-03-1', hpmn: 'TelcoB', period: '2025-03', records });
 * await roaming.submit('postUsageBatch', batch);
 */
export function buildUsageBatch(opts: {
  readonly batchId: string;
  readonly hpmn: string;
  readonly period: string;
  readonly records: readonly UsageRecord[];
}): PreparedUsageBatch {
  if (opts.records.length === 0) throw invalid(0, 'is missing: a batch holds at least one record');
  const merkleRoot = usageMerkleRoot(opts.records);
  return {
    arguments: {
      batchId: opts.batchId,
      hpmn: opts.hpmn,
      period: opts.period,
      merkleRoot,
      recordCount: opts.records.length,
      totals: usageTotals(opts.records),
    },
    transient: new Map([['records', utf8(canonicalJson(opts.records))]]),
  };
}

/**
 * The inclusion proof of record `index`: its leaf hash and Merkle path, in hex. Throws
 * BAD_MERKLE_INDEX for an index outside the records.
 *
 * @example
 * const proof = recordProof(records, 3); // { index: 3, leafHash, path: [{ sibling, left }, …] }
 */
export function recordProof(records: readonly UsageRecord[], index: number): RecordProof {
  records.forEach(checkRecord);
  const leaves = records.map(recordLeafHash);
  const path = merklePath(leaves, index).map((s) => ({ sibling: toHex(s.sibling), left: s.left }));
  return { index, leafHash: toHex(leaves[index]!), path };
}

/**
 * Parses a Merkle path from JSON, refusing anything but an array of at most 64 steps
 * `{ sibling: 64 lowercase hex, left: boolean }` with MALFORMED_MERKLE_PATH.
 *
 * @example
 * const steps = parseMerklePath(JSON.parse(text));
 */
export function parseMerklePath(json: unknown): MerkleStep[] {
  const bad = (why: string) =>
    new ConsortiaError(RoamingErrorCodes.MALFORMED_MERKLE_PATH, `the Merkle path is malformed: ${why}`);
  if (!Array.isArray(json)) throw bad('it is not an array of steps');
  if (json.length > 64) throw bad(`it has ${json.length} steps; a path has at most 64`);
  return json.map((step: unknown, i) => {
    if (typeof step !== 'object' || step === null) throw bad(`step ${i} is not an object`);
    const { sibling, left, ...rest } = step as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw bad(`step ${i} has fields other than sibling and left`);
    if (typeof sibling !== 'string' || !HEX64.test(sibling)) {
      throw bad(`step ${i}'s sibling is not a SHA-256 hash (64 lowercase hex characters)`);
    }
    if (typeof left !== 'boolean') throw bad(`step ${i}'s left is not true or false`);
    return { sibling: fromHex(sibling), left };
  });
}

/**
 * Whether `record` with `path` leads to `merkleRoot` (hex): false for an altered record or a
 * wrong path. Throws MALFORMED_MERKLE_PATH for a path that is not well-formed.
 *
 * @example
 * verifyRecordProof({ record, path: proof.path, merkleRoot: invoice.merkleRoot }); // true
 */
export function verifyRecordProof(opts: {
  readonly record: UsageRecord;
  readonly path: unknown;
  readonly merkleRoot: string;
}): boolean {
  const steps = parseMerklePath(opts.path);
  return toHex(merkleRootFromPath(recordLeafHash(opts.record), steps)) === opts.merkleRoot;
}

/**
 * Like {@link verifyRecordProof}, but throws RECORD_NOT_IN_BATCH when the proof fails.
 *
 * @example
 * assertRecordInBatch({ record, path, merkleRoot });
 */
export function assertRecordInBatch(opts: {
  readonly record: UsageRecord;
  readonly path: unknown;
  readonly merkleRoot: string;
}): void {
  if (!verifyRecordProof(opts)) {
    throw new ConsortiaError(
      RoamingErrorCodes.RECORD_NOT_IN_BATCH,
      `record ${String(opts.record.recordId)} with this path does not lead to the batch's Merkle root; the record was altered or is not in the batch`,
      { recordId: opts.record.recordId },
    );
  }
}

/**
 * Checks that records are exactly the batch the Merkle root commits to (same records, same order);
 * throws BATCH_ROOT_MISMATCH when one was altered, added, dropped or moved.
 *
 * @example
 * verifyUsageBatch(records, invoice.merkleRoot);
 */
export function verifyUsageBatch(records: readonly UsageRecord[], merkleRoot: string): void {
  const actual = usageMerkleRoot(records);
  if (actual !== merkleRoot) {
    throw new ConsortiaError(
      RoamingErrorCodes.BATCH_ROOT_MISMATCH,
      `the ${records.length} records hash to root ${actual.slice(0, 16)}…, not the batch's ${merkleRoot.slice(0, 16)}…; a record was altered, added, dropped or moved`,
      { expected: merkleRoot, actual },
    );
  }
}

/**
 * Prepares `disputeRecords`: each disputed record's proof (verified against `merkleRoot` first,
 * so a tampered record is never submitted) and a reason; the records go in transient data.
 * Throws RECORD_NOT_IN_BATCH or BAD_MERKLE_INDEX.
 *
 * @example
 * await roaming.submit('disputeRecords', buildDisputes({ batchId, merkleRoot, records, disputes: [{ index: 2, reason: 'unknown subscriber' }] }));
 */
export function buildDisputes(opts: {
  readonly batchId: string;
  readonly merkleRoot: string;
  readonly records: readonly UsageRecord[];
  readonly disputes: readonly { readonly index: number; readonly reason: string }[];
}): {
  arguments: { batchId: string; disputes: (RecordProof & { reason: string })[] };
  transient: Map<string, Uint8Array>;
} {
  const picked: UsageRecord[] = [];
  const disputes = opts.disputes.map((d) => {
    const proof = recordProof(opts.records, d.index);
    const record = opts.records[d.index]!;
    assertRecordInBatch({ record, path: proof.path, merkleRoot: opts.merkleRoot });
    picked.push(record);
    return { ...proof, reason: d.reason };
  });
  return {
    arguments: { batchId: opts.batchId, disputes },
    transient: new Map([['records', utf8(canonicalJson(picked))]]),
  };
}
