import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromUtf8 } from '../common/index.js';
import { ValidationCode } from '../protocol/index.js';
import { Ledger } from './index.js';
import { TestChain, type TxSpec } from './testBlocks.js';

const KEYS = ['', 'a', 'a\0', 'ab', 'b', 'é', 'z', '\u{1F600}'];
const NAMESPACES = ['asset', 'asset2'];

const writeArb = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  key: fc.constantFrom(...KEYS),
  value: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
});
const txArb = fc.record({
  writes: fc.array(writeArb, { maxLength: 4 }),
  valid: fc.boolean(),
});
const blocksArb = fc.array(fc.array(txArb, { maxLength: 4 }), { minLength: 1, maxLength: 4 });

type Model = Map<string, { value: string; block: number; tx: number }>;
const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('Ledger state against a model', () => {
  it('matches a map that applies the valid writes in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        blocksArb,
        fc.constantFrom(...KEYS),
        fc.constantFrom(...KEYS),
        async (blocks, from, to) => {
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-'));
          const ledger = await Ledger.open({ dir, channel: 'testchannel' });
          try {
            const chain = new TestChain();
            const model = new Map<string, Model>(NAMESPACES.map((ns) => [ns, new Map()]));
            const history = new Map<string, number>();
            for (const [n, txs] of blocks.entries()) {
              const specs: TxSpec[] = txs.map((t) => ({
                writes: t.writes.map((w) =>
                  w.value === undefined
                    ? { ns: w.ns, key: w.key, delete: true }
                    : { ns: w.ns, key: w.key, value: w.value },
                ),
                code: t.valid ? ValidationCode.VALID : ValidationCode.MVCC_READ_CONFLICT,
              }));
              await ledger.commitBlock(chain.next(specs).block);
              txs.forEach((t, i) => {
                if (!t.valid) return;
                const last = new Map<string, boolean>();
                for (const w of t.writes) {
                  if (w.value === undefined) model.get(w.ns)!.delete(w.key);
                  else model.get(w.ns)!.set(w.key, { value: w.value, block: n, tx: i });
                  last.set(`${w.ns}/${w.key}`, true);
                }
                for (const k of last.keys()) history.set(k, (history.get(k) ?? 0) + 1);
              });
            }
            for (const ns of NAMESPACES) {
              const m = model.get(ns)!;
              for (const key of KEYS) {
                const got = ledger.getState(ns, key);
                const want = m.get(key);
                expect(
                  got === undefined ? undefined : { value: fromUtf8(got.value), ...got.version },
                ).toEqual(want);
                expect(ledger.getHistory(ns, key)).toHaveLength(history.get(`${ns}/${key}`) ?? 0);
              }
              const wantRange = [...m.keys()]
                .filter((k) => byUtf8(k, from) >= 0 && (to === '' || byUtf8(k, to) < 0))
                .sort(byUtf8);
              expect([...ledger.rangeState(ns, from, to)].map((e) => e.key)).toEqual(wantRange);
            }
          } finally {
            await ledger.close();
            fs.rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 25, seed: 20240601 },
    );
  });
});
