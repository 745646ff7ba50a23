import type { PrivateEntry } from '../ledger/index.js';

/** A private key as the simulating peer holds it (the ledger's type): hashed state, value on a member. */
export type { PrivateEntry } from '../ledger/index.js';

/** What a simulation knows of one private data collection of its contract. */
export interface CollectionAccess {
  readonly name: string;
  readonly memberOrgs: readonly string[];
  /** Only clients of member orgs may read. */
  readonly memberOnlyRead: boolean;
  /** Only clients of member orgs may write. */
  readonly memberOnlyWrite: boolean;
  /** Whether the simulating peer's org is a member (and so holds the plaintext). */
  readonly peerIsMember: boolean;
}

/** Reads private data by key hash (the ledger implements it; answers may be asynchronous). */
export type PrivateEntryReader = (
  ns: string,
  collection: string,
  keyHash: Uint8Array,
) => PrivateEntry | undefined | Promise<PrivateEntry | undefined>;

/**
 * One private data collection, as a contract sees it through `ctx.private(name)`. Values are
 * JSON like `ctx.state`'s. Only hashes of keys and values go into the endorsed read–write set
 * and the block; the plaintext goes peer to peer to the member orgs' peers.
 */
export interface PrivateState {
  readonly collection: string;
  /**
   * The JSON-decoded value, or undefined when the key does not exist. Throws
   * NOT_A_COLLECTION_MEMBER on a peer whose org is not a member, or for a client of a non-member
   * org when the collection is member-only read.
   */
  get<T = unknown>(key: string): Promise<T | undefined>;
  getBytes(key: string): Promise<Uint8Array | undefined>;
  /** Writes `value` as canonical JSON. Pass the plaintext in `ctx.transient`, never in the arguments. */
  put(key: string, value: unknown): Promise<void>;
  putBytes(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  /** Deletes the key and erases its value from every member peer's store; only hashes remain. */
  purge(key: string): Promise<void>;
  /** Hex SHA-256 of the value, or undefined when the key does not exist. Any org may read it. */
  getHash(key: string): Promise<string | undefined>;
}
