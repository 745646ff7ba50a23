import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './stats.js';

describe('percentile (nearest rank)', () => {
  it('picks the smallest value with at least p% of the values at or below it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        (values, p) => {
          const sorted = [...values].sort((a, b) => a - b);
          const v = percentile(sorted, p);
          const need = Math.ceil((p / 100) * sorted.length);
          expect(sorted).toContain(v);
          expect(sorted.filter((x) => x <= v).length).toBeGreaterThanOrEqual(need);
          expect(sorted.filter((x) => x < v).length).toBeLessThan(need);
        },
      ),
    );
  });

  it('gives the known ranks of a small sample', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile(xs, 10)).toBe(1);
    expect(percentile(xs, 100)).toBe(10);
  });

  it('is NaN for no values and refuses a p outside (0, 100]', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts a copy and reports p50/p95/p99, mean and max', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted
    const s = summarize(values);
    expect(s).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, mean: 50.5, max: 100 });
    expect(values[0]).toBe(100);
  });

  it('gives zeros for an empty sample', () => {
    expect(summarize([])).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, mean: 0, max: 0 });
  });
});
