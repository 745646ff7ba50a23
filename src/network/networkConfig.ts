import { z } from 'zod';
import { ConsortiaError } from '../common/index.js';

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'names use letters, digits, _ . - (max 64)');

/** A private data collection of a contract; left-out settings take DEFAULT_COLLECTION's values. */
const CollectionSchema = z.object({
  name: z.string(),
  memberOrgs: z.array(name).min(1),
  requiredPeerCount: z.number().int().default(0),
  maxPeerCount: z.number().int().default(3),
  blockToLive: z.number().int().default(0),
  memberOnlyRead: z.boolean().default(true),
  memberOnlyWrite: z.boolean().default(true),
});

const UserSchema = z.union([
  name,
  z.object({
    name,
    role: z.enum(['admin', 'client']).default('client'),
    attributes: z.record(z.string(), z.string()).optional(),
  }),
]);

export const NetworkConfigSchema = z.object({
  orgs: z
    .array(
      z.object({
        name,
        peers: z.array(name).min(1).default(['peer0']),
        /** `admin` is enrolled with the admin role, other names as clients, unless given as objects. */
        users: z.array(UserSchema).default(['admin', 'user1']),
      }),
    )
    .min(1),
  orderer: z
    .object({ org: name.default('Orderer'), nodes: z.array(name).min(1).default(['orderer0']) })
    .default({ org: 'Orderer', nodes: ['orderer0'] }),
  channels: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z][a-z0-9.-]{0,248}$/, 'channel names are lower case: a-z, 0-9, . and -'),
        orgs: z.array(name).min(1),
        policies: z
          .object({
            Readers: z.string(),
            Writers: z.string(),
            Admins: z.string(),
            Endorsement: z.string(),
            LifecycleEndorsement: z.string(),
          })
          .partial()
          .optional(),
        batch: z
          .object({
            maxMessageCount: z.number().int(),
            maxBytes: z.number().int(),
            timeoutMs: z.number().int(),
          })
          .partial()
          .optional(),
        contracts: z
          .array(
            z.object({
              name: z.string(),
              version: z.string().default('1.0'),
              endorsementPolicy: z.string().default('MAJORITY Endorsement'),
              /** Module path of the contract; built-in contracts are found by name. */
              path: z.string().optional(),
              /** Private data collections (docs/private-data.md). */
              collections: z.array(CollectionSchema).optional(),
            }),
          )
          .default([]),
      }),
    )
    .min(1),
});

export type NetworkConfig = z.infer<typeof NetworkConfigSchema>;
export type NetworkConfigInput = z.input<typeof NetworkConfigSchema>;

/** The default consortium: a regulator and three carriers sharing channel `telecom`. */
export const DEFAULT_NETWORK: NetworkConfigInput = {
  orgs: [{ name: 'Regulator' }, { name: 'TelcoA' }, { name: 'TelcoB' }, { name: 'TelcoC' }],
  channels: [
    {
      name: 'telecom',
      orgs: ['Regulator', 'TelcoA', 'TelcoB', 'TelcoC'],
      contracts: [
        {
          name: 'number-portability',
          version: '1.0',
          endorsementPolicy:
            "AND('Regulator.member', OutOf(2, 'TelcoA.member', 'TelcoB.member', 'TelcoC.member'))",
        },
        { name: 'asset-registry', version: '1.0', endorsementPolicy: 'MAJORITY Endorsement' },
        { name: 'proof-of-delivery', version: '1.0', endorsementPolicy: 'MAJORITY Endorsement' },
        { name: 'did-registry', version: '1.0', endorsementPolicy: 'MAJORITY Endorsement' },
        { name: 'attestations', version: '1.0', endorsementPolicy: 'MAJORITY Endorsement' },
        { name: 'iot-trust', version: '1.0', endorsementPolicy: 'MAJORITY Endorsement' },
        {
          name: 'private-notes',
          version: '1.0',
          endorsementPolicy: "OutOf(1, 'TelcoA.member', 'TelcoB.member')",
          collections: [
            { name: 'telco-ab', memberOrgs: ['TelcoA', 'TelcoB'], requiredPeerCount: 1, maxPeerCount: 3 },
            {
              name: 'telco-ab-shortlived',
              memberOrgs: ['TelcoA', 'TelcoB'],
              requiredPeerCount: 1,
              maxPeerCount: 3,
              blockToLive: 3,
            },
          ],
        },
        { name: 'carsharing', version: '1.0', endorsementPolicy: 'MAJORITY Endorsement' },
        {
          name: 'roaming',
          version: '1.0',
          endorsementPolicy: "OutOf(2, 'TelcoA.member', 'TelcoB.member', 'TelcoC.member')",
          // One private collection per pair of carriers (usage records); add pairs with a contract definition update.
          collections: [
            {
              name: 'roaming-TelcoA-TelcoB',
              memberOrgs: ['TelcoA', 'TelcoB'],
              requiredPeerCount: 1,
              maxPeerCount: 3,
            },
            {
              name: 'roaming-TelcoA-TelcoC',
              memberOrgs: ['TelcoA', 'TelcoC'],
              requiredPeerCount: 1,
              maxPeerCount: 3,
            },
            {
              name: 'roaming-TelcoB-TelcoC',
              memberOrgs: ['TelcoB', 'TelcoC'],
              requiredPeerCount: 1,
              maxPeerCount: 3,
            },
          ],
        },
      ],
    },
  ],
};

/** Parses and cross-checks a network config; throws INVALID_NETWORK_CONFIG naming the field. */
export function parseNetworkConfig(value: unknown): NetworkConfig {
  const r = NetworkConfigSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new ConsortiaError(
      'INVALID_NETWORK_CONFIG',
      `network config is invalid at ${where}: ${issue?.message ?? 'bad value'}`,
      { path: where },
    );
  }
  const cfg = r.data;
  const orgNames = cfg.orgs.map((o) => o.name);
  const all = [...orgNames, cfg.orderer.org];
  const dup = all.find((n, i) => all.indexOf(n) !== i);
  if (dup) throw new ConsortiaError('INVALID_NETWORK_CONFIG', `org ${dup} is declared twice`, { org: dup });
  for (const ch of cfg.channels) {
    const unknown = ch.orgs.find((o) => !orgNames.includes(o));
    if (unknown) {
      throw new ConsortiaError('INVALID_NETWORK_CONFIG', `channel ${ch.name} names unknown org ${unknown}`, {
        channel: ch.name,
        org: unknown,
      });
    }
    for (const c of ch.contracts) {
      const outsider = c.collections?.flatMap((col) => col.memberOrgs).find((o) => !ch.orgs.includes(o));
      if (outsider) {
        throw new ConsortiaError(
          'INVALID_NETWORK_CONFIG',
          `a collection of contract ${c.name} on channel ${ch.name} names org ${outsider}, which is not in the channel`,
          { channel: ch.name, contract: c.name, org: outsider },
        );
      }
    }
  }
  return cfg;
}
