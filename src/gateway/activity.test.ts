import { describe, expect, it } from 'vitest';
import { ActivityTimeline } from './activity.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('ActivityTimeline', () => {
  it('buckets blocks, transactions and latencies per channel, with empty buckets filled', () => {
    const c = clock();
    const t = new ActivityTimeline({ bucketMs: 1000, windowMs: 5000, now: c.now });
    t.recordBlock('telecom', { valid: 2, invalid: { MVCC_READ_CONFLICT: 1 } });
    t.recordCommit('telecom', 30);
    t.recordCommit('telecom', 10);
    t.recordEndorsement(4, true);
    t.recordEndorsement(8, false);
    t.recordBlock('other', { valid: 5, invalid: {} });
    c.advance(2000);
    t.recordBlock('telecom', { valid: 1, invalid: { MVCC_READ_CONFLICT: 2, BAD_SIGNATURE: 1 } });
    t.recordOrdering(3, true);

    const s = t.series('telecom');
    expect(s.bucketMs).toBe(1000);
    expect(s.points).toHaveLength(5);
    expect(s.points.map((p) => p.t)).toEqual([998_000, 999_000, 1_000_000, 1_001_000, 1_002_000]);
    const first = s.points[2]!;
    expect(first).toMatchObject({
      blocks: 1,
      validTxs: 2,
      invalidTxs: { MVCC_READ_CONFLICT: 1 },
      commitMs: 20,
      endorseMs: 6,
      endorseFailures: 1,
      orderMs: null,
    });
    expect(s.points[3]).toMatchObject({
      blocks: 0,
      validTxs: 0,
      invalidTxs: {},
      commitMs: null,
      endorseMs: null,
    });
    expect(s.points[4]).toMatchObject({
      validTxs: 1,
      invalidTxs: { MVCC_READ_CONFLICT: 2, BAD_SIGNATURE: 1 },
      orderMs: 3,
    });
    expect(t.series('other').points[2]!.validTxs).toBe(5);
  });

  it('forgets what is older than its window and counts invalid codes within a span', () => {
    const c = clock();
    const t = new ActivityTimeline({ bucketMs: 1000, windowMs: 3000, now: c.now });
    t.recordBlock('telecom', { valid: 0, invalid: { ENDORSEMENT_POLICY_FAILURE: 4 } });
    c.advance(1000);
    t.recordBlock('telecom', { valid: 0, invalid: { ENDORSEMENT_POLICY_FAILURE: 2 } });
    expect(t.countInvalid('telecom', 'ENDORSEMENT_POLICY_FAILURE', 2000)).toBe(6);
    c.advance(1000);
    // Whole buckets count: the first one ended a full span ago.
    expect(t.countInvalid('telecom', 'ENDORSEMENT_POLICY_FAILURE', 1000)).toBe(2);
    expect(t.countInvalid('other', 'ENDORSEMENT_POLICY_FAILURE', 2000)).toBe(0);
    c.advance(2000);
    expect(
      t.series('telecom').points.every((p) => p.validTxs === 0 && Object.keys(p.invalidTxs).length === 0),
    ).toBe(true);
    expect(t.countInvalid('telecom', 'ENDORSEMENT_POLICY_FAILURE', 10_000)).toBe(0);
  });
});
