import { ConsortiaError, canonicalJson } from '../common/index.js';
import { parsePolicy } from '../policy/index.js';
import {
  type BatchConfig,
  type ChannelConfig,
  type CollectionConfig,
  CollectionConfigSchema,
  checkCollections,
  DEFAULT_COLLECTION,
  type OrgConfig,
} from '../protocol/index.js';

/**
 * Ready-made governance models for channel changes (seed 002: rights management may be
 * centralised, decentralised or hybrid). The chosen policy becomes the channel's Admins policy,
 * which every channel-wide config update must satisfy.
 */
export type GovernanceModel = 'decentralised' | 'centralised' | 'hybrid';

/**
 * The Admins policy of a governance model. `org` names the central org for `centralised` and
 * the org whose admin must always sign for `hybrid`.
 *
 * @example
 * governancePolicy('hybrid', 'Regulator') // "AND('Regulator.admin', MAJORITY Admins)"
 */
export function governancePolicy(model: GovernanceModel, org?: string): string {
  switch (model) {
    case 'decentralised':
      return 'MAJORITY Admins';
    case 'centralised':
    case 'hybrid': {
      if (!org)
        throw new ConsortiaError(
          'INVALID_ARGUMENT',
          `the ${model} model needs an org, e.g. ${model}:Regulator`,
        );
      return model === 'centralised' ? `OR('${org}.admin')` : `AND('${org}.admin', MAJORITY Admins)`;
    }
    default:
      throw new ConsortiaError(
        'INVALID_ARGUMENT',
        `unknown governance model ${String(model)}; use decentralised, centralised or hybrid`,
      );
  }
}

export type ConfigChange =
  | { readonly kind: 'add-org'; readonly org: OrgConfig }
  | { readonly kind: 'remove-org'; readonly mspId: string }
  | { readonly kind: 'set-policy'; readonly name: keyof ChannelConfig['policies']; readonly policy: string }
  | { readonly kind: 'set-batch'; readonly batch: Partial<BatchConfig> }
  | { readonly kind: 'set-governance'; readonly model: GovernanceModel; readonly org?: string }
  | { readonly kind: 'set-crl'; readonly mspId: string; readonly crls: readonly string[] }
  | {
      readonly kind: 'set-contract';
      readonly name: string;
      readonly version: string;
      readonly endorsementPolicy: string;
      /**
       * The contract's private data collections; left out, an upgrade keeps the current ones.
       * Settings a collection leaves out take DEFAULT_COLLECTION's values.
       */
      readonly collections?: readonly CollectionInput[];
    };

/** A collection as a `set-contract` change gives it: name and member orgs, the rest optional. */
export type CollectionInput = Pick<CollectionConfig, 'name' | 'memberOrgs'> &
  Partial<Omit<CollectionConfig, 'name' | 'memberOrgs'>>;

/** Fills in a collection's left-out settings and checks it; throws INVALID_CONFIG. */
function toCollection(c: CollectionInput): CollectionConfig {
  const r = CollectionConfigSchema.safeParse({ ...DEFAULT_COLLECTION, ...c });
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ConsortiaError(
      'INVALID_CONFIG',
      `collection ${String(c.name)}: ${issue?.path.join('.') || 'value'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  return r.data;
}

function requireOrg(cfg: ChannelConfig, mspId: string): void {
  if (!cfg.orgs.some((o) => o.mspId === mspId)) {
    throw new ConsortiaError('UNKNOWN_ORG', `org ${mspId} is not a member of channel ${cfg.channel}`, {
      mspId,
    });
  }
}

function checkPolicy(text: string): string {
  parsePolicy(text);
  return text;
}

/**
 * Applies one change to a copy of a channel configuration and returns it with its sequence
 * advanced. One command per change replaces Fabric's fetch / decode / edit / compute-delta
 * steps (configtxlator and jq).
 */
export function applyConfigChange(current: ChannelConfig, change: ConfigChange): ChannelConfig {
  const cfg: ChannelConfig = structuredClone(current);
  switch (change.kind) {
    case 'add-org':
      if ([...cfg.orgs, ...cfg.ordererOrgs].some((o) => o.mspId === change.org.mspId)) {
        throw new ConsortiaError(
          'ORG_EXISTS',
          `org ${change.org.mspId} is already in channel ${cfg.channel}`,
          { mspId: change.org.mspId },
        );
      }
      cfg.orgs.push(structuredClone(change.org));
      break;
    case 'remove-org':
      requireOrg(cfg, change.mspId);
      if (cfg.orgs.length === 1)
        throw new ConsortiaError('INVALID_CONFIG', 'a channel needs at least one member org');
      cfg.orgs = cfg.orgs.filter((o) => o.mspId !== change.mspId);
      break;
    case 'set-policy':
      cfg.policies = { ...cfg.policies, [change.name]: checkPolicy(change.policy) };
      break;
    case 'set-batch':
      cfg.batch = { ...cfg.batch, ...change.batch };
      break;
    case 'set-governance':
      cfg.policies = { ...cfg.policies, Admins: checkPolicy(governancePolicy(change.model, change.org)) };
      if (change.org) requireOrg(cfg, change.org);
      break;
    case 'set-contract': {
      checkPolicy(change.endorsementPolicy);
      const old = cfg.contracts.find((c) => c.name === change.name);
      const collections = change.collections ? change.collections.map(toCollection) : old?.collections;
      const index = old ? cfg.contracts.indexOf(old) : cfg.contracts.length;
      checkCollections(
        change.name,
        index,
        collections ?? [],
        cfg.orgs.map((o) => o.mspId),
      );
      const def = {
        name: change.name,
        version: change.version,
        endorsementPolicy: change.endorsementPolicy,
        sequence: (old?.sequence ?? 0) + 1,
        ...(collections && collections.length > 0 ? { collections } : {}),
      };
      if (
        old &&
        old.version === def.version &&
        old.endorsementPolicy === def.endorsementPolicy &&
        canonicalJson(old.collections ?? []) === canonicalJson(def.collections ?? [])
      ) {
        throw new ConsortiaError(
          'NO_CHANGE',
          `contract ${change.name} is already defined as version ${old.version} with that policy and those collections`,
        );
      }
      cfg.contracts = old
        ? cfg.contracts.map((c) => (c.name === change.name ? def : c))
        : [...cfg.contracts, def];
      break;
    }
    case 'set-crl':
      requireOrg(cfg, change.mspId);
      cfg.orgs = cfg.orgs.map((o) => (o.mspId === change.mspId ? { ...o, crls: [...change.crls] } : o));
      break;
  }
  return { ...cfg, sequence: current.sequence + 1 };
}

type ContractDefinition = ChannelConfig['contracts'][number];

/** What a contract definition says, in words: version, policy and collections with their orgs. */
function contractTerms(c: ContractDefinition): string {
  const collections = (c.collections ?? []).map(
    (k) =>
      `${k.name} (${k.memberOrgs.join(', ')}${k.blockToLive > 0 ? `; blockToLive ${k.blockToLive}` : ''})`,
  );
  return (
    `version ${c.version}, endorsement policy ${c.endorsementPolicy}` +
    (collections.length > 0 ? `, collections ${collections.join(', ')}` : '')
  );
}

/** Each defined, changed or removed contract, in words. */
function describeContractChanges(
  before: readonly ContractDefinition[],
  after: readonly ContractDefinition[],
): string[] {
  const out: string[] = [];
  for (const c of after) {
    const old = before.find((b) => b.name === c.name);
    if (!old) out.push(`define contract ${c.name}: ${contractTerms(c)}`);
    else if (canonicalJson(old) !== canonicalJson(c))
      out.push(`change contract ${c.name} from ${contractTerms(old)} to ${contractTerms(c)}`);
  }
  for (const b of before) if (!after.some((c) => c.name === b.name)) out.push(`remove contract ${b.name}`);
  return out;
}

/** A short human-readable list of what differs between two configurations. */
export function describeConfigDiff(before: ChannelConfig, after: ChannelConfig): string[] {
  const out: string[] = [];
  const ids = (c: ChannelConfig) => c.orgs.map((o) => o.mspId);
  for (const id of ids(after)) if (!ids(before).includes(id)) out.push(`add org ${id}`);
  for (const id of ids(before)) if (!ids(after).includes(id)) out.push(`remove org ${id}`);
  for (const o of after.orgs) {
    const b = before.orgs.find((x) => x.mspId === o.mspId);
    if (b && canonicalJson(b) !== canonicalJson(o)) {
      out.push(
        canonicalJson(b.crls ?? []) !== canonicalJson(o.crls ?? [])
          ? `update CRLs of ${o.mspId}`
          : `update org ${o.mspId}`,
      );
    }
  }
  for (const [k, v] of Object.entries(after.policies)) {
    const old = before.policies[k as keyof ChannelConfig['policies']];
    if (old !== v) out.push(`policy ${k}: ${old} -> ${v}`);
  }
  if (canonicalJson(before.batch) !== canonicalJson(after.batch))
    out.push(`batch: ${canonicalJson(before.batch)} -> ${canonicalJson(after.batch)}`);
  out.push(...describeContractChanges(before.contracts, after.contracts));
  if (canonicalJson(before.ordererOrgs) !== canonicalJson(after.ordererOrgs))
    out.push('ordering orgs changed');
  return out;
}
