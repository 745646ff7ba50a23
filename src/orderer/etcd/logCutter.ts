import type { BatchConfig } from '../../protocol/index.js';
import { BlockCutter } from '../blockCutter.js';
import type { LogEntry } from './logEntry.js';

/**
 * A place in the ordering log: entries below revision `rev` are consumed, and so are the first
 * `index` envelopes of the entry at `rev` (if there is one).
 */
export interface LogPosition {
  readonly rev: bigint;
  readonly index: number;
}

/** A block's worth of envelopes, cut from the log. */
export interface LogCut {
  readonly number: number;
  readonly envelopes: readonly Uint8Array[];
  readonly timestamp: number;
  readonly isConfig: boolean;
  /** Where to resume reading the log to rebuild everything after this block. */
  readonly resume: LogPosition;
}

export interface LogCutterOptions {
  readonly batch: BatchConfig;
  /** Number of the next block to cut (the ledger height). */
  readonly nextBlock: number;
  /** Timestamp of the last block: block timestamps never go back. */
  readonly lastTimestamp: number;
  /** Where reading starts; earlier envelopes are skipped. */
  readonly start: LogPosition;
  readonly isConfig: (envelope: Uint8Array) => boolean;
  /**
   * Checks a config transaction when it is cut, at the block's timestamp. Returns the batch
   * config in force after it, or undefined when the update is refused (then no block is cut).
   */
  readonly checkConfig: (envelope: Uint8Array, timestamp: number) => Promise<BatchConfig | undefined>;
}

/**
 * Turns a channel's ordering log into blocks, deterministically: every orderer that applies the
 * same entries in revision order cuts the same blocks with the same timestamps. Envelopes go
 * through the same BlockCutter as the solo orderer (max count, max bytes); a config update is cut
 * alone; a cut marker `{ cut: n }` cuts what is pending only while block n is the next block,
 * so the markers every orderer may write after a timeout cut once. Malformed entries (undefined)
 * are skipped by everyone alike.
 *
 * @example
 * const cutter = new LogCutter({ batch, nextBlock: 1, lastTimestamp: 0, start: { rev: 0n, index: 0 }, isConfig, checkConfig });
 * for (const cut of await cutter.apply(rev, decodeLogEntry(value))) await makeBlock(cut);
 */
export class LogCutter {
  readonly #opts: LogCutterOptions;
  readonly #cutter: BlockCutter;
  #next: number;
  #lastTimestamp: number;
  #position: LogPosition;
  #pendingStart: LogPosition | undefined;

  constructor(opts: Readonly<LogCutterOptions>) {
    this.#opts = opts;
    this.#cutter = new BlockCutter(opts.batch);
    this.#next = opts.nextBlock;
    this.#lastTimestamp = opts.lastTimestamp;
    this.#position = opts.start;
  }

  get nextBlock(): number {
    return this.#next;
  }

  get pendingCount(): number {
    return this.#cutter.pendingCount;
  }

  /** Where the first pending envelope is (undefined when nothing is pending). */
  get pendingStart(): LogPosition | undefined {
    return this.#pendingStart;
  }

  /** The revision to read the log from next (the entry there may be partly consumed). */
  get readFrom(): bigint {
    return this.#position.rev;
  }

  /** Applies the entry at revision `rev` (entries must come in increasing revision order). */
  async apply(rev: bigint, entry: LogEntry | undefined): Promise<LogCut[]> {
    if (rev < this.#position.rev) return [];
    const skip = rev === this.#position.rev ? this.#position.index : 0;
    this.#position = { rev: rev + 1n, index: 0 };
    const cuts: LogCut[] = [];
    if (!entry) return cuts;
    const timestamp = () => Math.max(this.#lastTimestamp, entry.ts);
    const emit = (envelopes: readonly Uint8Array[], resume: LogPosition, isConfig = false) => {
      const ts = timestamp();
      this.#lastTimestamp = ts;
      cuts.push({ number: this.#next++, envelopes, timestamp: ts, isConfig, resume });
    };
    if (entry.kind === 'cut') {
      if (entry.block === this.#next && this.#cutter.pendingCount > 0) {
        emit(this.#cutter.cut(), { rev: rev + 1n, index: 0 });
        this.#pendingStart = undefined;
      }
      return cuts;
    }
    for (let i = skip; i < entry.envelopes.length; i++) {
      const env = entry.envelopes[i]!;
      const here = { rev, index: i };
      const after = { rev, index: i + 1 };
      if (this.#opts.isConfig(env)) {
        if (this.#cutter.pendingCount > 0) emit(this.#cutter.cut(), here);
        this.#pendingStart = undefined;
        const batch = await this.#opts.checkConfig(env, timestamp());
        if (batch) {
          emit([env], after, true);
          this.#cutter.setConfig(batch);
        }
        continue;
      }
      const wasEmpty = this.#cutter.pendingCount === 0;
      const batches = this.#cutter.ordered(env);
      for (const b of batches) emit(b, b[b.length - 1] === env ? after : here);
      if (this.#cutter.pendingCount === 0) this.#pendingStart = undefined;
      else if (wasEmpty || batches.length > 0) this.#pendingStart = here;
    }
    return cuts;
  }
}
