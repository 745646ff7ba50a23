import { ConsortiaError } from '../common/index.js';
import { parsePolicy } from '../policy/index.js';
import { ContractErrorCodes } from './errors.js';
import { isConsortiaErrorLike } from './isConsortiaErrorLike.js';
import { decodeJson, encodeJson } from './jsonValue.js';
import type { RangeRecord, RwSetRecorder } from './rwSetRecorder.js';
import type {
  ContractState,
  HistoryEntry,
  HistorySource,
  KeyModification,
  KeyValue,
  StateEntry,
  StateSource,
} from './types.js';
import { compareKeys, validateKey, validateRangeKey } from './validateKey.js';

/** Options of {@link ContextState}. */
export interface ContextStateOptions {
  readonly recorder: RwSetRecorder;
  readonly source: StateSource;
  readonly history?: HistorySource | undefined;
  /** True for queries: writes, deletes and key policies are refused with READ_ONLY. */
  readonly readOnly: boolean;
  /** What the contract is running, for messages: `contract.fn`. */
  readonly label: string;
}

/**
 * `ctx.state` of one simulation: reads committed state through a {@link StateSource}, records
 * reads (with versions), range reads and writes, and gives read-your-writes.
 *
 * @example
 * const state = new ContextState({ recorder, source: ledger, readOnly: false, label: 'assets.create' });
 * await state.put('a', { n: 1 });
 * await state.get('a'); // { n: 1 }, no read recorded
 */
export class ContextState implements ContractState {
  readonly #rec: RwSetRecorder;
  readonly #source: StateSource;
  readonly #history: HistorySource | undefined;
  readonly #readOnly: boolean;
  readonly #label: string;
  /** Committed entries already read, so a key reads the same value every time. */
  readonly #cache = new Map<string, StateEntry | undefined>();
  #closed = false;

  constructor(opts: Readonly<ContextStateOptions>) {
    this.#rec = opts.recorder;
    this.#source = opts.source;
    this.#history = opts.history;
    this.#readOnly = opts.readOnly;
    this.#label = opts.label;
  }

  /** Ends the simulation: any later use of this state throws SIMULATION_CLOSED. */
  close(): void {
    this.#closed = true;
  }

  /** True once the simulation has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  get<T = unknown>(key: string): Promise<T | undefined> {
    return handled(
      this.#getBytes(key).then((bytes) => (bytes === undefined ? undefined : (decodeJson(bytes, key) as T))),
    );
  }

  getBytes(key: string): Promise<Uint8Array | undefined> {
    return handled(this.#getBytes(key));
  }

  put(key: string, value: unknown): Promise<void> {
    this.#assertWritable('put');
    validateKey(key);
    this.#rec.write(key, encodeJson(value, `the value of key '${key}'`, ContractErrorCodes.CONTRACT_FAILED));
    return Promise.resolve();
  }

  putBytes(key: string, value: Uint8Array): Promise<void> {
    this.#assertWritable('putBytes');
    validateKey(key);
    if (!(value instanceof Uint8Array)) {
      throw new ConsortiaError(
        ContractErrorCodes.CONTRACT_FAILED,
        `putBytes of key '${key}' needs a Uint8Array value`,
      );
    }
    this.#rec.write(key, new Uint8Array(value));
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.#assertWritable('delete');
    validateKey(key);
    this.#rec.delete(key);
    return Promise.resolve();
  }

  range<T = unknown>(startKey: string, endKey: string): AsyncIterable<KeyValue<T>> {
    const raw = this.rangeBytes(startKey, endKey);
    return {
      async *[Symbol.asyncIterator]() {
        for await (const { key, value } of raw) yield { key, value: decodeJson(value, key) as T };
      },
    };
  }

  rangeBytes(startKey: string, endKey: string): AsyncIterable<KeyValue<Uint8Array>> {
    this.#assertOpen();
    validateRangeKey(startKey);
    validateRangeKey(endKey);
    const iterate = (): AsyncGenerator<KeyValue<Uint8Array>> => this.#iterateRange(startKey, endKey);
    return { [Symbol.asyncIterator]: iterate };
  }

  history<T = unknown>(key: string): Promise<Array<KeyModification<T>>> {
    return handled(
      this.#readHistory(key).then((entries) =>
        entries.map((e) =>
          modification<T>(
            e,
            e.isDelete || e.value === undefined ? undefined : (decodeJson(e.value, key) as T),
          ),
        ),
      ),
    );
  }

  historyBytes(key: string): Promise<Array<KeyModification<Uint8Array>>> {
    return handled(
      this.#readHistory(key).then((entries) =>
        entries.map((e) =>
          modification(e, e.isDelete || e.value === undefined ? undefined : new Uint8Array(e.value)),
        ),
      ),
    );
  }

  setKeyPolicy(key: string, policy: string | null): Promise<void> {
    this.#assertWritable('setKeyPolicy');
    validateKey(key);
    if (policy === null) {
      this.#rec.setKeyPolicy(key, '');
    } else if (typeof policy === 'string' && policy.trim() !== '') {
      this.#rec.setKeyPolicy(key, parsePolicy(policy).text);
    } else {
      throw new ConsortiaError(
        ContractErrorCodes.CONTRACT_FAILED,
        `setKeyPolicy of key '${key}' needs a policy text, or null to clear the key's policy`,
      );
    }
    return Promise.resolve();
  }

  getKeyPolicy(key: string): Promise<string | undefined> {
    return handled(this.#getKeyPolicy(key));
  }

  async #getKeyPolicy(key: string): Promise<string | undefined> {
    this.#assertOpen();
    validateKey(key);
    const pending = this.#rec.pendingKeyPolicy(key);
    if (pending !== undefined) return pending === '' ? undefined : pending;
    // The policy is metadata of the key: reading it depends on the key's version.
    if (this.#rec.pendingWrite(key) === undefined) await this.#readCommitted(key);
    const policy = await this.#call(() => this.#source.getKeyPolicy(this.#rec.namespace, key));
    this.#assertOpen();
    return policy === '' ? undefined : policy;
  }

  async #getBytes(key: string): Promise<Uint8Array | undefined> {
    this.#assertOpen();
    validateKey(key);
    const pending = this.#rec.pendingWrite(key);
    if (pending !== undefined) return pending.isDelete ? undefined : new Uint8Array(pending.value);
    const entry = await this.#readCommitted(key);
    return entry === undefined ? undefined : new Uint8Array(entry.value);
  }

  /** Reads a committed key once, recording its version (absent when the key does not exist). */
  async #readCommitted(key: string): Promise<StateEntry | undefined> {
    if (this.#cache.has(key)) return this.#cache.get(key);
    const entry = await this.#call(() => this.#source.getState(this.#rec.namespace, key));
    this.#assertOpen();
    if (this.#cache.has(key)) return this.#cache.get(key); // a concurrent read got there first
    this.#cache.set(key, entry);
    this.#rec.recordRead(key, entry?.version);
    return entry;
  }

  async *#iterateRange(startKey: string, endKey: string): AsyncGenerator<KeyValue<Uint8Array>> {
    this.#assertOpen();
    const record = this.#rec.beginRange(startKey, endKey);
    const pending = this.#rec.pendingWritesInRange(startKey, endKey);
    const iterable = await this.#call(() => this.#source.rangeState(this.#rec.namespace, startKey, endKey));
    const it: Iterator<StateEntry> | AsyncIterator<StateEntry> =
      Symbol.asyncIterator in iterable ? iterable[Symbol.asyncIterator]() : iterable[Symbol.iterator]();
    try {
      let committed = await this.#nextCommitted(it, record);
      let p = 0;
      for (;;) {
        this.#assertOpen();
        const write = pending[p];
        if (committed === undefined && write === undefined) return;
        const order =
          committed === undefined ? 1 : write === undefined ? -1 : compareKeys(committed.key, write.key);
        if (order < 0 && committed !== undefined) {
          yield { key: committed.key, value: new Uint8Array(committed.value) };
          committed = await this.#nextCommitted(it, record);
        } else if (write !== undefined) {
          p++;
          if (order === 0) committed = await this.#nextCommitted(it, record);
          if (!write.isDelete) yield { key: write.key, value: new Uint8Array(write.value) };
        }
      }
    } finally {
      if (!record.exhausted) await closeQuietly(it);
    }
  }

  async #nextCommitted(it: Iterator<StateEntry> | AsyncIterator<StateEntry>, record: RangeRecord) {
    if (record.exhausted) return undefined;
    const step = await this.#call(() => it.next());
    this.#assertOpen();
    if (step.done) {
      record.exhausted = true;
      return undefined;
    }
    const entry = step.value;
    record.reads.push({ key: entry.key, version: entry.version });
    return entry;
  }

  async #readHistory(key: string): Promise<HistoryEntry[]> {
    this.#assertOpen();
    validateKey(key);
    const history = this.#history;
    if (history === undefined) {
      throw new ConsortiaError(
        ContractErrorCodes.HISTORY_UNAVAILABLE,
        'key history is not available on this peer; enable the history index to use ctx.state.history',
      );
    }
    const entries = await this.#call(() => history(this.#rec.namespace, key));
    this.#assertOpen();
    return entries;
  }

  /** Calls the state source; a failure that is not a ConsortiaError is a ledger problem. */
  async #call<R>(read: () => R | Promise<R>): Promise<R> {
    try {
      return await read();
    } catch (err) {
      if (isConsortiaErrorLike(err)) throw err;
      throw new ConsortiaError(
        ContractErrorCodes.STATE_READ_FAILED,
        `reading world state failed: ${err instanceof Error ? err.message : String(err)}`,
        undefined,
        { cause: err },
      );
    }
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new ConsortiaError(
        ContractErrorCodes.SIMULATION_CLOSED,
        `${this.#label} used ctx.state after it returned; await every state call before returning`,
      );
    }
  }

  #assertWritable(op: string): void {
    this.#assertOpen();
    if (this.#readOnly) {
      throw new ConsortiaError(
        ContractErrorCodes.READ_ONLY,
        `${this.#label} is a query and cannot ${op}; make it a transaction to change state`,
        { op },
      );
    }
  }
}

function modification<T>(e: HistoryEntry, value: T | undefined): KeyModification<T> {
  return { txId: e.txId, timestamp: new Date(e.timestamp), isDelete: e.isDelete, value };
}

async function closeQuietly(it: Iterator<StateEntry> | AsyncIterator<StateEntry>): Promise<void> {
  try {
    await it.return?.();
  } catch {
    // the source could not release the iterator; nothing more the simulation can do
  }
}

/** Marks a promise as handled so a contract that forgets to await it cannot crash the process. */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
