import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateSchedule, splitSlots } from './rateSchedule.js';

describe('RateSchedule', () => {
  it('spaces arrivals evenly at the rate', () => {
    const s = new RateSchedule({ rate: 200, workers: 3, startMs: 1000 });
    expect(s.timeOf(0)).toBe(1000);
    expect(s.timeOf(200)).toBe(2000);
    expect(s.plannedIn(10_000)).toBe(2000);
    expect(s.dueBy(999)).toBe(0);
    expect(s.dueBy(1000)).toBe(1);
    expect(s.dueBy(2000)).toBe(201);
  });

  it('counts arrival i as due exactly from its own time on', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 50_000, noNaN: true }),
        fc.integer({ min: 0, max: 100_000 }),
        (rate, i) => {
          const s = new RateSchedule({ rate, workers: 1, startMs: 0 });
          expect(s.dueBy(s.timeOf(i))).toBe(i + 1);
          if (i > 0) expect(s.dueBy(s.timeOf(i) - 1e-3 * (1000 / rate))).toBe(i);
        },
      ),
    );
  });

  it('deals every arrival to exactly one worker, round-robin', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 40 }), (workers, perWorker) => {
        const s = new RateSchedule({ rate: 100, workers, startMs: 0 });
        const seen: number[] = [];
        for (let w = 0; w < workers; w++) {
          for (let k = 0; k < perWorker; k++) {
            const i = s.arrivalOf(w, k);
            expect(i % workers).toBe(w);
            seen.push(i);
          }
        }
        expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: workers * perWorker }, (_, i) => i));
      }),
    );
  });

  it('refuses a rate or worker count that cannot be scheduled', () => {
    expect(() => new RateSchedule({ rate: 0, workers: 1, startMs: 0 })).toThrow(RangeError);
    expect(() => new RateSchedule({ rate: Number.POSITIVE_INFINITY, workers: 1, startMs: 0 })).toThrow(
      RangeError,
    );
    expect(() => new RateSchedule({ rate: 10, workers: 0, startMs: 0 })).toThrow(RangeError);
  });
});

describe('splitSlots', () => {
  it('splits closed-loop slots over workers, differing by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 64 }), (total, workers) => {
        const slots = splitSlots(total, workers);
        expect(slots).toHaveLength(workers);
        expect(slots.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...slots) - Math.min(...slots)).toBeLessThanOrEqual(1);
      }),
    );
    expect(splitSlots(10, 4)).toEqual([3, 3, 2, 2]);
  });
});
