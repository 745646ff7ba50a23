import { ConsortiaError } from '../../common/index.js';
import { encodeLogEntry } from './logEntry.js';

export interface BatchWriterOptions {
  /** Writes one encoded log entry (one etcd put). */
  readonly append: (entry: Uint8Array) => Promise<void>;
  /** Target size of one put (default 256 KiB): envelopes are grouped up to it. */
  readonly maxPutBytes?: number;
  /** How long the first envelope of a batch waits for company (default 2 ms). */
  readonly lingerMs?: number;
  /** Puts in flight at once (default 4). */
  readonly maxConcurrentPuts?: number;
}

interface Item {
  readonly envelope: Uint8Array;
  readonly deadline: number | undefined;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Groups accepted envelopes into log entries: one put carries every envelope that arrived
 * while the previous puts were in flight (up to maxPutBytes), so etcd sees few large writes.
 * Each broadcast resolves when its put is acknowledged, i.e. the envelope is in the consensus
 * log. Envelopes whose client already gave up (deadline passed) are not written.
 *
 * @example
 * const writer = new BatchWriter({ append: (e) => log.append(e) });
 * await writer.submit(envelope);
 */
export class BatchWriter {
  readonly #opts: BatchWriterOptions;
  #queue: Item[] = [];
  #queueBytes = 0;
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #idle = new Set<() => void>();

  constructor(opts: Readonly<BatchWriterOptions>) {
    this.#opts = opts;
  }

  submit(envelope: Uint8Array, deadline?: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ envelope, deadline, resolve, reject });
      this.#queueBytes += envelope.byteLength + 4;
      this.#schedule();
    });
  }

  #schedule(): void {
    const max = this.#opts.maxPutBytes ?? 256 * 1024;
    if (this.#queueBytes >= max) {
      this.#pump();
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, this.#opts.lingerMs ?? 2);
  }

  #pump(): void {
    const max = this.#opts.maxPutBytes ?? 256 * 1024;
    while (this.#queue.length > 0 && this.#inFlight < (this.#opts.maxConcurrentPuts ?? 4)) {
      const items: Item[] = [];
      let bytes = 0;
      while (
        this.#queue.length > 0 &&
        (items.length === 0 || bytes + this.#queue[0]!.envelope.byteLength <= max)
      ) {
        const item = this.#queue.shift()!;
        this.#queueBytes -= item.envelope.byteLength + 4;
        bytes += item.envelope.byteLength;
        items.push(item);
      }
      const now = Date.now();
      const live = items.filter((i) => {
        if (i.deadline !== undefined && i.deadline <= now) {
          i.reject(
            new ConsortiaError(
              'UNAVAILABLE',
              'the broadcast deadline passed before the envelope was ordered',
            ),
          );
          return false;
        }
        return true;
      });
      if (live.length === 0) continue;
      this.#inFlight++;
      this.#opts
        .append(encodeLogEntry({ kind: 'batch', ts: now, envelopes: live.map((i) => i.envelope) }))
        .then(
          () => {
            for (const i of live) i.resolve();
          },
          (err: unknown) => {
            for (const i of live) i.reject(err);
          },
        )
        .finally(() => {
          this.#inFlight--;
          if (this.#queue.length > 0) this.#pump();
          else if (this.#inFlight === 0) for (const f of this.#idle) f();
        });
    }
  }

  /** Resolves when every submitted envelope is written (or failed). */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#pump();
    if (this.#queue.length === 0 && this.#inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.#idle.delete(done);
        resolve();
      };
      this.#idle.add(done);
    });
  }
}
