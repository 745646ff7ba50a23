import { z } from 'zod';
import { ConsortiaError } from '../common/index.js';

/**
 * A private data collection of a contract definition: which orgs hold the plaintext, how far an
 * endorser must spread it before signing, and how long members keep it.
 */
export const CollectionConfigSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'collection names use letters, digits, _ . - (max 64)'),
  /** Orgs whose peers receive and keep the plaintext. */
  memberOrgs: z.array(z.string().min(1)).min(1),
  /** Other member peers an endorser must reach before it signs (0: none). */
  requiredPeerCount: z.number().int().min(0).max(100),
  /** At most this many other member peers are sent the data by each endorser. */
  maxPeerCount: z.number().int().min(0).max(100),
  /** Blocks after its commit at which a private value is purged; 0 keeps it until deleted or purged. */
  blockToLive: z.number().int().min(0),
  /** Only clients of member orgs may read the collection. */
  memberOnlyRead: z.boolean(),
  /** Only clients of member orgs may write the collection (checked when endorsing and validating). */
  memberOnlyWrite: z.boolean(),
});

export type CollectionConfig = z.infer<typeof CollectionConfigSchema>;

/**
 * The settings a collection gets when a network config or a `set-contract` change leaves them
 * out: spread to one other member peer, keep forever, members only.
 */
export const DEFAULT_COLLECTION: Omit<CollectionConfig, 'name' | 'memberOrgs'> = {
  requiredPeerCount: 0,
  maxPeerCount: 3,
  blockToLive: 0,
  memberOnlyRead: true,
  memberOnlyWrite: true,
};

/**
 * Cross-checks the collections of one contract definition: unique names, each member org listed
 * once and, when `channelOrgs` is given, an org of the channel, and `requiredPeerCount <=
 * maxPeerCount`. Throws INVALID_CONFIG naming the field. (A channel config itself may keep an
 * org that left the channel in a collection: its peers no longer get the channel's blocks.)
 *
 * @example
 * checkCollections('private-notes', 3, def.collections ?? [], ['TelcoA', 'TelcoB']);
 */
export function checkCollections(
  contract: string,
  index: number,
  collections: readonly CollectionConfig[],
  channelOrgs?: readonly string[],
): void {
  const where = (i: number, field: string) => `contracts.${index}.collections.${i}.${field}`;
  collections.forEach((c, i) => {
    if (collections.findIndex((o) => o.name === c.name) !== i) {
      throw new ConsortiaError(
        'INVALID_CONFIG',
        `contract ${contract} defines collection ${c.name} twice; keep one definition per collection`,
        { path: where(i, 'name'), contract, collection: c.name },
      );
    }
    const unknown = channelOrgs && c.memberOrgs.find((o) => !channelOrgs.includes(o));
    if (unknown !== undefined) {
      throw new ConsortiaError(
        'INVALID_CONFIG',
        `collection ${c.name} of contract ${contract} names org ${unknown}, which is not a member of the channel`,
        { path: where(i, 'memberOrgs'), contract, collection: c.name, org: unknown },
      );
    }
    if (new Set(c.memberOrgs).size !== c.memberOrgs.length) {
      throw new ConsortiaError(
        'INVALID_CONFIG',
        `collection ${c.name} of contract ${contract} lists an org twice; list each member org once`,
        { path: where(i, 'memberOrgs'), contract, collection: c.name },
      );
    }
    if (c.requiredPeerCount > c.maxPeerCount) {
      throw new ConsortiaError(
        'INVALID_CONFIG',
        `collection ${c.name} of contract ${contract} requires ${c.requiredPeerCount} peers but sends to at most ${c.maxPeerCount}; raise maxPeerCount`,
        { path: where(i, 'requiredPeerCount'), contract, collection: c.name },
      );
    }
  });
}
