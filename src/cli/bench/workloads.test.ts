import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type BenchOp, createWorkload, registerHash, seededRandom } from './workloads.js';

/** Runs setup ops as if they all committed valid. */
const setupOk = async (ops: readonly BenchOp[]) => {
  for (const op of ops) op.done({ ok: true, result: null });
};

describe('transfer workload', () => {
  it('registers the pool as Regulator, then cycles request → confirm between telcos', async () => {
    const w = createWorkload('transfer', { poolSize: 2, tag: '1234' });
    const setup: BenchOp[] = [];
    await w.setup(async (ops) => {
      setup.push(...ops);
      await setupOk(ops);
    });
    expect(setup.map((o) => [o.identity, o.fn, o.args])).toEqual([
      ['Regulator.admin', 'registerNumber', { number: '+8812340000000', carrier: 'TelcoA' }],
      ['Regulator.admin', 'registerNumber', { number: '+8812340000001', carrier: 'TelcoB' }],
    ]);

    const req = w.next()!;
    expect(req.fn).toBe('requestPort');
    expect(req.args.number).toBe('+8812340000000');
    expect(req.identity).not.toBe('TelcoA.admin');
    const second = w.next()!;
    expect(second.args.number).toBe('+8812340000001');
    expect(w.next()).toBeUndefined(); // both numbers are in flight

    req.done({ ok: true, result: { requestId: 'pr-0000000000000001' } });
    const confirm = w.next()!;
    expect(confirm).toMatchObject({
      fn: 'confirmPort',
      identity: 'TelcoA.admin', // the donor confirms
      args: { requestId: 'pr-0000000000000001' },
    });
    confirm.done({ ok: true, result: {} });
    second.done({ ok: false, code: 'MVCC_READ_CONFLICT' }); // retired: state unknown
    const again = w.next()!;
    expect(again).toMatchObject({ fn: 'requestPort', args: { number: '+8812340000000' } });
    // The number now belongs to the recipient of the first request.
    expect(again.identity).not.toBe(req.identity);
    expect(w.next()).toBeUndefined();
  });
});

describe('register workload', () => {
  it('registers a fresh SHA-256 hash per operation with proof-registry, signed by all four orgs', async () => {
    const w = createWorkload('register', { poolSize: 0, tag: 't' });
    expect(w.contract).toBe('proof-registry');
    let warm: readonly BenchOp[] = [];
    await w.setup(async (ops) => {
      warm = ops;
    });
    expect(warm).toHaveLength(16);
    const ops = Array.from({ length: 40 }, () => w.next()!);
    const all = [...warm, ...ops];
    expect(
      all.every((o) => o.kind === 'submit' && o.contract === 'proof-registry' && o.fn === 'register'),
    ).toBe(true);
    // Only a hash: nothing else goes into the transaction.
    expect(all.every((o) => Object.keys(o.args).join() === 'hash')).toBe(true);
    const hashes = all.map((o) => o.args.hash as string);
    expect(hashes.every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(hashes[0]).toBe(createHash('sha256').update('bench:t:0').digest('hex'));
    expect(new Set(ops.map((o) => o.identity.split('.')[0]))).toEqual(
      new Set(['TelcoA', 'TelcoB', 'TelcoC', 'Regulator']),
    );
  });

  it('repeats its hashes for a tag and changes them with the tag', () => {
    const run = (tag: string) => {
      const w = createWorkload('register', { poolSize: 0, tag });
      return Array.from({ length: 5 }, () => w.next()!.args.hash);
    };
    expect(run('a')).toEqual(run('a'));
    expect(run('a').filter((h) => run('b').includes(h))).toEqual([]);
    expect(registerHash('a', 3)).toBe(run('a')[3]);
  });
});

describe('hot workload', () => {
  const ready = async (opts: Parameters<typeof createWorkload>[1]) => {
    const w = createWorkload('hot', opts);
    const created: BenchOp[] = [];
    await w.setup(async (ops) => {
      created.push(...ops);
      await setupOk(ops);
    });
    return { w, created };
  };

  it('sends every write to the hot keys when the hot share is 1', async () => {
    const { w } = await ready({ poolSize: 8, hotKeyShare: 1, readShare: 0, hotKeyCount: 2, tag: 'x' });
    const ids = new Set(Array.from({ length: 50 }, () => w.next()!.args.id));
    expect(ids).toEqual(new Set(['h-x-hot-0', 'h-x-hot-1']));
  });

  it('never hands out a cold key that is still in flight', async () => {
    const { w, created } = await ready({ poolSize: 3, hotKeyShare: 0, readShare: 0, tag: 'x' });
    expect(created.every((o) => o.identity === 'TelcoA.admin' && o.fn === 'createAsset')).toBe(true);
    const a = w.next()!;
    const b = w.next()!;
    const c = w.next()!;
    expect(new Set([a.args.id, b.args.id, c.args.id]).size).toBe(3);
    expect(w.next()).toBeUndefined();
    b.done({ ok: false, code: 'MVCC_READ_CONFLICT' });
    expect(w.next()!.args.id).toBe(b.args.id);
    expect([a, b, c].every((o) => o.fn === 'updateValue' && o.identity.startsWith('TelcoA.'))).toBe(true);
  });

  it('mixes reads in at the read share', async () => {
    const { w } = await ready({ poolSize: 2000, hotKeyShare: 0.5, readShare: 0.3, seed: 7, tag: 'x' });
    const ops = Array.from({ length: 1000 }, () => w.next()!);
    const reads = ops.filter((o) => o.kind === 'evaluate');
    expect(reads.every((o) => o.fn === 'readAsset')).toBe(true);
    expect(reads.length).toBeGreaterThan(230);
    expect(reads.length).toBeLessThan(370);
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
