import fs from 'node:fs';
import path from 'node:path';
import { bytesEqual, ConsortiaError } from '../common/index.js';
import { type ParsedBlock, parseBlock } from '../protocol/index.js';
import { LedgerErrorCodes } from './errors.js';
import type { IndexStore } from './indexStore.js';
import { type PreparedBlock, prepareBlock } from './prepareBlock.js';
import { listSegments, readRecordAt, recordSize, scanSegment, segmentFileName } from './segmentRecord.js';
import { SegmentStore } from './segmentStore.js';
import type { RecoveryReport } from './types.js';

export interface RecoverOptions {
  readonly blocksDir: string;
  readonly channel: string;
  readonly index: IndexStore;
  readonly maxBytes: number | undefined;
}

export interface Recovered {
  readonly segments: SegmentStore;
  readonly tip: { readonly height: number; readonly lastHash: Uint8Array | undefined };
  readonly report: RecoveryReport;
}

function corrupt(file: string, offset: number, why: string, block?: number): ConsortiaError {
  return new ConsortiaError(
    LedgerErrorCodes.LEDGER_CORRUPT,
    `segment file ${file} at offset ${offset}: ${why}; restore the ledger from a backup or another peer`,
    block === undefined ? { file, offset } : { file, block, offset },
  );
}

/**
 * Brings the index up to the block store: checks the last indexed record, applies every complete
 * record that follows it (blocks appended before a crash but not yet applied), and cuts off a
 * partly written last record. Returns the store ready for appends and the ledger tip.
 */
export function recoverSegments(opts: Readonly<RecoverOptions>): Recovered {
  const { blocksDir, channel, index } = opts;
  const fileOf = (seg: number) => path.join(blocksDir, segmentFileName(seg));
  const segments = listSegments(blocksDir);
  let height = 0;
  let lastHash: Uint8Array | undefined;
  let startSegment = 0;
  let startOffset = 0;

  const savepoint = index.savepoint;
  if (savepoint !== undefined) {
    const loc = index.blockLocation(savepoint);
    const file = fileOf(loc?.segment ?? 0);
    if (loc === undefined || loc.segment >= segments.length) {
      throw corrupt(
        file,
        loc?.offset ?? 0,
        `block ${savepoint} is committed but its segment file is missing`,
        savepoint,
      );
    }
    // The last committed record must still be there and intact (older ones are checked when read).
    const fd = fs.openSync(file, 'r');
    try {
      readRecordAt(fd, file, loc.offset, loc.length);
    } finally {
      fs.closeSync(fd);
    }
    height = savepoint + 1;
    lastHash = loc.hash;
    startSegment = loc.segment;
    startOffset = loc.offset + recordSize(loc.length);
  }

  const replayedBlocks: number[] = [];
  let truncatedBytes = 0;
  let appendSegment = startSegment;
  let appendSize = startOffset;
  for (let seg = startSegment; seg < segments.length; seg++) {
    const file = fileOf(seg);
    const scan = scanSegment(file, seg === startSegment ? startOffset : 0, seg === segments.length - 1);
    let step = scan.next();
    try {
      while (step.done !== true) {
        const { offset, bytes, storedLength } = step.value;
        let block: ParsedBlock;
        let prepared: PreparedBlock;
        try {
          block = parseBlock(bytes);
          prepared = prepareBlock(block);
        } catch (err) {
          throw corrupt(file, offset, `the block does not decode (${(err as Error).message})`);
        }
        if (block.channel !== channel) {
          throw corrupt(file, offset, `block of channel '${block.channel}'`, block.number);
        }
        if (block.number !== height) {
          throw corrupt(file, offset, `block ${block.number} where block ${height} belongs`, block.number);
        }
        if (!bytesEqual(block.previousHash, lastHash ?? new Uint8Array(0))) {
          throw corrupt(
            file,
            offset,
            `block ${block.number} does not follow block ${height - 1}`,
            block.number,
          );
        }
        index.apply(prepared, { segment: seg, offset, length: storedLength, hash: block.hash });
        replayedBlocks.push(block.number);
        height = block.number + 1;
        lastHash = block.hash;
        step = scan.next();
      }
    } finally {
      if (step.done !== true) scan.return({ end: 0, size: 0 });
    }
    const { end, size } = step.value;
    if (end < size) {
      const fd = fs.openSync(file, 'r+');
      try {
        fs.ftruncateSync(fd, end);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      truncatedBytes += size - end;
    }
    appendSegment = seg;
    appendSize = end;
  }
  return {
    segments: new SegmentStore({
      blocksDir,
      segment: appendSegment,
      size: appendSize,
      ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}),
    }),
    tip: { height, lastHash },
    report: Object.freeze({ replayedBlocks: Object.freeze(replayedBlocks) as number[], truncatedBytes }),
  };
}
