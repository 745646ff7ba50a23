import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../common/index.js';
import { Ledger, LedgerErrorCodes } from './index.js';
import { TestChain } from './testBlocks.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function newLedger(): Promise<Ledger> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-'));
  dirs.push(dir);
  return Ledger.open({ dir, channel: 'testchannel' });
}

describe('Ledger lifecycle and read isolation', () => {
  it('a range read that started before a commit keeps seeing the old state', async () => {
    const ledger = await newLedger();
    const chain = new TestChain();
    await ledger.commitBlock(
      chain.next([{ writes: ['a', 'b', 'c'].map((key) => ({ key, value: `old-${key}` })) }]).block,
    );
    const it = ledger.rangeState('asset', '', '')[Symbol.iterator]();
    expect(fromUtf8(it.next().value!.value)).toBe('old-a');
    await ledger.commitBlock(
      chain.next([
        {
          writes: [
            { key: 'b', value: 'new-b' },
            { key: 'c', delete: true },
            { key: 'd', value: 'new-d' },
          ],
        },
      ]).block,
    );
    const rest: string[] = [];
    for (let r = it.next(); r.done !== true; r = it.next())
      rest.push(`${r.value.key}=${fromUtf8(r.value.value)}`);
    expect(rest).toEqual(['b=old-b', 'c=old-c']);
    expect([...ledger.rangeState('asset', '', '')].map((e) => `${e.key}=${fromUtf8(e.value)}`)).toEqual([
      'a=old-a',
      'b=new-b',
      'd=new-d',
    ]);
    await ledger.close();
  });

  it('refuses use after close, and closing twice is harmless', async () => {
    const ledger = await newLedger();
    await ledger.close();
    await ledger.close();
    expect(() => ledger.getState('asset', 'a')).toThrow(
      expect.objectContaining({ code: LedgerErrorCodes.LEDGER_CLOSED }),
    );
    await expect(ledger.commitBlock(new TestChain().next([]).block)).rejects.toMatchObject({
      code: LedgerErrorCodes.LEDGER_CLOSED,
    });
  });

  it('can be opened again after close in the same process', async () => {
    const ledger = await newLedger();
    await ledger.commitBlock(new TestChain().next([{ writes: [{ key: 'a', value: '1' }] }]).block);
    const dir = dirs[0]!;
    await ledger.close();
    const again = await Ledger.open({ dir, channel: 'testchannel' });
    expect(again.height).toBe(1);
    expect(fromUtf8(again.getState('asset', 'a')!.value)).toBe('1');
    await again.close();
  });
});
