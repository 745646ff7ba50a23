import { toHex } from '../common/index.js';
import { type ContractDefinition, type NsRwSet, ValidationCode } from '../protocol/index.js';
import { findCollection } from './collections.js';

/** What validating private data reads of the committed ledger: the hashed state. */
export interface PrivateHashReader {
  getPrivateEntry?(
    ns: string,
    collection: string,
    keyHash: Uint8Array,
  ): { readonly version: { readonly block: number; readonly tx: number } } | undefined;
}

/** The parts of a transaction and channel that private data validation looks at. */
export interface PrivateValidationInput {
  readonly rwset: readonly NsRwSet[];
  /** The org of the client that created the transaction. */
  readonly creatorMspId: string;
  /** The channel's definition of a contract (with its collections). */
  readonly definition: (contract: string) => ContractDefinition | undefined;
}

const sep = '\u0000';
/** Marks hashed keys in the block's set of written keys (no contract namespace starts with it). */
const PVT = '\u0002';

function writtenKey(ns: string, collection: string, keyHash: Uint8Array): string {
  return PVT + sep + ns + sep + collection + sep + toHex(keyHash);
}

/**
 * Validates the private data (hashed) part of an endorser transaction, as every peer does,
 * members or not: each collection must be defined by the contract; hashes must be well formed;
 * a member-only-write collection must be written only by clients of member orgs
 * (COLLECTION_POLICY_FAILURE); and each hashed read must still see the version it read, in the
 * hashed state and against earlier valid transactions of the block (MVCC_READ_CONFLICT).
 * Returns undefined when it is valid.
 *
 * @example
 * const bad = checkPrivateData({ rwset, creatorMspId: 'TelcoC', definition: (n) => ctx.contract(n)?.definition }, ledger, written);
 */
export function checkPrivateData(
  input: PrivateValidationInput,
  ledger: PrivateHashReader,
  written: ReadonlySet<string>,
): { code: number; why: string } | undefined {
  for (const ns of input.rwset) {
    if (ns.collections.length === 0) continue;
    const def = input.definition(ns.namespace);
    const names = new Set<string>();
    for (const c of ns.collections) {
      if (names.has(c.collection)) {
        return { code: ValidationCode.BAD_PAYLOAD, why: `collection ${c.collection} appears twice` };
      }
      names.add(c.collection);
      const cfg = findCollection(def, c.collection);
      if (!cfg) {
        return {
          code: ValidationCode.COLLECTION_POLICY_FAILURE,
          why: `contract ${ns.namespace} defines no collection ${c.collection}`,
        };
      }
      const malformed =
        c.reads.some((r) => r.keyHash.byteLength !== 32) ||
        c.writes.some(
          (w) =>
            w.keyHash.byteLength !== 32 ||
            (w.isDelete ? w.valueHash.byteLength !== 0 : w.valueHash.byteLength !== 32) ||
            (w.isPurge && !w.isDelete),
        ) ||
        (c.writes.length > 0 && c.pvtRwsetHash.byteLength !== 32);
      if (malformed) {
        return {
          code: ValidationCode.BAD_PAYLOAD,
          why: `the hashes of collection ${c.collection} are malformed`,
        };
      }
      if (c.writes.length > 0 && cfg.memberOnlyWrite && !cfg.memberOrgs.includes(input.creatorMspId)) {
        return {
          code: ValidationCode.COLLECTION_POLICY_FAILURE,
          why: `${input.creatorMspId} may not write collection ${c.collection} (member-only write: ${cfg.memberOrgs.join(', ')})`,
        };
      }
      for (const r of c.reads) {
        const current = ledger.getPrivateEntry?.(ns.namespace, c.collection, r.keyHash)?.version;
        const same =
          current === undefined || r.version === undefined
            ? current === undefined && r.version === undefined
            : BigInt(current.block) === r.version.block && current.tx === r.version.tx;
        if (!same || written.has(writtenKey(ns.namespace, c.collection, r.keyHash))) {
          return {
            code: ValidationCode.MVCC_READ_CONFLICT,
            why: `a private key of collection ${c.collection} changed after it was read`,
          };
        }
      }
    }
  }
  return undefined;
}

/**
 * Adds a valid transaction's hashed writes to the block's set of written keys, so later
 * transactions of the block that read them conflict.
 *
 * @example
 * recordPrivateWrites(rwset, written);
 */
export function recordPrivateWrites(rwset: readonly NsRwSet[], written: Set<string>): void {
  for (const ns of rwset) {
    for (const c of ns.collections) {
      for (const w of c.writes) written.add(writtenKey(ns.namespace, c.collection, w.keyHash));
    }
  }
}
