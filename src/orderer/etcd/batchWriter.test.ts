import { describe, expect, it } from 'vitest';
import { BatchWriter } from './batchWriter.js';
import { decodeLogEntry } from './logEntry.js';

describe('BatchWriter: envelopes grouped into few etcd puts', () => {
  it('writes envelopes that arrive together as one entry, in order, and acknowledges each', async () => {
    const puts: Uint8Array[] = [];
    const writer = new BatchWriter({ append: async (e) => void puts.push(e), lingerMs: 5 });
    const envs = Array.from({ length: 20 }, (_, i) => new Uint8Array([i, i, i]));
    await Promise.all(envs.map((e) => writer.submit(e)));
    expect(puts).toHaveLength(1);
    const entry = decodeLogEntry(puts[0]!);
    expect(entry.kind === 'batch' && entry.envelopes.map((e) => e[0])).toEqual(envs.map((_, i) => i));
  });

  it('splits at maxPutBytes and never drops or reorders an envelope', async () => {
    const puts: Uint8Array[] = [];
    const writer = new BatchWriter({
      append: async (e) => void puts.push(e),
      maxPutBytes: 1000,
      maxConcurrentPuts: 1,
    });
    const envs = Array.from({ length: 30 }, (_, i) => new Uint8Array(300).fill(i));
    await Promise.all(envs.map((e) => writer.submit(e)));
    const order = puts.flatMap((p) => {
      const e = decodeLogEntry(p);
      return e.kind === 'batch' ? e.envelopes.map((x) => x[0]) : [];
    });
    expect(order).toEqual(envs.map((_, i) => i));
    expect(Math.max(...puts.map((p) => p.byteLength))).toBeLessThan(1000 + 400);
  });

  it('fails every envelope of a failed put, and does not write one whose client gave up', async () => {
    const puts: Uint8Array[] = [];
    let fail = true;
    const writer = new BatchWriter({
      append: async (e) => {
        if (fail) throw new Error('etcd down');
        puts.push(e);
      },
    });
    await expect(writer.submit(new Uint8Array([1]))).rejects.toThrow('etcd down');
    fail = false;
    await expect(writer.submit(new Uint8Array([2]), Date.now() - 1)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    await writer.submit(new Uint8Array([3]));
    await writer.flush();
    expect(
      puts
        .map((p) => decodeLogEntry(p))
        .flatMap((e) => (e.kind === 'batch' ? e.envelopes.map((x) => x[0]) : [])),
    ).toEqual([3]);
  });
});
