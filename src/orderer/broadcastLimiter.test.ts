import { describe, expect, it } from 'vitest';
import { ConsortiaError } from '../common/index.js';
import { BroadcastLimiter } from './broadcastLimiter.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConsortiaError) return err.code;
    throw err;
  }
  return 'accepted';
}

describe('BroadcastLimiter: a flooding client cannot starve the others', () => {
  it('refuses a client over its rate with RATE_LIMITED while another client is still admitted', () => {
    let now = 0;
    const limiter = new BroadcastLimiter({
      ratePerSecond: 100,
      burst: 10,
      maxInFlight: 1000,
      now: () => now,
    });
    const results = Array.from({ length: 50 }, () => codeOf(() => limiter.acquire('flooder')()));
    expect(results.filter((r) => r === 'accepted')).toHaveLength(10);
    expect(results.slice(10).every((r) => r === 'RATE_LIMITED')).toBe(true);
    expect(codeOf(() => limiter.acquire('quiet')())).toBe('accepted');
    // Tokens come back with time: 50 ms at 100/s is 5 more envelopes.
    now += 50;
    expect(
      Array.from({ length: 8 }, () => codeOf(() => limiter.acquire('flooder')())).filter(
        (r) => r === 'accepted',
      ),
    ).toHaveLength(5);
  });

  it('caps envelopes in flight per client; releasing one admits the next', () => {
    const limiter = new BroadcastLimiter({ ratePerSecond: 1e9, burst: 1e9, maxInFlight: 3, now: () => 0 });
    const held = [limiter.acquire('a'), limiter.acquire('a'), limiter.acquire('a')];
    expect(codeOf(() => limiter.acquire('a'))).toBe('RATE_LIMITED');
    expect(codeOf(() => limiter.acquire('b'))).toBe('accepted');
    held[0]!();
    held[0]!(); // releasing twice is harmless
    expect(codeOf(() => limiter.acquire('a'))).toBe('accepted');
    expect(codeOf(() => limiter.acquire('a'))).toBe('RATE_LIMITED');
  });
});
