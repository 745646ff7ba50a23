import type { CollectionAccess } from '../contract/index.js';
import type { CollectionConfig, ContractDefinition } from '../protocol/index.js';

/**
 * The collection of a contract definition with that name, or undefined.
 *
 * @example
 * const cfg = findCollection(ctx.contract('private-notes')?.definition, 'telco-ab');
 */
export function findCollection(
  def: ContractDefinition | undefined,
  name: string,
): CollectionConfig | undefined {
  return def?.collections?.find((c) => c.name === name);
}

/**
 * What a simulation may know of a contract's collections, seen from a peer of `peerMspId`.
 *
 * @example
 * collectionAccess(def, 'TelcoC'); // [{ name: 'telco-ab', peerIsMember: false, ... }]
 */
export function collectionAccess(def: ContractDefinition, peerMspId: string | undefined): CollectionAccess[] {
  return (def.collections ?? []).map((c) => ({
    name: c.name,
    memberOrgs: [...c.memberOrgs],
    memberOnlyRead: c.memberOnlyRead,
    memberOnlyWrite: c.memberOnlyWrite,
    peerIsMember: peerMspId !== undefined && c.memberOrgs.includes(peerMspId),
  }));
}
