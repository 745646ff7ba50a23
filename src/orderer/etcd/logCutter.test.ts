import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BatchConfig } from '../../protocol/index.js';
import { type LogCut, LogCutter, type LogPosition } from './logCutter.js';
import type { LogEntry } from './logEntry.js';

const batch: BatchConfig = { maxMessageCount: 4, maxBytes: 2048, timeoutMs: 50 };
/** Test envelopes: first byte 0xff marks a config update, second byte 0 a refused one. */
const isConfig = (e: Uint8Array) => e[0] === 0xff;
const checkConfig = async (e: Uint8Array): Promise<BatchConfig | undefined> =>
  e[1] === 0 ? undefined : { ...batch, maxMessageCount: e[1]! };

function cutter(start: LogPosition = { rev: 0n, index: 0 }, nextBlock = 1, lastTimestamp = 0, cfg = batch) {
  return new LogCutter({ batch: cfg, nextBlock, lastTimestamp, start, isConfig, checkConfig });
}

async function run(
  c: LogCutter,
  log: readonly { rev: bigint; entry: LogEntry | undefined }[],
): Promise<LogCut[]> {
  const out: LogCut[] = [];
  for (const { rev, entry } of log) out.push(...(await c.apply(rev, entry)));
  return out;
}

const summary = (cuts: readonly LogCut[]) =>
  cuts.map((c) => ({ n: c.number, ts: c.timestamp, cfg: c.isConfig, env: c.envelopes.map((e) => [...e]) }));

let tag = 0;
const env = (size: number) => {
  const e = new Uint8Array(Math.max(2, size));
  e[0] = ++tag % 200;
  e[1] = tag >> 8;
  return e;
};

const logArb = fc
  .array(
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .array(fc.integer({ min: 2, max: 900 }), { minLength: 1, maxLength: 7 })
          .map((s) => ({ kind: 'batch' as const, sizes: s })),
      },
      {
        weight: 2,
        arbitrary: fc.integer({ min: 0, max: 6 }).map((d) => ({ kind: 'cut' as const, ahead: d })),
      },
      {
        weight: 1,
        arbitrary: fc.integer({ min: 0, max: 6 }).map((n) => ({ kind: 'config' as const, count: n })),
      },
      { weight: 1, arbitrary: fc.constant({ kind: 'junk' as const }) },
    ),
    { maxLength: 25 },
  )
  .chain((steps) =>
    fc.tuple(
      fc.constant(steps),
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: steps.length, maxLength: steps.length }),
    ),
  );

type Steps = typeof logArb extends fc.Arbitrary<infer T> ? T : never;

/** Builds a concrete log (revisions with gaps, as etcd's are) from generated steps. */
function buildLog(steps: Steps) {
  const [kinds, gaps] = steps;
  const log: { rev: bigint; entry: LogEntry | undefined }[] = [];
  let rev = 1n;
  let ts = 1000;
  kinds.forEach((k, i) => {
    rev += BigInt(gaps[i]!);
    ts += 7;
    if (k.kind === 'batch') log.push({ rev, entry: { kind: 'batch', ts, envelopes: k.sizes.map(env) } });
    else if (k.kind === 'cut')
      log.push({ rev, entry: { kind: 'cut', ts, block: 1 + Math.floor(i / 3) + k.ahead - 2 } });
    else if (k.kind === 'config')
      log.push({ rev, entry: { kind: 'batch', ts, envelopes: [new Uint8Array([0xff, k.count, i])] } });
    else log.push({ rev, entry: undefined });
  });
  return log;
}

describe('LogCutter: blocks from the ordering log', () => {
  it('every orderer resuming from any recorded position cuts exactly the same later blocks', async () => {
    await fc.assert(
      fc.asyncProperty(logArb, async (steps) => {
        const log = buildLog(steps);
        const first = cutter();
        const all = await run(first, log);
        for (let i = 0; i < all.length; i++) {
          const at = all[i]!;
          let cfg = batch;
          for (const c of all.slice(0, i + 1)) if (c.isConfig) cfg = (await checkConfig(c.envelopes[0]!))!;
          const resumed = cutter(at.resume, at.number + 1, at.timestamp, cfg);
          const rest = await run(
            resumed,
            log.filter((e) => e.rev >= at.resume.rev),
          );
          expect(summary(rest)).toEqual(summary(all.slice(i + 1)));
        }
        // Numbers are consecutive, timestamps never go back, no envelope is lost or doubled.
        expect(all.map((c) => c.number)).toEqual(all.map((_, i) => i + 1));
        const ordered = log.flatMap(({ entry }) =>
          entry?.kind === 'batch' ? entry.envelopes.filter((e) => !(isConfig(e) && e[1] === 0)) : [],
        );
        const cutEnvelopes = all.flatMap((c) => c.envelopes);
        expect(cutEnvelopes).toEqual(ordered.slice(0, cutEnvelopes.length));
        expect(ordered.length - cutEnvelopes.length).toBe(first.pendingCount);
        for (let i = 1; i < all.length; i++)
          expect(all[i]!.timestamp).toBeGreaterThanOrEqual(all[i - 1]!.timestamp);
      }),
      { numRuns: 100 },
    );
  });

  it('cuts by count and bytes as the BlockCutter does, and a config update alone', async () => {
    const c = cutter();
    const cuts = await c.apply(5n, {
      kind: 'batch',
      ts: 10,
      envelopes: [env(10), env(10), env(10), env(10), env(10), new Uint8Array([0xff, 2, 0]), env(10)],
    });
    expect(cuts.map((x) => [x.number, x.envelopes.length, x.isConfig])).toEqual([
      [1, 4, false],
      [2, 1, false],
      [3, 1, true],
    ]);
    expect(cuts.map((x) => x.resume)).toEqual([
      { rev: 5n, index: 4 },
      { rev: 5n, index: 5 },
      { rev: 5n, index: 6 },
    ]);
    expect(c.pendingCount).toBe(1);
    expect(c.pendingStart).toEqual({ rev: 5n, index: 6 });
    // The new batch config (maxMessageCount 2) is in force from the next envelope on.
    expect(
      (await c.apply(6n, { kind: 'batch', ts: 11, envelopes: [env(10)] })).map((x) => x.envelopes.length),
    ).toEqual([2]);
  });

  it('a cut marker cuts once: markers for another block and duplicates are ignored', async () => {
    const c = cutter();
    await c.apply(2n, { kind: 'batch', ts: 10, envelopes: [env(10)] });
    expect(await c.apply(3n, { kind: 'cut', ts: 20, block: 2 })).toEqual([]);
    const [cut] = await c.apply(4n, { kind: 'cut', ts: 30, block: 1 });
    expect(cut).toMatchObject({ number: 1, timestamp: 30, resume: { rev: 5n, index: 0 } });
    expect(await c.apply(5n, { kind: 'cut', ts: 31, block: 1 })).toEqual([]);
    expect(await c.apply(6n, { kind: 'cut', ts: 32, block: 2 })).toEqual([]);
    expect(c.nextBlock).toBe(2);
  });

  it('a refused config update makes no block, and malformed entries are skipped alike', async () => {
    const c = cutter();
    expect(await c.apply(2n, { kind: 'batch', ts: 10, envelopes: [new Uint8Array([0xff, 0, 1])] })).toEqual(
      [],
    );
    expect(await c.apply(3n, undefined)).toEqual([]);
    await c.apply(4n, { kind: 'batch', ts: 11, envelopes: [env(10)] });
    expect((await c.apply(5n, { kind: 'cut', ts: 12, block: 1 }))[0]?.number).toBe(1);
  });

  it('block timestamps come from the log and never go back', async () => {
    const c = cutter({ rev: 0n, index: 0 }, 1, 5000);
    const [cut] = await c.apply(1n, {
      kind: 'batch',
      ts: 10,
      envelopes: [env(10), env(10), env(10), env(10)],
    });
    expect(cut?.timestamp).toBe(5000);
  });
});
