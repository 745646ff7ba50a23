/**
 * The arrival times of an open-loop (fixed-rate) load: arrival `i` is due at
 * `startMs + i * 1000 / rate`, and arrivals are dealt round-robin to `workers`, so worker `w`
 * sends arrivals w, w + workers, w + 2·workers, … and together they keep an even spacing.
 *
 * @example
 * const s = new RateSchedule({ rate: 100, workers: 4, startMs: 0 });
 * s.timeOf(10)           // 100 (ms)
 * s.arrivalOf(1, 2)      // 9: worker 1's third arrival
 * s.dueBy(1000)          // 101 arrivals are due by t = 1000 ms (0 … 100)
 */
export class RateSchedule {
  readonly rate: number;
  readonly workers: number;
  readonly startMs: number;
  readonly #intervalMs: number;

  constructor(opts: Readonly<{ rate: number; workers: number; startMs: number }>) {
    if (!(opts.rate > 0) || !Number.isFinite(opts.rate)) {
      throw new RangeError(`rate must be a positive number of tx/s, got ${opts.rate}`);
    }
    if (!Number.isInteger(opts.workers) || opts.workers < 1) {
      throw new RangeError(`workers must be a positive integer, got ${opts.workers}`);
    }
    this.rate = opts.rate;
    this.workers = opts.workers;
    this.startMs = opts.startMs;
    this.#intervalMs = 1000 / opts.rate;
  }

  /** When arrival `i` (0-based, over all workers) is due, in ms. */
  timeOf(i: number): number {
    return this.startMs + i * this.#intervalMs;
  }

  /** The global index of worker `worker`'s `k`-th arrival. */
  arrivalOf(worker: number, k: number): number {
    return k * this.workers + worker;
  }

  /** How many arrivals (over all workers) are due at or before `nowMs`. */
  dueBy(nowMs: number): number {
    if (nowMs < this.startMs) return 0;
    return Math.floor((nowMs - this.startMs) / this.#intervalMs + 1e-9) + 1;
  }

  /** How many arrivals fall in a window of `durationMs` from the start (the planned load). */
  plannedIn(durationMs: number): number {
    return Math.max(0, Math.ceil((durationMs * this.rate) / 1000 - 1e-9));
  }
}

/**
 * Splits `total` concurrent slots (closed loop) over `workers`, as evenly as possible: the
 * first `total % workers` workers get one more. Workers beyond `total` get none.
 *
 * @example
 * splitSlots(10, 4) // [3, 3, 2, 2]
 */
export function splitSlots(total: number, workers: number): number[] {
  const base = Math.floor(total / workers);
  const extra = total % workers;
  return Array.from({ length: workers }, (_, w) => base + (w < extra ? 1 : 0));
}
