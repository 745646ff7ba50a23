import { describe, expect, it } from 'vitest';
import { BlockCutter } from './blockCutter.js';

const env = (size: number) => new Uint8Array(size);

describe('BlockCutter', () => {
  it('cuts when the batch reaches maxMessageCount', () => {
    const c = new BlockCutter({ maxMessageCount: 3, maxBytes: 10_000, timeoutMs: 50 });
    expect(c.ordered(env(10))).toEqual([]);
    expect(c.ordered(env(10))).toEqual([]);
    const out = c.ordered(env(10));
    expect(out).toHaveLength(1);
    expect(out[0]).toHaveLength(3);
    expect(c.pendingCount).toBe(0);
  });

  it('cuts the pending batch before an envelope that would overflow maxBytes', () => {
    const c = new BlockCutter({ maxMessageCount: 100, maxBytes: 2048, timeoutMs: 50 });
    c.ordered(env(1000));
    c.ordered(env(1000));
    const out = c.ordered(env(100));
    expect(out).toHaveLength(1);
    expect(out[0]!.map((e) => e.byteLength)).toEqual([1000, 1000]);
    expect(c.pendingCount).toBe(1);
  });

  it('puts an envelope larger than maxBytes in a batch of its own', () => {
    const c = new BlockCutter({ maxMessageCount: 100, maxBytes: 1024, timeoutMs: 50 });
    c.ordered(env(10));
    const out = c.ordered(env(5000));
    expect(out.map((b) => b.map((e) => e.byteLength))).toEqual([[10], [5000]]);
    expect(c.pendingCount).toBe(0);
  });

  it('cut() returns what is pending (the timeout path) and applies new config', () => {
    const c = new BlockCutter({ maxMessageCount: 100, maxBytes: 10_000, timeoutMs: 50 });
    c.ordered(env(1));
    c.ordered(env(2));
    expect(c.cut().map((e) => e.byteLength)).toEqual([1, 2]);
    expect(c.cut()).toEqual([]);
    c.setConfig({ maxMessageCount: 1, maxBytes: 10_000, timeoutMs: 50 });
    expect(c.ordered(env(3))).toHaveLength(1);
  });
});
