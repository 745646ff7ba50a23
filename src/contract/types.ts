import type { HistoryEntry, StateEntry } from '../ledger/index.js';
import type { ContractEvent, NsPvtWrites, TxRwSet } from '../protocol/index.js';
import type { CollectionAccess, PrivateEntry, PrivateState } from './privateTypes.js';

/** The ledger's read surface, which the simulator reads committed state through. */
export type { HistoryEntry, StateEntry, StateReader, VersionRef } from '../ledger/index.js';

/** Reads the committed history of a key. */
export type HistoryReader = (ns: string, key: string) => HistoryEntry[];

/**
 * A {@link StateReader} whose answers may also arrive asynchronously (the worker runtime reads
 * state from the main thread). Every StateReader is a StateSource.
 */
export interface StateSource {
  getState(ns: string, key: string): StateEntry | undefined | Promise<StateEntry | undefined>;
  rangeState(ns: string, startKey: string, endKey: string): Iterable<StateEntry> | AsyncIterable<StateEntry>;
  getKeyPolicy(ns: string, key: string): string | undefined | Promise<string | undefined>;
  /** Private data by key hash (ctx.private); a source without it supplies no private data. */
  getPrivateEntry?(
    ns: string,
    collection: string,
    keyHash: Uint8Array,
  ): PrivateEntry | undefined | Promise<PrivateEntry | undefined>;
}

/** A history reader whose answer may arrive asynchronously. */
export type HistorySource = (ns: string, key: string) => HistoryEntry[] | Promise<HistoryEntry[]>;

/** The role an identity is enrolled with. */
export type CallerRole = 'admin' | 'peer' | 'orderer' | 'client';

/** The validated identity that signed the proposal, as plain data. */
export interface CallerInfo {
  readonly mspId: string;
  readonly role: CallerRole;
  /** Stable id of the identity (`mspId::name::serial`). */
  readonly id: string;
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** The caller as a contract sees it. */
export interface Caller extends CallerInfo {
  /** The value of a certificate attribute, or undefined when the identity has none of that name. */
  attr(name: string): string | undefined;
}

/** What the peer knows about the proposal being simulated. */
export interface SimulationInfo {
  readonly txId: string;
  readonly channel: string;
  /** Milliseconds since the epoch, chosen by the client and signed in the proposal. */
  readonly timestamp: number;
  readonly caller: CallerInfo;
  /** Transient data: it reaches the contract but never the ledger. */
  readonly transient?: ReadonlyMap<string, Uint8Array>;
  /** The contract's private data collections, with this peer's membership. */
  readonly collections?: readonly CollectionAccess[];
}

/** A key and its JSON-decoded value, as a range read yields it. */
export interface KeyValue<T = unknown> {
  readonly key: string;
  readonly value: T;
}

/** One committed change of a key, as a contract sees it. */
export interface KeyModification<T = unknown> {
  readonly txId: string;
  readonly timestamp: Date;
  readonly isDelete: boolean;
  /** The value written; undefined for a delete. */
  readonly value: T | undefined;
}

/** World state of the contract's namespace, as seen by one simulation. */
export interface ContractState {
  /** The JSON-decoded value of `key`, or undefined when it does not exist. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** The raw bytes of `key`, or undefined when it does not exist. */
  getBytes(key: string): Promise<Uint8Array | undefined>;
  /** Writes `value` as canonical JSON (identical bytes on every endorser). */
  put(key: string, value: unknown): Promise<void>;
  putBytes(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys in [startKey, endKey), sorted, with this transaction's own writes merged in. '' ends at the end. */
  range<T = unknown>(startKey: string, endKey: string): AsyncIterable<KeyValue<T>>;
  rangeBytes(startKey: string, endKey: string): AsyncIterable<KeyValue<Uint8Array>>;
  /** The committed changes of `key`, oldest first, values JSON-decoded. */
  history<T = unknown>(key: string): Promise<Array<KeyModification<T>>>;
  historyBytes(key: string): Promise<Array<KeyModification<Uint8Array>>>;
  /** Sets (or with null clears) the endorsement policy of one key (state-based endorsement). */
  setKeyPolicy(key: string, policy: string | null): Promise<void>;
  getKeyPolicy(key: string): Promise<string | undefined>;
}

/** What a contract function receives as `ctx`. */
export interface Context {
  readonly txId: string;
  readonly channel: string;
  /** The proposal's timestamp: the same on every endorser. */
  readonly timestamp: Date;
  /** The contract's name (also its state namespace). */
  readonly contract: string;
  readonly caller: Caller;
  readonly state: ContractState;
  /** Emits a contract event with a JSON payload; delivered only if the transaction commits as valid. */
  emit(name: string, payload: unknown): void;
  readonly transient: ReadonlyMap<string, Uint8Array>;
  /** A private data collection of the contract; throws UNKNOWN_COLLECTION for another name. */
  private(collection: string): PrivateState;
}

/** Whether a function may change state (transaction) or only read it (query). */
export type FunctionKind = 'transaction' | 'query';

/** An error as it is reported in a {@link SimulationResult}. */
export interface SimulationError {
  readonly code: string;
  readonly message: string;
  readonly detail?: Record<string, unknown>;
}

/** The outcome of simulating one contract function. */
export interface SimulationResult {
  readonly ok: boolean;
  /** The JSON-serialisable return value (when ok). */
  readonly result?: unknown;
  readonly error?: SimulationError;
  /** The read–write set; namespace = contract name. Empty on error. */
  readonly rwset: TxRwSet;
  readonly events: ContractEvent[];
  /** Plaintext private writes (only hashes are in `rwset`): what the endorser sends to member peers. */
  readonly privateWrites?: NsPvtWrites;
}
