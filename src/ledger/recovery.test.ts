import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ConsortiaError, fromUtf8, isConsortiaError } from '../common/index.js';
import { type ParsedBlock, parseBlock, parseEnvelope, withValidationCodes } from '../protocol/index.js';
import { Ledger, LedgerErrorCodes, readBlockFiles } from './index.js';
import { encodeSegmentRecord } from './segmentRecord.js';
import { scenarioBlocks, TestChain } from './testBlocks.js';

const dirs: string[] = [];
const open: Ledger[] = [];

function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-'));
  dirs.push(d);
  return d;
}

async function openLedger(dir: string, channel = 'testchannel', segmentMaxBytes?: number): Promise<Ledger> {
  const l = await Ledger.open({ dir, channel, ...(segmentMaxBytes ? { segmentMaxBytes } : {}) });
  open.push(l);
  return l;
}

async function closeAll(): Promise<void> {
  for (const l of open.splice(0)) await l.close();
}

afterEach(async () => {
  await closeAll();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function openError(dir: string, channel = 'testchannel'): Promise<ConsortiaError> {
  try {
    await openLedger(dir, channel);
  } catch (err) {
    if (isConsortiaError(err)) return err;
    throw err;
  }
  return expect.fail('the ledger opened');
}

async function committedLedger(blocks: readonly ParsedBlock[]): Promise<{ dir: string; ledger: Ledger }> {
  const dir = tmpDir();
  const ledger = await openLedger(dir);
  for (const b of blocks) await ledger.commitBlock(b);
  return { dir, ledger };
}

const seg0 = (dir: string) => path.join(dir, 'blocks', '000000.seg');
const storedRecord = (b: ParsedBlock) => encodeSegmentRecord(withValidationCodes(b, b.validationCodes));

describe('Ledger reopen and recovery', () => {
  it('resumes height, last hash and state after reopening', async () => {
    const blocks = scenarioBlocks(4);
    const { dir, ledger } = await committedLedger(blocks.slice(0, 3));
    const digest = ledger.stateDigest();
    await closeAll();
    const again = await openLedger(dir);
    expect(again.height).toBe(3);
    expect(again.lastBlockHash).toEqual(blocks[2]!.hash);
    expect(again.stateDigest()).toBe(digest);
    expect(again.recoveryReport).toEqual({ replayedBlocks: [], truncatedBytes: 0 });
    await again.commitBlock(blocks[3]!);
    expect(fromUtf8(again.getState('asset', 'counter')!.value)).toBe('3');
  });

  it('refuses a second open of the same directory while it is open', async () => {
    const dir = tmpDir();
    await openLedger(dir);
    expect((await openError(dir)).code).toBe(LedgerErrorCodes.LEDGER_LOCKED);
  });

  it('replays blocks that were appended but not committed to the index', async () => {
    const blocks = scenarioBlocks(5);
    const referenceDigest = (await committedLedger(blocks)).ledger.stateDigest();
    const { dir } = await committedLedger(blocks.slice(0, 2));
    await closeAll();
    fs.appendFileSync(seg0(dir), Buffer.concat([storedRecord(blocks[2]!), storedRecord(blocks[3]!)]));

    const reopened = await openLedger(dir);
    expect(reopened.recoveryReport).toEqual({ replayedBlocks: [2, 3], truncatedBytes: 0 });
    expect(reopened.height).toBe(4);
    expect(reopened.lastBlockHash).toEqual(blocks[3]!.hash);
    await reopened.commitBlock(blocks[4]!);
    expect(reopened.stateDigest()).toBe(referenceDigest);
    const txId = parseEnvelope(blocks[3]!.envelopes[0]!).txId;
    expect(reopened.getTxLocation(txId)).toEqual({ blockNumber: 3, txIndex: 0, validationCode: 0 });
    expect(reopened.getHistory('asset', 'counter').map((h) => h.blockNumber)).toEqual([1, 2, 3, 4]);
  });

  it('rebuilds the whole index from the block files when ledger.mdb is gone', async () => {
    const blocks = scenarioBlocks(4);
    const { dir, ledger } = await committedLedger(blocks);
    const digest = ledger.stateDigest();
    const config = ledger.getChannelConfig();
    await closeAll();
    fs.rmSync(path.join(dir, 'ledger.mdb'));
    fs.rmSync(path.join(dir, 'ledger.mdb-lock'), { force: true });
    const rebuilt = await openLedger(dir);
    expect(rebuilt.recoveryReport.replayedBlocks).toEqual([0, 1, 2, 3]);
    expect(rebuilt.stateDigest()).toBe(digest);
    expect(config).toBeDefined();
    expect(rebuilt.getChannelConfig()).toEqual(config);
  });

  it.each([
    ['an incomplete record', (rec: Buffer) => rec.subarray(0, rec.byteLength - 10)],
    ['a half header', (rec: Buffer) => rec.subarray(0, 5)],
    [
      'a checksum mismatch',
      (rec: Buffer) => Buffer.concat([rec.subarray(0, -1), Buffer.of(rec[rec.byteLength - 1]! ^ 0xff)]),
    ],
    ['zeros', (rec: Buffer) => Buffer.alloc(rec.byteLength)],
  ])('cuts off a torn last record (%s)', async (_name, tear) => {
    const blocks = scenarioBlocks(3);
    const { dir, ledger } = await committedLedger(blocks.slice(0, 2));
    const digest = ledger.stateDigest();
    await closeAll();
    const size = fs.statSync(seg0(dir)).size;
    const torn = tear(storedRecord(blocks[2]!));
    fs.appendFileSync(seg0(dir), torn);

    const reopened = await openLedger(dir);
    expect(reopened.recoveryReport).toEqual({ replayedBlocks: [], truncatedBytes: torn.byteLength });
    expect(fs.statSync(seg0(dir)).size).toBe(size);
    expect(reopened.height).toBe(2);
    expect(reopened.stateDigest()).toBe(digest);
    await reopened.commitBlock(blocks[2]!);
    await closeAll();
    const third = await openLedger(dir);
    expect(third.height).toBe(3);
    expect([...readBlockFiles(dir)].map((r) => parseBlock(r.bytes).number)).toEqual([0, 1, 2]);
  });

  it('reports a damaged record in the middle of a segment as LEDGER_CORRUPT naming the file', async () => {
    const blocks = scenarioBlocks(4);
    const { dir } = await committedLedger(blocks.slice(0, 2));
    await closeAll();
    const offset = fs.statSync(seg0(dir)).size;
    const rec2 = storedRecord(blocks[2]!);
    const mid = rec2.byteLength >> 1;
    rec2.writeUInt8(rec2[mid]! ^ 0x01, mid);
    fs.appendFileSync(seg0(dir), Buffer.concat([rec2, storedRecord(blocks[3]!)]));
    const err = await openError(dir);
    expect(err.code).toBe(LedgerErrorCodes.LEDGER_CORRUPT);
    expect(err.detail).toMatchObject({ file: seg0(dir), offset });
    expect(err.message).toContain(seg0(dir));
  });

  it('detects a flipped byte in a committed block when reading it', async () => {
    const blocks = scenarioBlocks(3);
    const { dir } = await committedLedger(blocks);
    await closeAll();
    const records = [...readBlockFiles(dir)];
    const target = records[1]!;
    const fd = fs.openSync(target.file, 'r+');
    const at = target.offset + 8 + (target.storedLength >> 1);
    const byte = Buffer.alloc(1);
    fs.readSync(fd, byte, 0, 1, at);
    fs.writeSync(fd, Buffer.of(byte[0]! ^ 0x80), 0, 1, at);
    fs.closeSync(fd);

    const reopened = await openLedger(dir);
    expect(() => reopened.getBlock(1)).toThrow(
      expect.objectContaining({
        code: LedgerErrorCodes.LEDGER_CORRUPT,
        detail: { file: target.file, offset: target.offset },
      }),
    );
    expect(reopened.getBlock(2)).toBeDefined();
    expect(() => [...readBlockFiles(dir)]).toThrow(
      expect.objectContaining({
        code: LedgerErrorCodes.LEDGER_CORRUPT,
        detail: { file: target.file, offset: target.offset },
      }),
    );
  });

  it('refuses a replayed block that does not follow the chain', async () => {
    const blocks = scenarioBlocks(4);
    const { dir } = await committedLedger(blocks.slice(0, 2));
    await closeAll();
    const offset = fs.statSync(seg0(dir)).size;
    fs.appendFileSync(seg0(dir), storedRecord(blocks[3]!));
    const err = await openError(dir);
    expect(err.code).toBe(LedgerErrorCodes.LEDGER_CORRUPT);
    expect(err.detail).toEqual({ file: seg0(dir), block: 3, offset });

    const other = scenarioBlocks(3, 'other-chain');
    const { dir: dir2 } = await committedLedger(blocks.slice(0, 2));
    await closeAll();
    fs.appendFileSync(seg0(dir2), storedRecord(other[2]!));
    expect((await openError(dir2)).detail).toMatchObject({ block: 2 });
  });

  it('refuses the ledger of another channel', async () => {
    const { dir } = await committedLedger(scenarioBlocks(1));
    await closeAll();
    const err = await openError(dir, 'another');
    expect(err.code).toBe(LedgerErrorCodes.LEDGER_CHANNEL_MISMATCH);
    expect(err.detail).toEqual({ expected: 'another', found: 'testchannel' });
    expect((await openLedger(dir)).height).toBe(1);
  });

  it('refuses directories that are not a Consortia ledger', async () => {
    const garbage = tmpDir();
    fs.writeFileSync(path.join(garbage, 'ledger.mdb'), Buffer.alloc(20000, 0x5a));
    expect((await openError(garbage)).code).toBe(LedgerErrorCodes.LEDGER_CORRUPT);
    const tiny = tmpDir();
    fs.writeFileSync(path.join(tiny, 'ledger.mdb'), 'hello');
    expect((await openError(tiny)).detail).toEqual({ file: path.join(tiny, 'ledger.mdb') });

    const { dir: truncated } = await committedLedger(scenarioBlocks(3));
    await closeAll();
    fs.truncateSync(path.join(truncated, 'ledger.mdb'), 8192);
    const cut = await openError(truncated);
    expect(cut.code).toBe(LedgerErrorCodes.LEDGER_CORRUPT);
    expect(cut.message).toContain('truncated');

    const badMagic = tmpDir();
    fs.mkdirSync(path.join(badMagic, 'blocks'));
    fs.writeFileSync(path.join(badMagic, 'blocks', '000000.seg'), Buffer.from('garbage garbage garbage'));
    fs.writeFileSync(path.join(badMagic, 'blocks', '000001.seg'), Buffer.alloc(0));
    const err = await openError(badMagic);
    expect(err.code).toBe(LedgerErrorCodes.LEDGER_CORRUPT);
    expect(err.detail).toEqual({ file: seg0(badMagic), offset: 0 });

    const other = tmpDir();
    fs.writeFileSync(path.join(other, 'notes.txt'), 'my files');
    expect((await openError(other)).code).toBe(LedgerErrorCodes.LEDGER_CORRUPT);
    expect(fs.readdirSync(other)).toEqual(['notes.txt']);
  });

  it('rolls over segment files and reads blocks across them', async () => {
    const blocks = scenarioBlocks(6);
    const dir = tmpDir();
    const ledger = await openLedger(dir, 'testchannel', 2000);
    for (const b of blocks) await ledger.commitBlock(b);
    const files = fs.readdirSync(path.join(dir, 'blocks'));
    expect(files.length).toBeGreaterThan(2);
    for (let n = 0; n < blocks.length; n++)
      expect(parseBlock(ledger.getBlock(n)!).hash).toEqual(blocks[n]!.hash);
    const digest = ledger.stateDigest();
    await closeAll();
    const reopened = await openLedger(dir, 'testchannel', 2000);
    expect(reopened.height).toBe(6);
    expect(reopened.stateDigest()).toBe(digest);
    fs.rmSync(path.join(dir, 'blocks', files[1]!));
    await closeAll();
    expect((await openError(dir)).code).toBe(LedgerErrorCodes.LEDGER_CORRUPT);
  });
});

describe('readBlockFiles', () => {
  it('yields every stored block with its file and offset', async () => {
    const blocks = scenarioBlocks(3);
    const { dir } = await committedLedger(blocks);
    const records = [...readBlockFiles(dir)];
    expect(records.map((r) => parseBlock(r.bytes).hash)).toEqual(blocks.map((b) => b.hash));
    expect(records.map((r) => r.file)).toEqual([seg0(dir), seg0(dir), seg0(dir)]);
    expect(records[0]!.offset).toBe(0);
    expect(records[1]!.offset).toBe(8 + records[0]!.storedLength + 4);
    expect(parseBlock(records[2]!.bytes).validationCodes).toEqual(blocks[2]!.validationCodes);
  });

  it('throws on a torn tail unless told to tolerate it', async () => {
    const blocks = scenarioBlocks(2);
    const { dir } = await committedLedger(blocks.slice(0, 1));
    await closeAll();
    const size = fs.statSync(seg0(dir)).size;
    fs.appendFileSync(seg0(dir), storedRecord(blocks[1]!).subarray(0, 30));
    expect(() => [...readBlockFiles(dir)]).toThrow(
      expect.objectContaining({
        code: LedgerErrorCodes.LEDGER_CORRUPT,
        detail: { file: seg0(dir), offset: size, torn: true },
      }),
    );
    expect([...readBlockFiles(dir, { tolerateTornTail: true })]).toHaveLength(1);
  });

  it('reads nothing from a directory without blocks', () => {
    expect([...readBlockFiles(tmpDir())]).toEqual([]);
  });
});

describe('Ledger after a new block store of another chain', () => {
  it('keeps chains apart: a block of another chain at the right height is refused', async () => {
    const ledger = (await committedLedger(scenarioBlocks(1))).ledger;
    const other = new TestChain({ seed: 'x' });
    other.next([]);
    await expect(ledger.commitBlock(other.next([]).block)).rejects.toMatchObject({
      code: LedgerErrorCodes.LEDGER_CHAIN_BROKEN,
    });
  });
});
