import type { Logger } from '../common/index.js';
import type { PrivateDataService, ReconcileResult } from './privateData.js';

/** Options of {@link Reconciler}. */
export interface ReconcilerOptions {
  readonly service: PrivateDataService;
  /** The channels to look at. */
  readonly channels: () => readonly string[];
  /** How often to retry while something is missing (ms); 0 runs only when asked. */
  readonly intervalMs: number;
  readonly logger?: Logger;
}

/**
 * Pulls the private data a member peer lacks from other member peers: when asked (`run`), and
 * on a timer after `wake` (a commit that missed data, a restart) until nothing is lacking. One
 * round at a time.
 *
 * @example
 * const reconciler = new Reconciler({ service, channels, intervalMs: 2000 });
 * reconciler.wake(); // after a commit that recorded missing data
 * await reconciler.run('telecom'); // { stored: 1, stillMissing: 0 }
 */
export class Reconciler {
  readonly #opts: ReconcilerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(opts: Readonly<ReconcilerOptions>) {
    this.#opts = opts;
  }

  /** Reconciles one channel now (after any round in progress). */
  run(channel: string): Promise<ReconcileResult> {
    const round = this.#running.then(() => this.#opts.service.reconcile(channel));
    this.#running = round.catch(() => undefined);
    return round;
  }

  /** Schedules a round after `intervalMs` if none is scheduled (no-op when the interval is 0). */
  wake(): void {
    if (this.#closed || this.#opts.intervalMs <= 0 || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#tick();
    }, this.#opts.intervalMs);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    let open = false;
    for (const channel of this.#opts.channels()) {
      if (this.#closed) return;
      try {
        const r = await this.run(channel);
        if (r.stored > 0) this.#opts.logger?.info({ channel, ...r }, 'private data reconciled');
        if (r.unheldKeys > 0) open = true;
      } catch (err) {
        this.#opts.logger?.warn({ channel, err }, 'private data reconciliation failed');
        open = true;
      }
    }
    if (open) this.wake();
  }

  /** Stops the timer and waits for a round in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
