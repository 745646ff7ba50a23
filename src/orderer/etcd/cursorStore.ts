import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { LogPosition } from './logCutter.js';

const KEEP = 64;

interface CursorEntry {
  readonly block: number;
  readonly rev: string;
  readonly index: number;
}

/**
 * Where an orderer resumes reading the ordering log after each block it stored: a small JSON
 * file beside its block store, written atomically after each commit. After a crash the file may
 * lag the block store by a block or two; the orderer then rebuilds those blocks from the log and
 * checks they hash the same.
 *
 * @example
 * const cursors = new CursorStore({ path: join(dataDir, 'etcd', 'telecom.cursor.json') });
 * cursors.record(5, { rev: 120n, index: 3 });
 */
export class CursorStore {
  readonly #path: string;
  #entries: CursorEntry[] = [];

  constructor(opts: Readonly<{ path: string }>) {
    const { path } = opts;
    this.#path = path;
    if (existsSync(path)) {
      try {
        const v = JSON.parse(readFileSync(path, 'utf8')) as { entries?: unknown };
        if (Array.isArray(v.entries)) this.#entries = v.entries as CursorEntry[];
      } catch {
        this.#entries = [];
      }
    }
  }

  /** The resume position recorded for the highest block at or below `block`. */
  resumeAfter(block: number): { block: number; position: LogPosition } | undefined {
    let best: CursorEntry | undefined;
    for (const e of this.#entries) if (e.block <= block && (!best || e.block > best.block)) best = e;
    return best && { block: best.block, position: { rev: BigInt(best.rev), index: best.index } };
  }

  record(block: number, position: LogPosition): void {
    this.#entries = [
      ...this.#entries.filter((e) => e.block < block),
      { block, rev: position.rev.toString(), index: position.index },
    ].slice(-KEEP);
    mkdirSync(dirname(this.#path), { recursive: true });
    const tmp = `${this.#path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify({ entries: this.#entries }));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.#path);
  }
}
