import { ConsortiaError, toHex } from '../common/index.js';
import {
  hashedCollection,
  type NsPvtWrites,
  type PvtWrite,
  privateKeyHash,
  privateValueHash,
  type TxRwSet,
} from '../protocol/index.js';
import { ContractErrorCodes } from './errors.js';
import { isConsortiaErrorLike } from './isConsortiaErrorLike.js';
import { decodeJson, encodeJson } from './jsonValue.js';
import type { CollectionAccess, PrivateEntry, PrivateEntryReader, PrivateState } from './privateTypes.js';
import { validateKey } from './validateKey.js';

/** Codes of private data access in contracts. */
export const PrivateDataErrorCodes = {
  /** The contract defines no collection of that name. */
  UNKNOWN_COLLECTION: 'UNKNOWN_COLLECTION',
  /** The client's org (member-only read or write) or the peer's org (plaintext reads) is not a member. */
  NOT_A_COLLECTION_MEMBER: 'NOT_A_COLLECTION_MEMBER',
  /** A member peer has the key's hash but not yet its value (it missed the dissemination). */
  PRIVATE_DATA_UNAVAILABLE: 'PRIVATE_DATA_UNAVAILABLE',
} as const;

interface CollectionRecord {
  readonly reads: Map<string, { keyHash: Uint8Array; version: PrivateEntry['version'] | undefined }>;
  readonly writes: Map<string, PvtWrite>;
}

/**
 * Collects one simulation's private reads (as key hashes with versions) and plaintext writes,
 * per collection. `attach` puts the hashed read–write sets into the public read–write set;
 * `privateWrites` gives the plaintext the endorser sends to member peers.
 *
 * @example
 * const rec = new PrivateRecorder();
 * rec.write('telco-ab', { key: 'n1', value, isDelete: false, isPurge: false });
 * rec.attach(rwset); // rwset.ns[0].collections[0].writes[0].keyHash = SHA-256('n1')
 */
export class PrivateRecorder {
  readonly #collections = new Map<string, CollectionRecord>();

  #of(collection: string): CollectionRecord {
    let c = this.#collections.get(collection);
    if (!c) {
      c = { reads: new Map(), writes: new Map() };
      this.#collections.set(collection, c);
    }
    return c;
  }

  /** Records the committed version of a key on its first read. */
  recordRead(collection: string, keyHash: Uint8Array, version: PrivateEntry['version'] | undefined): void {
    const reads = this.#of(collection).reads;
    const hex = toHex(keyHash);
    if (!reads.has(hex)) reads.set(hex, { keyHash, version });
  }

  write(collection: string, w: PvtWrite): void {
    this.#of(collection).writes.set(w.key, w);
  }

  pending(collection: string, key: string): PvtWrite | undefined {
    return this.#collections.get(collection)?.writes.get(key);
  }

  /** Adds the hashed read–write set of every touched collection to the (single-namespace) rwset. */
  attach(rwset: TxRwSet): void {
    const ns = rwset.ns[0];
    if (!ns || this.#collections.size === 0) return;
    ns.collections = [...this.#collections.keys()].sort().map((name) => {
      const c = this.#collections.get(name)!;
      return hashedCollection({ collection: name, writes: [...c.writes.values()] }, [...c.reads.values()]);
    });
  }

  /** The plaintext writes, or undefined when the simulation wrote no private data. */
  privateWrites(namespace: string): NsPvtWrites | undefined {
    const collections = [...this.#collections.keys()]
      .sort()
      .map((name) => ({ collection: name, writes: [...this.#collections.get(name)!.writes.values()] }))
      .filter((c) => c.writes.length > 0);
    return collections.length === 0 ? undefined : { namespace, collections };
  }
}

/** Options of {@link PrivateStates}. */
export interface PrivateStatesOptions {
  readonly recorder: PrivateRecorder;
  readonly namespace: string;
  readonly read: PrivateEntryReader | undefined;
  readonly collections: readonly CollectionAccess[];
  /** The org of the client that signed the proposal. */
  readonly callerMspId: string;
  readonly readOnly: boolean;
  readonly label: string;
  readonly isClosed: () => boolean;
}

/**
 * `ctx.private(name)` of one simulation: one {@link PrivateState} per collection, sharing a
 * recorder, with membership checks and read-your-writes.
 *
 * @example
 * const privates = new PrivateStates({ recorder, namespace: 'private-notes', read, collections, callerMspId: 'TelcoA', readOnly: false, label, isClosed });
 * await privates.of('telco-ab').put('n1', { text: 'hello' });
 */
export class PrivateStates {
  readonly #opts: PrivateStatesOptions;
  readonly #states = new Map<string, PrivateState>();
  /** Committed entries already read, per collection and key, so a key reads the same every time. */
  readonly #cache = new Map<string, PrivateEntry | undefined>();

  constructor(opts: Readonly<PrivateStatesOptions>) {
    this.#opts = opts;
  }

  /** The private state of collection `name`; throws UNKNOWN_COLLECTION. */
  of(name: string): PrivateState {
    this.#assertOpen();
    const existing = this.#states.get(name);
    if (existing) return existing;
    const access = this.#opts.collections.find((c) => c.name === name);
    if (!access) {
      const known = this.#opts.collections.map((c) => c.name).join(', ') || '(none)';
      throw new ConsortiaError(
        PrivateDataErrorCodes.UNKNOWN_COLLECTION,
        `contract ${this.#opts.namespace} has no private data collection '${String(name)}'; its collections: ${known}`,
        { collection: String(name) },
      );
    }
    const state = this.#create(access);
    this.#states.set(name, state);
    return state;
  }

  #create(access: CollectionAccess): PrivateState {
    const name = access.name;
    const read = async (key: string): Promise<Uint8Array | undefined> => {
      this.#assertOpen();
      validateKey(key);
      this.#checkClient(access, 'read');
      if (!access.peerIsMember) {
        throw new ConsortiaError(
          PrivateDataErrorCodes.NOT_A_COLLECTION_MEMBER,
          `this peer's org is not a member of collection ${name} and holds only hashes; ask a peer of ${access.memberOrgs.join(' or ')}`,
          { collection: name, who: 'peer', memberOrgs: [...access.memberOrgs] },
        );
      }
      const pending = this.#opts.recorder.pending(name, key);
      if (pending) return pending.isDelete || pending.isPurge ? undefined : new Uint8Array(pending.value);
      const entry = await this.#committed(name, key);
      if (entry === undefined) return undefined;
      if (entry.value === undefined) {
        throw new ConsortiaError(
          PrivateDataErrorCodes.PRIVATE_DATA_UNAVAILABLE,
          `this peer has the hash of key '${key}' of collection ${name} but not yet its value; retry after it reconciles, or ask another member peer`,
          { collection: name },
        );
      }
      return new Uint8Array(entry.value);
    };
    const write = (op: string, w: PvtWrite): Promise<void> => {
      this.#assertOpen();
      if (this.#opts.readOnly) {
        throw new ConsortiaError(
          ContractErrorCodes.READ_ONLY,
          `${this.#opts.label} is a query and cannot ${op} private data; make it a transaction`,
          { op },
        );
      }
      validateKey(w.key);
      this.#checkClient(access, 'write');
      this.#opts.recorder.write(name, w);
      return Promise.resolve();
    };
    const encode = (key: string, value: unknown) =>
      encodeJson(value, `the private value of key '${key}'`, ContractErrorCodes.CONTRACT_FAILED);
    return Object.freeze({
      collection: name,
      get: <T>(key: string) =>
        handled(read(key).then((b) => (b === undefined ? undefined : (decodeJson(b, key) as T)))),
      getBytes: (key: string) => handled(read(key)),
      put: (key: string, value: unknown) =>
        write('put', { key, value: encode(key, value), isDelete: false, isPurge: false }),
      putBytes: (key: string, value: Uint8Array) => {
        if (!(value instanceof Uint8Array)) {
          throw new ConsortiaError(
            ContractErrorCodes.CONTRACT_FAILED,
            `putBytes of private key '${String(key)}' needs a Uint8Array value`,
          );
        }
        return write('putBytes', { key, value: new Uint8Array(value), isDelete: false, isPurge: false });
      },
      delete: (key: string) =>
        write('delete', { key, value: new Uint8Array(0), isDelete: true, isPurge: false }),
      purge: (key: string) =>
        write('purge', { key, value: new Uint8Array(0), isDelete: true, isPurge: true }),
      getHash: (key: string) => handled(this.#hash(name, key)),
    });
  }

  async #hash(name: string, key: string): Promise<string | undefined> {
    this.#assertOpen();
    validateKey(key);
    const pending = this.#opts.recorder.pending(name, key);
    if (pending) return pending.isDelete ? undefined : toHex(privateValueHash(pending));
    const entry = await this.#committed(name, key);
    return entry === undefined ? undefined : toHex(entry.valueHash);
  }

  /** Reads a committed private key once, recording its hashed read. */
  async #committed(name: string, key: string): Promise<PrivateEntry | undefined> {
    const cacheKey = `${name}\u0000${key}`;
    if (this.#cache.has(cacheKey)) return this.#cache.get(cacheKey);
    const keyHash = privateKeyHash(key);
    const reader = this.#opts.read;
    if (reader === undefined) {
      throw new ConsortiaError(
        PrivateDataErrorCodes.PRIVATE_DATA_UNAVAILABLE,
        'this peer supplies no private data to contracts',
      );
    }
    let entry: PrivateEntry | undefined;
    try {
      entry = await reader(this.#opts.namespace, name, keyHash);
    } catch (err) {
      if (isConsortiaErrorLike(err)) throw err;
      throw new ConsortiaError(
        ContractErrorCodes.STATE_READ_FAILED,
        `reading private data failed: ${err instanceof Error ? err.message : String(err)}`,
        undefined,
        { cause: err },
      );
    }
    this.#assertOpen();
    if (this.#cache.has(cacheKey)) return this.#cache.get(cacheKey);
    this.#cache.set(cacheKey, entry);
    this.#opts.recorder.recordRead(name, keyHash, entry?.version);
    return entry;
  }

  #checkClient(access: CollectionAccess, what: 'read' | 'write'): void {
    const only = what === 'read' ? access.memberOnlyRead : access.memberOnlyWrite;
    if (only && !access.memberOrgs.includes(this.#opts.callerMspId)) {
      throw new ConsortiaError(
        PrivateDataErrorCodes.NOT_A_COLLECTION_MEMBER,
        `clients of ${this.#opts.callerMspId} may not ${what} collection ${access.name}; only its member orgs (${access.memberOrgs.join(', ')}) may`,
        { collection: access.name, who: 'client', mspId: this.#opts.callerMspId },
      );
    }
  }

  #assertOpen(): void {
    if (this.#opts.isClosed()) {
      throw new ConsortiaError(
        ContractErrorCodes.SIMULATION_CLOSED,
        `${this.#opts.label} used ctx.private after it returned; await every call before returning`,
      );
    }
  }
}

/** Marks a promise as handled so a contract that forgets to await it cannot crash the process. */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
