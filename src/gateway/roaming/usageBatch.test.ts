import { describe, expect, it } from 'vitest';
import { ConsortiaError, fromUtf8 } from '../../common/index.js';
import {
  assertRecordInBatch,
  buildDisputes,
  buildUsageBatch,
  hashImsi,
  parseMerklePath,
  RoamingErrorCodes,
  recordProof,
  type UsageRecord,
  usageMerkleRoot,
  verifyRecordProof,
  verifyUsageBatch,
} from './index.js';

const records: UsageRecord[] = Array.from({ length: 7 }, (_, i) => ({
  recordId: `r${i}`,
  service: (['voice', 'sms', 'data'] as const)[i % 3]!,
  imsiHash: hashImsi(`26201123456789${i}`, 'pair-secret'),
  startedAt: `2025-03-0${i + 1}T08:00:00.000Z`,
  volume: 60 * (i + 1),
}));

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConsortiaError) return err.code;
    throw err;
  }
  throw new Error('expected a ConsortiaError');
}

describe('usage batches', () => {
  it('prepares postUsageBatch: root, count, totals as arguments, records as transient JSON', () => {
    const b = buildUsageBatch({ batchId: 'b1', hpmn: 'TelcoB', period: '2025-03', records });
    expect(b.arguments).toMatchObject({
      batchId: 'b1',
      recordCount: 7,
      merkleRoot: usageMerkleRoot(records),
    });
    expect(b.arguments.totals).toEqual({
      voiceSeconds: 60 + 240 + 420,
      smsCount: 120 + 300,
      dataBytes: 180 + 360,
    });
    expect(JSON.parse(fromUtf8(b.transient.get('records')!))).toEqual(records);
    expect(codeOf(() => buildUsageBatch({ batchId: 'b', hpmn: 'B', period: '2025-03', records: [] }))).toBe(
      RoamingErrorCodes.INVALID_USAGE_RECORD,
    );
    expect(codeOf(() => usageMerkleRoot([{ ...records[0]!, volume: 0.5 }]))).toBe('INVALID_USAGE_RECORD');
    expect(codeOf(() => usageMerkleRoot([{ ...records[0]!, imsi: '262' } as UsageRecord]))).toBe(
      'INVALID_USAGE_RECORD',
    );
  });

  it('proves every record against the root', () => {
    const root = usageMerkleRoot(records);
    for (let i = 0; i < records.length; i++) {
      const p = recordProof(records, i);
      expect(verifyRecordProof({ record: records[i]!, path: p.path, merkleRoot: root })).toBe(true);
      expect(() =>
        assertRecordInBatch({ record: records[i]!, path: p.path, merkleRoot: root }),
      ).not.toThrow();
    }
  });

  it('detects a tampered record, with its proof or in the whole batch', () => {
    const root = usageMerkleRoot(records);
    const p = recordProof(records, 2);
    const tampered = { ...records[2]!, volume: records[2]!.volume + 1 };
    expect(verifyRecordProof({ record: tampered, path: p.path, merkleRoot: root })).toBe(false);
    expect(codeOf(() => assertRecordInBatch({ record: tampered, path: p.path, merkleRoot: root }))).toBe(
      RoamingErrorCodes.RECORD_NOT_IN_BATCH,
    );
    expect(verifyRecordProof({ record: records[3]!, path: p.path, merkleRoot: root })).toBe(false);
    expect(() => verifyUsageBatch(records, root)).not.toThrow();
    expect(codeOf(() => verifyUsageBatch(records.with(2, tampered), root))).toBe(
      RoamingErrorCodes.BATCH_ROOT_MISMATCH,
    );
    expect(codeOf(() => verifyUsageBatch(records.slice(1), root))).toBe('BATCH_ROOT_MISMATCH');
    expect(codeOf(() => verifyUsageBatch([records[1]!, records[0]!, ...records.slice(2)], root))).toBe(
      'BATCH_ROOT_MISMATCH',
    );
    expect(
      codeOf(() =>
        buildDisputes({
          batchId: 'b',
          merkleRoot: root,
          records: records.with(2, tampered),
          disputes: [{ index: 2, reason: 'x' }],
        }),
      ),
    ).toBe('RECORD_NOT_IN_BATCH');
  });

  it('refuses malformed Merkle paths with MALFORMED_MERKLE_PATH', () => {
    const root = usageMerkleRoot(records);
    const good = recordProof(records, 0).path;
    for (const path of [
      'not a path',
      null,
      [null],
      [{ sibling: 'ab', left: true }],
      [{ sibling: 'AB'.repeat(32), left: true }],
      [{ sibling: 'ab'.repeat(32), left: 'yes' }],
      [{ sibling: 'ab'.repeat(32), left: true, extra: 1 }],
      Array.from({ length: 65 }, () => good[0]),
    ]) {
      expect(codeOf(() => parseMerklePath(path))).toBe(RoamingErrorCodes.MALFORMED_MERKLE_PATH);
      expect(codeOf(() => verifyRecordProof({ record: records[0]!, path, merkleRoot: root }))).toBe(
        'MALFORMED_MERKLE_PATH',
      );
    }
    expect(codeOf(() => recordProof(records, 7))).toBe('BAD_MERKLE_INDEX');
  });

  it('builds disputes with verified proofs and the records in transient data', () => {
    const root = usageMerkleRoot(records);
    const d = buildDisputes({
      batchId: 'b1',
      merkleRoot: root,
      records,
      disputes: [{ index: 4, reason: 'duplicate' }],
    });
    expect(d.arguments.disputes).toEqual([{ ...recordProof(records, 4), reason: 'duplicate' }]);
    expect(JSON.parse(fromUtf8(d.transient.get('records')!))).toEqual([records[4]]);
  });
});

describe('IMSI helpers', () => {
  it('hashes an IMSI with the pair secret and refuses non-IMSIs', () => {
    expect(hashImsi('262011234567890', 's')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashImsi('262011234567890', 's')).not.toBe(hashImsi('262011234567890', 't'));
    expect(codeOf(() => hashImsi('26201-1234', 's'))).toBe(RoamingErrorCodes.INVALID_IMSI);
  });
});
