import type { MessagePort } from 'node:worker_threads';
import { ConsortiaError } from '../common/index.js';
import { ContractErrorCodes } from './errors.js';
import { errorToJson } from './isConsortiaErrorLike.js';
import type { PrivateEntry } from './privateTypes.js';
import type { HistoryEntry, HistorySource, SimulationError, StateEntry, StateSource } from './types.js';

/** How many range entries one round trip carries. */
const RANGE_PAGE = 64;

/** A state request from a worker to the thread that owns the ledger. */
export type StateRequest =
  | { readonly t: 'req'; readonly id: number; readonly op: 'get'; readonly ns: string; readonly key: string }
  | {
      readonly t: 'req';
      readonly id: number;
      readonly op: 'policy';
      readonly ns: string;
      readonly key: string;
    }
  | {
      readonly t: 'req';
      readonly id: number;
      readonly op: 'pvt';
      readonly ns: string;
      readonly collection: string;
      readonly keyHash: Uint8Array;
    }
  | {
      readonly t: 'req';
      readonly id: number;
      readonly op: 'history';
      readonly ns: string;
      readonly key: string;
    }
  | {
      readonly t: 'req';
      readonly id: number;
      readonly op: 'rangeOpen';
      readonly ns: string;
      readonly startKey: string;
      readonly endKey: string;
    }
  | {
      readonly t: 'req';
      readonly id: number;
      readonly op: 'rangeNext' | 'rangeClose';
      readonly iter: number;
    };

/** Progress a worker reports: it started loading the contract, then started running it. */
export interface PhaseMessage {
  readonly t: 'phase';
  readonly phase: 'loading' | 'running';
}

type StateResponse =
  | { readonly t: 'res'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly t: 'res'; readonly id: number; readonly ok: false; readonly error: SimulationError };

interface RangePage {
  readonly entries: StateEntry[];
  readonly done: boolean;
}

/** Options of {@link serveState}. */
export interface ServeStateOptions {
  readonly port: MessagePort;
  readonly source: StateSource;
  readonly history?: HistorySource | undefined;
  readonly onPhase?: (phase: PhaseMessage['phase']) => void;
}

/**
 * Answers a worker's state requests on `port` from `source` (main-thread side of the bridge).
 * `close()` releases open range iterators and closes the port.
 *
 * @example
 * const { port1, port2 } = new MessageChannel();
 * const bridge = serveState({ port: port1, source: ledger });
 * // ... hand port2 to the worker, then:
 * bridge.close();
 */
export function serveState(opts: Readonly<ServeStateOptions>): { close(): void } {
  const { port, source, history } = opts;
  const iterators = new Map<number, Iterator<StateEntry> | AsyncIterator<StateEntry>>();
  let nextIter = 1;
  let closed = false;

  const handle = async (req: StateRequest): Promise<unknown> => {
    switch (req.op) {
      case 'get':
        return copyEntry(await source.getState(req.ns, req.key));
      case 'policy':
        return await source.getKeyPolicy(req.ns, req.key);
      case 'pvt':
        return copyPrivate(await source.getPrivateEntry?.(req.ns, req.collection, req.keyHash));
      case 'history':
        if (history === undefined) {
          throw new ConsortiaError(
            ContractErrorCodes.HISTORY_UNAVAILABLE,
            'key history is not available on this peer; enable the history index to use ctx.state.history',
          );
        }
        return (await history(req.ns, req.key)).map(copyHistory);
      case 'rangeOpen': {
        const iterable = source.rangeState(req.ns, req.startKey, req.endKey);
        const id = nextIter++;
        iterators.set(
          id,
          Symbol.asyncIterator in iterable ? iterable[Symbol.asyncIterator]() : iterable[Symbol.iterator](),
        );
        return id;
      }
      case 'rangeNext': {
        const it = iterators.get(req.iter);
        if (it === undefined) return { entries: [], done: true } satisfies RangePage;
        const entries: StateEntry[] = [];
        while (entries.length < RANGE_PAGE) {
          const step = await it.next();
          if (step.done) {
            iterators.delete(req.iter);
            return { entries, done: true } satisfies RangePage;
          }
          entries.push(copyEntry(step.value)!);
        }
        return { entries, done: false } satisfies RangePage;
      }
      case 'rangeClose': {
        const it = iterators.get(req.iter);
        iterators.delete(req.iter);
        await it?.return?.();
        return null;
      }
    }
  };

  port.on('message', (msg: StateRequest | PhaseMessage) => {
    if (msg.t === 'phase') {
      opts.onPhase?.(msg.phase);
      return;
    }
    handle(msg).then(
      (value) => reply({ t: 'res', id: msg.id, ok: true, value }),
      (err: unknown) =>
        reply({
          t: 'res',
          id: msg.id,
          ok: false,
          error: errorToJson(err, ContractErrorCodes.STATE_READ_FAILED, 'reading world state failed'),
        }),
    );
  });

  function reply(res: StateResponse): void {
    if (!closed) port.postMessage(res);
  }

  return {
    close() {
      if (closed) return;
      closed = true;
      for (const it of iterators.values()) {
        Promise.resolve()
          .then(() => it.return?.())
          .catch(() => undefined);
      }
      iterators.clear();
      port.close();
    },
  };
}

/**
 * The worker side of the bridge: a {@link StateSource} and history reader that ask the main
 * thread over `port`.
 *
 * @example
 * const state = new PortStateClient({ port: task.port });
 * await simulate({ definition, fn, argsJson, info, state, history: state.history });
 * state.close();
 */
export class PortStateClient implements StateSource {
  readonly #port: MessagePort;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  #nextId = 1;
  #closed = false;

  constructor(opts: Readonly<{ port: MessagePort }>) {
    this.#port = opts.port;
    this.#port.on('message', (msg: StateResponse) => {
      const pending = this.#pending.get(msg.id);
      if (pending === undefined) return;
      this.#pending.delete(msg.id);
      if (msg.ok) pending.resolve(msg.value);
      else pending.reject(new ConsortiaError(msg.error.code, msg.error.message, msg.error.detail));
    });
  }

  /** Reports progress to the main thread (which runs the time budget). */
  phase(phase: PhaseMessage['phase']): void {
    this.#port.postMessage({ t: 'phase', phase } satisfies PhaseMessage);
  }

  getState(ns: string, key: string): Promise<StateEntry | undefined> {
    return this.#request({ op: 'get', ns, key }) as Promise<StateEntry | undefined>;
  }

  getKeyPolicy(ns: string, key: string): Promise<string | undefined> {
    return this.#request({ op: 'policy', ns, key }) as Promise<string | undefined>;
  }

  getPrivateEntry(ns: string, collection: string, keyHash: Uint8Array): Promise<PrivateEntry | undefined> {
    return this.#request({ op: 'pvt', ns, collection, keyHash }) as Promise<PrivateEntry | undefined>;
  }

  /** Reads a key's history from the main thread. */
  readonly history = (ns: string, key: string): Promise<HistoryEntry[]> =>
    this.#request({ op: 'history', ns, key }) as Promise<HistoryEntry[]>;

  rangeState(ns: string, startKey: string, endKey: string): AsyncIterable<StateEntry> {
    const request = this.#request.bind(this);
    return {
      async *[Symbol.asyncIterator]() {
        const iter = (await request({ op: 'rangeOpen', ns, startKey, endKey })) as number;
        let done = false;
        try {
          while (!done) {
            const page = (await request({ op: 'rangeNext', iter })) as RangePage;
            done = page.done;
            yield* page.entries;
          }
        } finally {
          if (!done) await request({ op: 'rangeClose', iter }).catch(() => undefined);
        }
      },
    };
  }

  /** Stops listening; pending requests fail with SIMULATION_CLOSED. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const error = new ConsortiaError(ContractErrorCodes.SIMULATION_CLOSED, 'the simulation has ended');
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
    this.#port.close();
  }

  #request(body: DistributiveOmit<StateRequest, 't' | 'id'>): Promise<unknown> {
    if (this.#closed) {
      return Promise.reject(
        new ConsortiaError(ContractErrorCodes.SIMULATION_CLOSED, 'the simulation has ended'),
      );
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#port.postMessage({ ...body, t: 'req', id });
    });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function copyEntry(entry: StateEntry | undefined): StateEntry | undefined {
  if (entry === undefined) return undefined;
  return {
    key: entry.key,
    value: new Uint8Array(entry.value),
    version: { block: entry.version.block, tx: entry.version.tx },
  };
}

function copyPrivate(e: PrivateEntry | undefined): PrivateEntry | undefined {
  if (e === undefined) return undefined;
  const base = {
    version: { block: e.version.block, tx: e.version.tx },
    valueHash: new Uint8Array(e.valueHash),
  };
  return e.value === undefined ? base : { ...base, value: new Uint8Array(e.value) };
}

function copyHistory(e: HistoryEntry): HistoryEntry {
  const base = {
    blockNumber: e.blockNumber,
    txIndex: e.txIndex,
    txId: e.txId,
    timestamp: e.timestamp,
    isDelete: e.isDelete,
  };
  return e.value === undefined ? base : { ...base, value: new Uint8Array(e.value) };
}
