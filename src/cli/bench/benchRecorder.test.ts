import { describe, expect, it } from 'vitest';
import { BenchRecorder, driftOf } from './benchRecorder.js';

const submit = (startMs: number, endMs: number, code = 'VALID') => ({
  kind: 'submit' as const,
  startMs,
  endMs,
  code,
});

describe('BenchRecorder', () => {
  it('counts commits inside the window per second, and drained ones apart', () => {
    const r = new BenchRecorder({ startMs: 1000, durationMs: 3000 });
    r.record(submit(900, 1100)); // started before the window: counted in tps, not in latency
    r.record(submit(1000, 1500));
    r.record(submit(1500, 2100));
    r.record(submit(2000, 2200));
    r.record(submit(3900, 4100)); // committed after the window: drained
    const s = r.summary();
    expect(s.committed).toBe(4);
    expect(s.committedTps).toBe(1.3);
    expect(s.drained).toBe(1);
    expect(s.timeSeries.map((b) => b.tps)).toEqual([2, 2, 0]);
    expect(s.latencyMs.count).toBe(4);
    expect(s.latencyMs.max).toBe(600);
    expect(s.timeSeries[1]).toMatchObject({ t: 1, p50: 200, p99: 600 });
  });

  it('keeps invalid validation codes apart from failures before commit', () => {
    const r = new BenchRecorder({ startMs: 0, durationMs: 2000 });
    r.record(submit(0, 100, 'MVCC_READ_CONFLICT'));
    r.record(submit(0, 200, 'MVCC_READ_CONFLICT'));
    r.record(submit(0, 300, 'ENDORSEMENT_MISMATCH'));
    r.record({ kind: 'evaluate', startMs: 0, endMs: 50, code: 'UNKNOWN_ASSET' });
    r.record({ kind: 'evaluate', startMs: 0, endMs: 40, code: 'VALID' });
    const s = r.summary();
    expect(s.invalidByCode).toEqual({ MVCC_READ_CONFLICT: 2 });
    expect(s.invalid).toBe(2);
    expect(s.failedByCode).toEqual({ ENDORSEMENT_MISMATCH: 1, UNKNOWN_ASSET: 1 });
    expect(s.committed).toBe(0);
    expect(s.reads).toMatchObject({ count: 1, tps: 0.5 });
    expect(s.timeSeries[0]).toMatchObject({ invalid: 4, reads: 1 });
  });

  it('keeps endorsement and ordering phase medians of valid transactions', () => {
    const r = new BenchRecorder({ startMs: 0, durationMs: 1000 });
    r.record({ ...submit(0, 100), endorseMs: 30, orderMs: 2 });
    r.record({ ...submit(0, 100), endorseMs: 50, orderMs: 4 });
    r.record({ ...submit(0, 100), endorseMs: 40, orderMs: 3 });
    expect(r.summary().phasesMs).toEqual({ endorseP50: 40, orderP50: 3 });
  });

  it('reports the last complete second for progress', () => {
    const r = new BenchRecorder({ startMs: 0, durationMs: 5000 });
    for (let i = 0; i < 7; i++) r.record(submit(0, 1500));
    expect(r.recentTps(2500)).toBe(7);
    expect(r.recentTps(1500)).toBe(0);
  });
});

describe('driftOf', () => {
  it('compares the first and last fifth after the ramp-up second', () => {
    expect(driftOf([0, 100, 100, 100, 100, 100, 90, 90, 90, 90, 90])).toEqual({
      earlyTps: 100,
      lateTps: 90,
      changePercent: -10,
    });
  });

  it('copes with short and empty series', () => {
    expect(driftOf([50])).toEqual({ earlyTps: 50, lateTps: 50, changePercent: 0 });
    expect(driftOf([])).toEqual({ earlyTps: 0, lateTps: 0, changePercent: 0 });
  });
});
