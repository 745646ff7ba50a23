import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { utf8 } from '../common/index.js';
import { readBlockFiles } from './readBlockFiles.js';
import { encodeSegmentRecord, RECORD_MAGIC, recordSize } from './segmentRecord.js';
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
    const locs = ['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc', 'dddddddddddddddddddddddddddddddddddddddddd'].map(
      (t) => s.append(utf8(t)),
    );
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
