import { bytesEqual, ConsortiaError, fromBase64 } from '../common/index.js';
import { sha256, verifyBytes } from '../crypto/index.js';
import { Msp, MspManager, type Role, type ValidatedIdentity } from '../identity/index.js';
import {
  evaluatePolicy,
  explainPolicy,
  type Policy,
  type PolicySigner,
  parsePolicy,
} from '../policy/index.js';
import {
  blockSigningBytes,
  type ChannelConfig,
  type ContractDefinition,
  decodeIdentity,
  type ParsedBlock,
} from '../protocol/index.js';

export type ChannelPolicyName = keyof ChannelConfig['policies'];

/**
 * Looks up a certificate that a committed block of the channel carried in full, by its
 * SHA-256 (usually the node's ledger). It must only know blocks already committed: validation
 * of block n then sees exactly the certificates of blocks before n on every node.
 */
export type CertificateSource = (hash: Uint8Array) => Uint8Array | undefined;

/** An identity named by a hash no committed block has carried (yet): never memoised. */
class UnknownCertificateHash extends ConsortiaError {}

export interface ContractEntry {
  readonly definition: ContractDefinition;
  readonly policy: Policy;
}

/**
 * Everything a node derives from one version of a channel's configuration: the member MSPs, the
 * parsed channel policies and the contract definitions. Immutable; a config update builds a new
 * one. Identity checks are cached per certificate inside the MSPs.
 */
export class ChannelContext {
  readonly config: ChannelConfig;
  readonly appOrgs: readonly string[];
  readonly ordererOrgs: readonly string[];
  readonly #msps: MspManager;
  readonly #policies: ReadonlyMap<ChannelPolicyName, Policy>;
  readonly #contracts: ReadonlyMap<string, ContractEntry>;
  readonly #identityCache = new Map<string, { mspId: string; cert: Uint8Array }>();
  /**
   * MSP decisions at one point in time (a block's timestamp), per identity and role. A block's
   * transactions are checked at the block time, so its creators and endorsers are decided once
   * per block; the memo starts over at another time. CRLs only change with a config
   * transaction, which builds a new context.
   */
  #decisionsAt = Number.NaN;
  readonly #decisions = new Map<string, ValidatedIdentity | { readonly error: unknown }>();
  #certificates: CertificateSource | undefined;

  private constructor(config: ChannelConfig, msps: MspManager) {
    this.config = config;
    this.appOrgs = config.orgs.map((o) => o.mspId);
    this.ordererOrgs = config.ordererOrgs.map((o) => o.mspId);
    this.#msps = msps;
    const policies = new Map<ChannelPolicyName, Policy>();
    for (const [name, text] of Object.entries(config.policies) as [ChannelPolicyName, string][]) {
      policies.set(name, parseConfigPolicy(text, `policies.${name}`));
    }
    this.#policies = policies;
    this.#contracts = new Map(
      config.contracts.map((c) => [
        c.name,
        { definition: c, policy: parseConfigPolicy(c.endorsementPolicy, `contract ${c.name}`) },
      ]),
    );
  }

  /** Builds the context of a configuration; throws INVALID_CONFIG when an MSP or policy is bad. */
  static async fromConfig(config: ChannelConfig): Promise<ChannelContext> {
    const msps: Msp[] = [];
    for (const org of [...config.orgs, ...config.ordererOrgs]) {
      try {
        msps.push(
          await Msp.create({
            mspId: org.mspId,
            rootCerts: org.rootCerts,
            ...(org.intermediateCerts ? { intermediateCerts: org.intermediateCerts } : {}),
            crls: (org.crls ?? []).map((c) => fromBase64(c)),
          }),
        );
      } catch (err) {
        throw new ConsortiaError(
          'INVALID_CONFIG',
          `org ${org.mspId}: ${(err as Error).message}`,
          { mspId: org.mspId },
          { cause: err },
        );
      }
    }
    return new ChannelContext(config, new MspManager({ msps }));
  }

  get channel(): string {
    return this.config.channel;
  }

  /**
   * Lets identities that name their certificate by hash resolve through `source` (see
   * {@link CertificateSource}). Contexts built from this one by {@link withConfig} keep it.
   */
  useCertificates(source: CertificateSource): this {
    this.#certificates = source;
    return this;
  }

  /** The context of the next configuration of the channel, with the same certificate source. */
  async withConfig(config: ChannelConfig): Promise<ChannelContext> {
    const next = await ChannelContext.fromConfig(config);
    if (this.#certificates) next.useCertificates(this.#certificates);
    return next;
  }

  get sequence(): number {
    return this.config.sequence;
  }

  policy(name: ChannelPolicyName): Policy {
    return this.#policies.get(name)!;
  }

  contract(name: string): ContractEntry | undefined {
    return this.#contracts.get(name);
  }

  contracts(): ContractEntry[] {
    return [...this.#contracts.values()];
  }

  /**
   * Resolves identity bytes (as carried in messages) to a validated member of this channel.
   * Throws BAD_CREATOR-class errors (UNKNOWN_MSP, CERT_*) when it is not one. `at` is the time
   * to check validity at: the block time when validating, so every peer decides alike.
   */
  resolveIdentity(identityBytes: Uint8Array, at: Date, role?: Role | 'member'): ValidatedIdentity {
    const key = Buffer.from(
      identityBytes.buffer,
      identityBytes.byteOffset,
      identityBytes.byteLength,
    ).toString('latin1');
    const time = at.getTime();
    if (time !== this.#decisionsAt || this.#decisions.size >= 10_000) {
      this.#decisions.clear();
      this.#decisionsAt = time;
    }
    const decisionKey = `${role ?? ''}|${key}`;
    const known = this.#decisions.get(decisionKey);
    if (known !== undefined) {
      if ('error' in known) throw known.error;
      return known;
    }
    try {
      const id = this.#decide(key, identityBytes, at, role);
      this.#decisions.set(decisionKey, id);
      return id;
    } catch (error) {
      // A hash not known yet may be known once the block before commits: decide it again then.
      if (!(error instanceof UnknownCertificateHash)) this.#decisions.set(decisionKey, { error });
      throw error;
    }
  }

  #decide(
    key: string,
    identityBytes: Uint8Array,
    at: Date,
    role: Role | 'member' | undefined,
  ): ValidatedIdentity {
    let id = this.#identityCache.get(key);
    if (!id) {
      const decoded = decodeIdentity(identityBytes);
      let cert = decoded.cert;
      if (cert.byteLength === 0) {
        const found = this.#certificates?.(decoded.certHash);
        if (found === undefined || !bytesEqual(sha256(found), decoded.certHash)) {
          throw new UnknownCertificateHash(
            'UNKNOWN_IDENTITY',
            `no committed block of channel ${this.channel} carries the certificate this ${decoded.mspId} identity names by hash; send the full certificate`,
            { mspId: decoded.mspId },
          );
        }
        cert = found;
      }
      id = { mspId: decoded.mspId, cert };
      if (this.#identityCache.size > 50_000) this.#identityCache.clear();
      this.#identityCache.set(key, id);
    }
    if (!this.#msps.has(id.mspId)) {
      throw new ConsortiaError('UNKNOWN_MSP', `org ${id.mspId} is not a member of channel ${this.channel}`, {
        mspId: id.mspId,
        channel: this.channel,
      });
    }
    return this.#msps.validate(id.mspId, id.cert, role === undefined ? { at } : { at, role });
  }

  /** Evaluates a policy over verified signers, with this channel's orgs for meta policies. */
  satisfies(policy: Policy, signers: readonly PolicySigner[]): boolean {
    return evaluatePolicy(policy, signers, { orgs: this.appOrgs });
  }

  explain(policy: Policy, signers: readonly PolicySigner[]): string {
    return explainPolicy(policy, signers, { orgs: this.appOrgs }).missing;
  }

  /**
   * Checks a block's orderer signatures: each must be by a valid orderer of an ordering org of
   * this channel, over the header bytes; distinct ordering orgs must reach signaturesRequired.
   */
  verifyBlockSignatures(block: ParsedBlock): void {
    const at = new Date(block.timestamp);
    const orgs = new Set<string>();
    for (const sig of block.signatures) {
      let signer: ValidatedIdentity;
      try {
        signer = this.resolveIdentity(sig.signer, at, 'orderer');
      } catch {
        continue;
      }
      if (!this.ordererOrgs.includes(signer.mspId)) continue;
      if (verifyBytes(signer.publicKey, blockSigningBytes(block.headerBytes, sig.signer), sig.signature)) {
        orgs.add(signer.mspId);
      }
    }
    if (orgs.size < this.config.ordering.signaturesRequired) {
      throw new ConsortiaError(
        'BLOCK_REJECTED',
        `block ${block.number} carries valid signatures of ${orgs.size} ordering org(s); ${this.config.ordering.signaturesRequired} required`,
        { block: block.number, signedBy: [...orgs] },
      );
    }
  }
}

function parseConfigPolicy(text: string, where: string): Policy {
  try {
    return parsePolicy(text);
  } catch (err) {
    throw new ConsortiaError(
      'INVALID_CONFIG',
      `${where}: ${(err as Error).message}`,
      { where },
      { cause: err },
    );
  }
}

/** Turns a validated identity into the signer a policy evaluates. */
export function toPolicySigner(id: ValidatedIdentity): PolicySigner {
  return { id: id.id, mspId: id.mspId, role: id.role };
}
