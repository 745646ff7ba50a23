import { ValidationCode } from '../../protocol/index.js';
import { type LatencySummary, percentile, round1, summarize } from './stats.js';

const VALIDATION_CODES: ReadonlySet<string> = new Set(Object.keys(ValidationCode));

/** One finished operation. Times are ms on the `performance.now()` clock. */
export interface OpSample {
  readonly kind: 'submit' | 'evaluate';
  /** When the operation started (for a fixed rate: when it was due). */
  readonly startMs: number;
  /** When its commit event (or query answer, or failure) arrived. */
  readonly endMs: number;
  /** 'VALID', a validation code name (MVCC_READ_CONFLICT …) or an error code (ENDORSEMENT_MISMATCH …). */
  readonly code: string;
  /** Submit only: how long endorsement and ordering took, when they finished. */
  readonly endorseMs?: number;
  readonly orderMs?: number;
}

/** One second of the measured window. */
export interface SecondStats {
  /** Seconds since the window started (this bucket covers [t, t+1)). */
  readonly t: number;
  /** Valid commits that arrived in this second (tx/s). */
  readonly tps: number;
  /** Invalid commits and failed operations in this second. */
  readonly invalid: number;
  /** Queries answered in this second. */
  readonly reads: number;
  /** Latency of the valid commits of this second; 0 when there were none. */
  readonly p50: number;
  readonly p99: number;
}

/** What the recorder saw, summarised. */
export interface RecordedStats {
  /** Valid commits inside the window. */
  readonly committed: number;
  readonly committedTps: number;
  /** Transactions committed as invalid inside the window, by validation code. */
  readonly invalidByCode: Record<string, number>;
  readonly invalid: number;
  /** Operations that failed before commit (endorsement, ordering, commit status), by error code. */
  readonly failedByCode: Record<string, number>;
  readonly failed: number;
  /** Latency from start to commit event of valid transactions started in the window. */
  readonly latencyMs: LatencySummary;
  readonly phasesMs: { readonly endorseP50: number; readonly orderP50: number };
  readonly reads: { readonly count: number; readonly tps: number; readonly latencyMs: LatencySummary };
  /** Valid commits that arrived after the window closed (drained, not counted in tps). */
  readonly drained: number;
  readonly timeSeries: readonly SecondStats[];
  /** Mean tps of the first and last fifth of the window (at least one second each). */
  readonly drift: { readonly earlyTps: number; readonly lateTps: number; readonly changePercent: number };
}

interface Bucket {
  valid: number;
  invalid: number;
  reads: number;
  latencies: number[];
}

/**
 * Collects operation samples of one measured window and summarises them: throughput counts
 * commits whose event arrived inside the window; latency covers every valid transaction that
 * started in the window (also those drained after it).
 *
 * @example
 * const rec = new BenchRecorder({ startMs: performance.now(), durationMs: 30_000 });
 * rec.record({ kind: 'submit', startMs, endMs: performance.now(), code: 'VALID' });
 * rec.summary().committedTps;
 */
export class BenchRecorder {
  readonly startMs: number;
  readonly durationMs: number;
  readonly #buckets: Bucket[];
  readonly #latencies: number[] = [];
  readonly #readLatencies: number[] = [];
  readonly #endorse: number[] = [];
  readonly #order: number[] = [];
  readonly #invalidByCode = new Map<string, number>();
  readonly #failedByCode = new Map<string, number>();
  #committed = 0;
  #invalid = 0;
  #failed = 0;
  #reads = 0;
  #drained = 0;

  constructor(opts: Readonly<{ startMs: number; durationMs: number }>) {
    this.startMs = opts.startMs;
    this.durationMs = opts.durationMs;
    this.#buckets = Array.from({ length: Math.max(1, Math.ceil(opts.durationMs / 1000)) }, () => ({
      valid: 0,
      invalid: 0,
      reads: 0,
      latencies: [],
    }));
  }

  /** Valid commits so far inside the window. */
  get committed(): number {
    return this.#committed;
  }

  /** Adds one finished operation. */
  record(s: Readonly<OpSample>): void {
    const latency = s.endMs - s.startMs;
    const offset = s.endMs - this.startMs;
    const inWindow = offset >= 0 && offset < this.durationMs;
    const startedInWindow = s.startMs >= this.startMs && s.startMs - this.startMs < this.durationMs;
    const bucket = inWindow ? this.#buckets[Math.floor(offset / 1000)] : undefined;
    if (s.kind === 'evaluate' && s.code === 'VALID') {
      if (startedInWindow) this.#readLatencies.push(latency);
      if (bucket) {
        bucket.reads++;
        this.#reads++;
      }
      return;
    }
    if (s.code === 'VALID') {
      if (startedInWindow) {
        this.#latencies.push(latency);
        if (s.endorseMs !== undefined) this.#endorse.push(s.endorseMs);
        if (s.orderMs !== undefined) this.#order.push(s.orderMs);
      }
      if (bucket) {
        bucket.valid++;
        bucket.latencies.push(latency);
        this.#committed++;
      } else if (offset >= this.durationMs) this.#drained++;
      return;
    }
    if (!bucket) return;
    bucket.invalid++;
    if (s.kind === 'submit' && VALIDATION_CODES.has(s.code)) {
      this.#invalid++;
      this.#invalidByCode.set(s.code, (this.#invalidByCode.get(s.code) ?? 0) + 1);
    } else {
      this.#failed++;
      this.#failedByCode.set(s.code, (this.#failedByCode.get(s.code) ?? 0) + 1);
    }
  }

  /** tps of the last complete second before `nowMs`, for progress display. */
  recentTps(nowMs: number): number {
    const i = Math.floor((nowMs - this.startMs) / 1000) - 1;
    return i >= 0 && i < this.#buckets.length ? this.#buckets[i]!.valid : 0;
  }

  summary(): RecordedStats {
    const seconds = this.durationMs / 1000;
    const timeSeries = this.#buckets.map((b, t) => {
      const sorted = b.latencies.sort((x, y) => x - y);
      return {
        t,
        tps: b.valid,
        invalid: b.invalid,
        reads: b.reads,
        p50: sorted.length ? round1(percentile(sorted, 50)) : 0,
        p99: sorted.length ? round1(percentile(sorted, 99)) : 0,
      };
    });
    return {
      committed: this.#committed,
      committedTps: round1(this.#committed / seconds),
      invalidByCode: Object.fromEntries([...this.#invalidByCode].sort((a, b) => b[1] - a[1])),
      invalid: this.#invalid,
      failedByCode: Object.fromEntries([...this.#failedByCode].sort((a, b) => b[1] - a[1])),
      failed: this.#failed,
      latencyMs: summarize(this.#latencies),
      phasesMs: { endorseP50: summarize(this.#endorse).p50, orderP50: summarize(this.#order).p50 },
      reads: {
        count: this.#reads,
        tps: round1(this.#reads / seconds),
        latencyMs: summarize(this.#readLatencies),
      },
      drained: this.#drained,
      timeSeries,
      drift: driftOf(timeSeries.map((s) => s.tps)),
    };
  }
}

/**
 * Mean throughput of the first and last fifth of a per-second series (at least one second
 * each, leaving out the first second, which includes the ramp-up), and the change in percent.
 *
 * @example
 * driftOf([0, 100, 100, 100, 100, 100, 90, 90, 90, 90, 90]) // { earlyTps: 100, lateTps: 90, changePercent: -10 }
 */
export function driftOf(tps: readonly number[]): RecordedStats['drift'] {
  const series = tps.length > 2 ? tps.slice(1) : [...tps];
  const n = Math.max(1, Math.floor(series.length / 5));
  const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const earlyTps = round1(mean(series.slice(0, n)));
  const lateTps = round1(mean(series.slice(-n)));
  return {
    earlyTps,
    lateTps,
    changePercent: earlyTps > 0 ? round1(((lateTps - earlyTps) / earlyTps) * 100) : 0,
  };
}
