import { z } from 'zod';
import { ConsortiaError, canonicalJson, fromUtf8, utf8 } from '../common/index.js';
import { CollectionConfigSchema, checkCollections } from './collectionConfig.js';

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'names use letters, digits, _ . - (max 64)');
const channelName = z
  .string()
  .regex(/^[a-z][a-z0-9.-]{0,248}$/, 'channel names are lower case: a-z, 0-9, . and -');

export const OrgConfigSchema = z.object({
  mspId: name,
  rootCerts: z.array(z.string()).min(1),
  intermediateCerts: z.array(z.string()).optional(),
  /** Base64 DER CRLs issued by this org's CA. */
  crls: z.array(z.string()).optional(),
  tlsRootCerts: z.array(z.string()).optional(),
  endpoints: z
    .array(z.object({ node: name, role: z.enum(['peer', 'orderer']), address: z.string() }))
    .optional(),
});

export const ContractDefinitionSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'contract names are lower case: a-z, 0-9 and -'),
  version: z.string().min(1).max(64),
  sequence: z.number().int().min(1),
  endorsementPolicy: z.string().min(1),
  /** Private data collections of the contract (see docs/private-data.md). */
  collections: z.array(CollectionConfigSchema).optional(),
});

export const BatchConfigSchema = z.object({
  maxMessageCount: z.number().int().min(1).max(100_000),
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024),
  timeoutMs: z.number().int().min(1).max(60_000),
});

export const ChannelConfigSchema = z.object({
  channel: channelName,
  sequence: z.number().int().min(0),
  orgs: z.array(OrgConfigSchema).min(1),
  ordererOrgs: z.array(OrgConfigSchema).min(1),
  policies: z.object({
    Readers: z.string(),
    Writers: z.string(),
    Admins: z.string(),
    Endorsement: z.string(),
    LifecycleEndorsement: z.string(),
  }),
  batch: BatchConfigSchema,
  ordering: z.object({
    type: z.enum(['solo', 'etcd']),
    /** How many distinct ordering orgs must sign a block header. */
    signaturesRequired: z.number().int().min(1),
  }),
  contracts: z.array(ContractDefinitionSchema),
});

export type OrgConfig = z.infer<typeof OrgConfigSchema>;
export type ContractDefinition = z.infer<typeof ContractDefinitionSchema>;
export type BatchConfig = z.infer<typeof BatchConfigSchema>;
export type ChannelConfig = z.infer<typeof ChannelConfigSchema>;

export const DEFAULT_POLICIES: ChannelConfig['policies'] = {
  Readers: 'ANY Readers',
  Writers: 'ANY Writers',
  Admins: 'MAJORITY Admins',
  Endorsement: 'MAJORITY Endorsement',
  LifecycleEndorsement: 'MAJORITY Admins',
};

export const DEFAULT_BATCH: BatchConfig = { maxMessageCount: 500, maxBytes: 2 * 1024 * 1024, timeoutMs: 50 };

/** Checks a channel configuration's shape and cross-references; throws INVALID_CONFIG. */
export function validateChannelConfig(value: unknown): ChannelConfig {
  const r = ChannelConfigSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new ConsortiaError(
      'INVALID_CONFIG',
      `channel config is invalid at ${where}: ${issue?.message ?? 'bad value'}`,
      { path: where },
    );
  }
  const cfg = r.data;
  const ids = [
    ...cfg.orgs.map((o, i) => ({ mspId: o.mspId, path: `orgs.${i}.mspId` })),
    ...cfg.ordererOrgs.map((o, i) => ({ mspId: o.mspId, path: `ordererOrgs.${i}.mspId` })),
  ];
  const dup = ids.find((id, i) => ids.findIndex((other) => other.mspId === id.mspId) !== i);
  if (dup) {
    throw new ConsortiaError(
      'INVALID_CONFIG',
      `org ${dup.mspId} appears twice in the channel config; list each org once`,
      {
        path: dup.path,
        mspId: dup.mspId,
      },
    );
  }
  const names = cfg.contracts.map((c) => c.name);
  const dupC = names.findIndex((n, i) => names.indexOf(n) !== i);
  if (dupC !== -1) {
    throw new ConsortiaError(
      'INVALID_CONFIG',
      `contract ${names[dupC]} is defined twice; keep one definition per contract`,
      {
        path: `contracts.${dupC}.name`,
        contract: names[dupC],
      },
    );
  }
  for (const [i, c] of cfg.contracts.entries()) checkCollections(c.name, i, c.collections ?? []);
  if (cfg.ordering.signaturesRequired > cfg.ordererOrgs.length) {
    throw new ConsortiaError(
      'INVALID_CONFIG',
      `ordering.signaturesRequired (${cfg.ordering.signaturesRequired}) is more than the ${cfg.ordererOrgs.length} ordering orgs; lower it or add ordering orgs`,
      { path: 'ordering.signaturesRequired' },
    );
  }
  return cfg;
}

/** Canonical bytes of a channel configuration (sorted keys), as carried in config transactions. */
export function encodeChannelConfig(cfg: ChannelConfig): Uint8Array {
  return utf8(canonicalJson(cfg));
}

export function decodeChannelConfig(bytes: Uint8Array): ChannelConfig {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch {
    throw new ConsortiaError('INVALID_CONFIG', 'the channel config is not valid UTF-8 JSON');
  }
  return validateChannelConfig(value);
}
