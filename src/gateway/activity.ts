/** One time bucket of a channel's activity. */
interface ChannelBucket {
  blocks: number;
  valid: number;
  invalid: Map<string, number>;
  commitMsSum: number;
  commitCount: number;
}

interface Bucket {
  readonly start: number;
  readonly channels: Map<string, ChannelBucket>;
  endorseMsSum: number;
  endorseCount: number;
  endorseFailures: number;
  orderMsSum: number;
  orderCount: number;
  orderFailures: number;
}

/** One point of a channel's activity series, as the dashboard charts it. */
export interface ActivityPoint {
  /** Start of the bucket, ms since the epoch. */
  readonly t: number;
  readonly blocks: number;
  readonly validTxs: number;
  /** Invalid transactions by validation code name. */
  readonly invalidTxs: Readonly<Record<string, number>>;
  /** Mean block commit latency (block timestamp to commit event) in ms, null without blocks. */
  readonly commitMs: number | null;
  /** Mean endorsement latency (all channels) in ms, null without endorsements. */
  readonly endorseMs: number | null;
  /** Mean ordering (broadcast) latency (all channels) in ms, null without broadcasts. */
  readonly orderMs: number | null;
  readonly endorseFailures: number;
  readonly orderFailures: number;
}

/** The recent activity of one channel, oldest bucket first, with no gaps. */
export interface ActivitySeries {
  readonly channel: string;
  readonly bucketMs: number;
  readonly points: readonly ActivityPoint[];
}

export interface ActivityTimelineOptions {
  /** Width of one bucket (ms); default 1000. */
  readonly bucketMs?: number;
  /** How much history is kept (ms); default 5 minutes. */
  readonly windowMs?: number;
  /** Clock, ms since the epoch (tests inject one). */
  readonly now?: () => number;
}

const mean = (sum: number, count: number) => (count === 0 ? null : sum / count);

/**
 * A short in-memory history of committed blocks, transactions by validation code and latencies,
 * in fixed time buckets. The dashboard's live charts read it; Prometheus gets the same facts as
 * counters and histograms from {@link GatewayMetrics}.
 *
 * @example
 * const t = new ActivityTimeline({ bucketMs: 1000 });
 * t.recordBlock('telecom', { valid: 3, invalid: { MVCC_READ_CONFLICT: 1 } });
 * t.series('telecom').points.at(-1)?.validTxs; // 3
 */
export class ActivityTimeline {
  readonly bucketMs: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #buckets: Bucket[] = [];

  constructor(opts: Readonly<ActivityTimelineOptions> = {}) {
    this.bucketMs = Math.max(1, Math.floor(opts.bucketMs ?? 1000));
    this.#windowMs = Math.max(this.bucketMs, opts.windowMs ?? 300_000);
    this.#now = opts.now ?? Date.now;
  }

  #current(): Bucket {
    const start = Math.floor(this.#now() / this.bucketMs) * this.bucketMs;
    const last = this.#buckets.at(-1);
    if (last && last.start === start) return last;
    const b: Bucket = {
      start,
      channels: new Map(),
      endorseMsSum: 0,
      endorseCount: 0,
      endorseFailures: 0,
      orderMsSum: 0,
      orderCount: 0,
      orderFailures: 0,
    };
    this.#buckets.push(b);
    this.#prune(start);
    return b;
  }

  #prune(now: number): void {
    const oldest = now - this.#windowMs;
    while (this.#buckets.length > 0 && this.#buckets[0]!.start <= oldest) this.#buckets.shift();
  }

  #channel(b: Bucket, channel: string): ChannelBucket {
    let c = b.channels.get(channel);
    if (!c) {
      c = { blocks: 0, valid: 0, invalid: new Map(), commitMsSum: 0, commitCount: 0 };
      b.channels.set(channel, c);
    }
    return c;
  }

  /** Counts one committed block of a channel (once per block, not once per peer). */
  recordBlock(channel: string, txs: { valid: number; invalid: Readonly<Record<string, number>> }): void {
    const c = this.#channel(this.#current(), channel);
    c.blocks += 1;
    c.valid += txs.valid;
    for (const [code, n] of Object.entries(txs.invalid)) c.invalid.set(code, (c.invalid.get(code) ?? 0) + n);
  }

  /** Records one peer's commit latency of a block (block timestamp to commit event). */
  recordCommit(channel: string, ms: number): void {
    const c = this.#channel(this.#current(), channel);
    c.commitMsSum += Math.max(0, ms);
    c.commitCount += 1;
  }

  /** Records one endorsement call to a peer. */
  recordEndorsement(ms: number, ok: boolean): void {
    const b = this.#current();
    b.endorseMsSum += ms;
    b.endorseCount += 1;
    if (!ok) b.endorseFailures += 1;
  }

  /** Records one broadcast to an orderer. */
  recordOrdering(ms: number, ok: boolean): void {
    const b = this.#current();
    b.orderMsSum += ms;
    b.orderCount += 1;
    if (!ok) b.orderFailures += 1;
  }

  /** How many transactions of `channel` got validation code `code` within the last `withinMs`. */
  countInvalid(channel: string, code: string, withinMs: number): number {
    const since = this.#now() - withinMs;
    let n = 0;
    for (const b of this.#buckets) {
      if (b.start + this.bucketMs <= since) continue;
      n += b.channels.get(channel)?.invalid.get(code) ?? 0;
    }
    return n;
  }

  /** The series of one channel over the kept window, one point per bucket, gaps filled with zeros. */
  series(channel: string): ActivitySeries {
    const end = Math.floor(this.#now() / this.bucketMs) * this.bucketMs;
    this.#prune(end);
    const byStart = new Map(this.#buckets.map((b) => [b.start, b]));
    const count = Math.floor(this.#windowMs / this.bucketMs);
    const points: ActivityPoint[] = [];
    for (let i = count - 1; i >= 0; i--) {
      const t = end - i * this.bucketMs;
      const b = byStart.get(t);
      const c = b?.channels.get(channel);
      points.push({
        t,
        blocks: c?.blocks ?? 0,
        validTxs: c?.valid ?? 0,
        invalidTxs: Object.fromEntries(c?.invalid ?? []),
        commitMs: c ? mean(c.commitMsSum, c.commitCount) : null,
        endorseMs: b ? mean(b.endorseMsSum, b.endorseCount) : null,
        orderMs: b ? mean(b.orderMsSum, b.orderCount) : null,
        endorseFailures: b?.endorseFailures ?? 0,
        orderFailures: b?.orderFailures ?? 0,
      });
    }
    return { channel, bucketMs: this.bucketMs, points };
  }
}
