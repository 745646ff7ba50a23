/** Latency percentiles of a benchmark run, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

/**
 * The `p`-th percentile (0 < p <= 100) of ascending `sorted` values by the nearest-rank method:
 * the smallest value such that at least p% of the values are at or below it. NaN when empty.
 *
 * @example
 * percentile([1, 2, 3, 4], 50) // 2
 * percentile([1, 2, 3, 4], 99) // 4
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * p50/p95/p99, mean and max of `values` (any order; the array is not modified). Values are
 * rounded to 0.1 ms; an empty input gives zeros with count 0.
 *
 * @example
 * summarize([12, 5, 40]).p50 // 12
 */
export function summarize(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0, p50: 0, p95: 0, p99: 0, mean: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const arr = Array.from(sorted);
  let sum = 0;
  for (const v of arr) sum += v;
  return {
    count: arr.length,
    p50: round1(percentile(arr, 50)),
    p95: round1(percentile(arr, 95)),
    p99: round1(percentile(arr, 99)),
    mean: round1(sum / arr.length),
    max: round1(arr[arr.length - 1]!),
  };
}

/**
 * Rounds to one decimal.
 *
 * @example
 * round1(2.345) // 2.3
 */
export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
