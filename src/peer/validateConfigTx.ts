import { ConsortiaError, canonicalJson } from '../common/index.js';
import { verifyBytes } from '../crypto/index.js';
import type { ValidatedIdentity } from '../identity/index.js';
import type { Policy } from '../policy/index.js';
import { parsePolicy } from '../policy/index.js';
import {
  type ChannelConfig,
  configSigningBytes,
  decodeChannelConfig,
  decodeConfigHeader,
  type ParsedConfigTx,
} from '../protocol/index.js';
import { type ChannelContext, toPolicySigner } from './channelContext.js';

/**
 * The policy a config update must satisfy. A change confined to one org's own definition (for
 * example a new CRL after a revocation, or rotated root certificates) needs that org's admin, or
 * the channel's Admins policy; anything else needs the channel's Admins policy.
 */
export function requiredConfigPolicy(
  current: ChannelConfig,
  next: ChannelConfig,
  ctx: ChannelContext,
): { policy: Policy; text: string; alternative?: Policy } {
  const strip = (c: ChannelConfig, skipOrg?: string) =>
    canonicalJson({
      ...c,
      sequence: 0,
      orgs: c.orgs.map((o) => (o.mspId === skipOrg ? { mspId: o.mspId } : o)),
    });
  const changedOrgs = current.orgs
    .filter((o) => {
      const n = next.orgs.find((x) => x.mspId === o.mspId);
      return n !== undefined && canonicalJson(n) !== canonicalJson(o);
    })
    .map((o) => o.mspId);
  const sameOrgSet =
    canonicalJson(current.orgs.map((o) => o.mspId)) === canonicalJson(next.orgs.map((o) => o.mspId));
  if (sameOrgSet && changedOrgs.length === 1) {
    const org = changedOrgs[0]!;
    if (strip(current, org) === strip(next, org)) {
      return {
        policy: parsePolicy(`OR('${org}.admin')`),
        text: `'${org}.admin' or ${current.policies.Admins}`,
        alternative: ctx.policy('Admins'),
      };
    }
  }
  const withoutContracts = (c: ChannelConfig) => canonicalJson({ ...c, sequence: 0, contracts: [] });
  if (withoutContracts(current) === withoutContracts(next)) {
    return { policy: ctx.policy('LifecycleEndorsement'), text: current.policies.LifecycleEndorsement };
  }
  return { policy: ctx.policy('Admins'), text: current.policies.Admins };
}

/**
 * Contract definitions move forward one step at a time: a new contract starts at sequence 1,
 * a changed definition (new version, policy or collections) takes the next sequence, and an
 * unchanged one keeps its own.
 */
export function checkContractSequences(current: ChannelConfig, next: ChannelConfig): void {
  for (const def of next.contracts) {
    const old = current.contracts.find((c) => c.name === def.name);
    const expected = !old
      ? 1
      : canonicalJson({ ...old, sequence: 0 }) === canonicalJson({ ...def, sequence: 0 })
        ? old.sequence
        : old.sequence + 1;
    if (def.sequence !== expected) {
      throw new ConsortiaError(
        'INVALID_CONFIG',
        `contract ${def.name} must have definition sequence ${expected}, not ${def.sequence}`,
        {
          contract: def.name,
          expected,
        },
      );
    }
  }
}

/**
 * Validates a config transaction against the current channel context and returns the context
 * of the new configuration. Throws INVALID_CONFIG (or a creator/signature error) saying why.
 */
export async function validateConfigTx(
  tx: ParsedConfigTx,
  ctx: ChannelContext,
  at: Date,
): Promise<ChannelContext> {
  const creator: ValidatedIdentity = ctx.resolveIdentity(tx.creatorBytes, at, 'admin');
  if (!verifyBytes(creator.publicKey, tx.payloadBytes, tx.signature)) {
    throw new ConsortiaError('BAD_SIGNATURE', 'the config transaction envelope signature is invalid');
  }
  const header = decodeConfigHeader(tx.config.header);
  const next = decodeChannelConfig(tx.config.config);
  if (header.channel !== ctx.channel || next.channel !== ctx.channel) {
    throw new ConsortiaError(
      'INVALID_CONFIG',
      `the config update is for channel ${next.channel}, not ${ctx.channel}`,
    );
  }
  if (Number(header.sequence) !== ctx.sequence + 1 || next.sequence !== ctx.sequence + 1) {
    throw new ConsortiaError(
      'INVALID_CONFIG',
      `the config update must have sequence ${ctx.sequence + 1} (it has ${next.sequence}); fetch the latest config and retry`,
      {
        expected: ctx.sequence + 1,
        got: next.sequence,
      },
    );
  }
  checkContractSequences(ctx.config, next);
  const signed = configSigningBytes(tx.config);
  const signers = [];
  for (const s of tx.config.signatures) {
    let id: ValidatedIdentity;
    try {
      id = ctx.resolveIdentity(s.signer, at);
    } catch {
      continue;
    }
    if (verifyBytes(id.publicKey, signed, s.signature)) signers.push(toPolicySigner(id));
  }
  const required = requiredConfigPolicy(ctx.config, next, ctx);
  const ok =
    ctx.satisfies(required.policy, signers) ||
    (required.alternative !== undefined && ctx.satisfies(required.alternative, signers));
  if (!ok) {
    throw new ConsortiaError(
      'INVALID_CONFIG',
      `the config update is not signed as required: ${required.text} (${ctx.explain(required.policy, signers)})`,
      {
        required: required.text,
        signedBy: signers.map((s) => `${s.mspId}.${s.role}`),
      },
    );
  }
  return ctx.withConfig(next);
}
