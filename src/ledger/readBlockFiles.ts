import path from 'node:path';
import { ConsortiaError } from '../common/index.js';
import { LedgerErrorCodes } from './errors.js';
import { listSegments, scanSegment, segmentFileName } from './segmentRecord.js';

/** One block read from the segment files, with where it was found. */
export interface BlockFileRecord {
  /** Path of the segment file. */
  readonly file: string;
  /** Offset of the record in that file. */
  readonly offset: number;
  /** The block bytes (with validation codes), inflated when the record is compressed. */
  readonly bytes: Uint8Array;
  /** Bytes the record stores (fewer than `bytes` when it is compressed). */
  readonly storedLength: number;
}

/** Options of `readBlockFiles`. */
export interface ReadBlockFilesOptions {
  /**
   * Stop quietly at a partly written last record (what a crash during an append leaves, and what
   * `Ledger.open` cuts off) instead of throwing LEDGER_CORRUPT. Default false.
   */
  readonly tolerateTornTail?: boolean;
}

/**
 * Reads every block record of a ledger directory's segment files, in order, offline and read-only
 * (no LMDB), for `consortia verify`. Magic, length and CRC of each record are checked; a bad record
 * throws LEDGER_CORRUPT with `detail.file` and `detail.offset`. Block contents are not decoded.
 *
 * @example
 * for (const { file, offset, bytes } of readBlockFiles('/var/consortia/peer0/telecom')) {
 *   const block = parseBlock(bytes);
 * }
 */
export function* readBlockFiles(
  dir: string,
  opts: Readonly<ReadBlockFilesOptions> = {},
): Generator<BlockFileRecord, void, undefined> {
  const blocksDir = path.join(dir, 'blocks');
  const segments = listSegments(blocksDir);
  for (const seg of segments) {
    const file = path.join(blocksDir, segmentFileName(seg));
    const isLast = seg === segments.length - 1;
    const scan = scanSegment(file, 0, isLast);
    let step = scan.next();
    try {
      while (step.done !== true) {
        yield { file, ...step.value };
        step = scan.next();
      }
    } finally {
      // Closes the segment file when the caller stops early.
      if (step.done !== true) scan.return({ end: 0, size: 0 });
    }
    const { end, size } = step.value;
    if (end < size && opts.tolerateTornTail !== true) {
      throw new ConsortiaError(
        LedgerErrorCodes.LEDGER_CORRUPT,
        `segment file ${file} ends with a partly written record at offset ${end}; open the ledger to cut it off`,
        { file, offset: end, torn: true },
      );
    }
  }
}
