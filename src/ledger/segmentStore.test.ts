import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { utf8 } from '../common/index.js';
import {
  COMPRESSED_RECORD_MAGIC,
  DICTIONARY_RECORD_MAGIC,
  dictionaryOf,
  packBlock,
  RECORD_MAGIC,
} from './blockCompression.js';
import { readBlockFiles } from './readBlockFiles.js';
import { encodeSegmentRecord, recordSize } from './segmentRecord.js';
import { SegmentStore } from './segmentStore.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function store(maxBytes?: number): { dir: string; blocksDir: string; s: SegmentStore } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-'));
  dirs.push(dir);
  const blocksDir = path.join(dir, 'blocks');
  fs.mkdirSync(blocksDir);
  return {
    dir,
    blocksDir,
    s: new SegmentStore({ blocksDir, segment: 0, size: 0, ...(maxBytes ? { maxBytes } : {}) }),
  };
}

describe('SegmentStore', () => {
  it('writes records in the documented format', () => {
    const rec = encodeSegmentRecord(utf8('hello'));
    expect(rec.readUInt32BE(0)).toBe(RECORD_MAGIC);
    expect(rec.subarray(0, 4).toString('latin1')).toBe('CSB1');
    expect(rec.readUInt32BE(4)).toBe(5);
    expect(rec.subarray(8, 13).toString()).toBe('hello');
    expect(rec.readUInt32BE(13)).toBe(0x3610a686); // CRC-32 of "hello"
    expect(rec.byteLength).toBe(recordSize(5));
  });

  it('stores blocks compressed, later ones with an earlier block as dictionary, and reads back the exact bytes', async () => {
    const { dir, blocksDir, s } = store();
    // Like identities by hash, a long random string recurs once per block: only a dictionary from
    // an earlier block can compress it.
    const shared = randomBytes(300).toString('hex');
    const block = (i: number) =>
      utf8(`block ${i} ${shared} ${'envelope '.repeat(20)}${randomBytes(20).toString('hex')}`);
    const blocks = [0, 1, 2].map(block);
    const a = s.append(blocks[0]!);
    const b = s.append(blocks[1]!);
    const c = await s.appendAsync(blocks[2]!);
    expect(a.length).toBeLessThan(blocks[0]!.byteLength);
    expect(b.length).toBeLessThan(packBlock(blocks[1]!).stored.byteLength - 250);
    expect(c.offset).toBe(b.offset + recordSize(b.length));
    const file = fs.readFileSync(path.join(blocksDir, '000000.seg'));
    expect(file.subarray(0, 4).toString('latin1')).toBe('CSZ1');
    expect(file.readUInt32BE(b.offset)).toBe(DICTIONARY_RECORD_MAGIC);
    expect(file.subarray(c.offset, c.offset + 4).toString('latin1')).toBe('CSZ2');
    expect(s.read(0, c.offset, c.length)).toEqual(blocks[2]);
    s.close();
    // A fresh store (a reopened ledger) reads them without the writer's memory.
    const again = new SegmentStore({ blocksDir, segment: 0, size: file.byteLength });
    expect(again.read(0, b.offset, b.length)).toEqual(blocks[1]);
    const fourth = block(3);
    const d = again.append(fourth);
    expect(file.byteLength).toBe(d.offset);
    expect(fs.readFileSync(path.join(blocksDir, '000000.seg')).readUInt32BE(d.offset)).toBe(
      COMPRESSED_RECORD_MAGIC,
    );
    again.close();
    expect([...readBlockFiles(dir)].map((r) => [r.bytes, r.storedLength])).toEqual([
      [blocks[0], a.length],
      [blocks[1], b.length],
      [blocks[2], c.length],
      [fourth, d.length],
    ]);
  });

  it('keeps a block that does not compress as it is', () => {
    const block = randomBytes(300);
    const rec = encodeSegmentRecord(block, packBlock(block));
    expect(rec.readUInt32BE(0)).toBe(RECORD_MAGIC);
    expect(rec.subarray(8, 308)).toEqual(block);
  });

  it.each([
    [
      'bytes that are not DEFLATE data',
      COMPRESSED_RECORD_MAGIC,
      Buffer.from([0xff, 0xff, 0xff]),
      'does not inflate',
    ],
    [
      'a dictionary reference to itself',
      DICTIONARY_RECORD_MAGIC,
      Buffer.from('000000000000001700000000', 'hex'),
      'does not point back',
    ],
    ['a body too short for its reference', DICTIONARY_RECORD_MAGIC, Buffer.alloc(5), 'too short'],
  ])(
    'reports a record holding %s as LEDGER_CORRUPT (damage the checksum cannot see)',
    (_n, magic, body, why) => {
      const { dir, blocksDir } = store();
      const file = path.join(blocksDir, '000000.seg');
      const first = encodeSegmentRecord(utf8('first block'));
      fs.writeFileSync(file, Buffer.concat([first, encodeSegmentRecord(utf8('x'), { magic, stored: body })]));
      expect(() => [...readBlockFiles(dir)]).toThrow(
        expect.objectContaining({
          code: 'LEDGER_CORRUPT',
          message: expect.stringContaining(why),
          detail: { file, offset: first.byteLength },
        }),
      );
    },
  );

  it('refuses a dictionary reference to a record that is not self-contained', () => {
    const { dir, blocksDir } = store();
    const file = path.join(blocksDir, '000000.seg');
    const ref = (offset: number) => {
      const b = Buffer.alloc(12);
      b.writeUInt32BE(offset, 4);
      return b;
    };
    const text = utf8('first block '.repeat(20));
    const first = encodeSegmentRecord(text);
    const packed = packBlock(text, { offset: 0, dictionary: dictionaryOf(text) });
    expect(packed.magic).toBe(DICTIONARY_RECORD_MAGIC);
    const second = encodeSegmentRecord(text, packed);
    const third = encodeSegmentRecord(utf8('x'), {
      magic: DICTIONARY_RECORD_MAGIC,
      stored: ref(first.byteLength),
    });
    fs.writeFileSync(file, Buffer.concat([first, second, third]));
    expect(() => [...readBlockFiles(dir)]).toThrow(
      expect.objectContaining({
        code: 'LEDGER_CORRUPT',
        message: expect.stringContaining('not a self-contained record'),
        detail: { file, offset: first.byteLength + second.byteLength },
      }),
    );
  });

  it('appends, reads back, and undoes a failed append so the block can be retried', () => {
    const { dir, blocksDir, s } = store();
    const a = s.append(utf8('block-0'));
    const b = s.append(utf8('block-1'));
    expect(a).toEqual({ segment: 0, offset: 0, length: 7 });
    expect(b.offset).toBe(recordSize(7));
    s.undoAppend(b);
    expect(fs.statSync(path.join(blocksDir, '000000.seg')).size).toBe(recordSize(7));
    const c = s.append(utf8('block-1 again'));
    expect(c.offset).toBe(b.offset);
    expect(Buffer.from(s.read(0, c.offset, c.length)).toString()).toBe('block-1 again');
    expect(s.failed).toBe(false);
    s.close();
    expect([...readBlockFiles(dir)].map((r) => Buffer.from(r.bytes).toString())).toEqual([
      'block-0',
      'block-1 again',
    ]);
  });

  it('starts a new segment when the next record would pass the size limit', () => {
    const { dir, s } = store(50);
    // Random bytes do not compress, so each record stores them as they are.
    const locs = [10, 10, 10, 42].map((n) => s.append(randomBytes(n)));
    expect(locs.map((l) => [l.segment, l.offset])).toEqual([
      [0, 0],
      [0, 22],
      [1, 0],
      [2, 0],
    ]);
    s.close();
    expect([...readBlockFiles(dir)].map((r) => path.basename(r.file))).toEqual([
      '000000.seg',
      '000000.seg',
      '000001.seg',
      '000002.seg',
    ]);
  });
});
