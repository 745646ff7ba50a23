/** The role part of a principal such as `'TelcoA.peer'`. `member` is satisfied by any role of the org. */
export type PrincipalRole = 'member' | 'admin' | 'peer' | 'client' | 'orderer';

/** One principal of a signature policy: an org (MSP id) and the role its signer must have. */
export interface Principal {
  readonly mspId: string;
  readonly role: PrincipalRole;
}

/**
 * A node of a signature policy. `AND(a, b)` is `outOf(2, [a, b])` and `OR(a, b)` is
 * `outOf(1, [a, b])`, as in Fabric's `NOutOf`. A `meta` node is a meta term such as
 * `MAJORITY Admins` used inside `AND` / `OR` / `OutOf`. A meta term is never the root of a
 * signature policy: a policy that is only a meta term is an `implicitMeta` policy.
 *
 * A meta term is a condition on the channel's orgs (`ctx.orgs`), judged over all the signers
 * exactly as the whole-text implicit meta-policy is (Fabric evaluates sub-policies independently):
 * a signer that meets a principal also counts toward a meta term, and a meta term counts orgs, not
 * signers. Among the principals each signer counts once: a signer meets at most one principal.
 */
export type PolicyNode =
  | { readonly kind: 'principal'; readonly principal: Principal }
  | { readonly kind: 'outOf'; readonly n: number; readonly rules: readonly PolicyNode[] }
  | { readonly kind: 'meta'; readonly rule: ImplicitMetaRule; readonly subPolicy: ImplicitMetaSubPolicy };

/** The rule of an implicit meta-policy such as `MAJORITY Admins`. */
export type ImplicitMetaRule = 'ANY' | 'MAJORITY' | 'ALL';

/** The sub-policy an implicit meta-policy asks of each channel org. */
export type ImplicitMetaSubPolicy =
  | 'Readers'
  | 'Writers'
  | 'Admins'
  | 'Endorsement'
  | 'Members'
  | 'Peers'
  | 'Clients'
  | 'Orderers';

/**
 * A parsed policy. `text` is the canonical form, as `formatPolicy` prints it, so that
 * `parsePolicy(formatPolicy(p))` equals `p`.
 */
export type Policy =
  | { readonly kind: 'signature'; readonly root: PolicyNode; readonly text: string }
  | {
      readonly kind: 'implicitMeta';
      readonly rule: ImplicitMetaRule;
      readonly subPolicy: ImplicitMetaSubPolicy;
      readonly text: string;
    };

/** The role of a verified signer. */
export type SignerRole = 'admin' | 'peer' | 'orderer' | 'client';

/** A verified signer, as the peer hands it over after checking signature and MSP membership. */
export interface PolicySigner {
  /** Unique per identity (for example the certificate fingerprint). A signer counts once. */
  readonly id: string;
  readonly mspId: string;
  readonly role: SignerRole;
}

/** What evaluation needs from the channel. */
export interface EvaluationContext {
  /** The channel's member orgs (MSP ids), used by implicit meta-policies and meta terms. */
  readonly orgs: readonly string[];
}

/** A compiled policy: fast repeated evaluation of one policy. */
export type CompiledPolicy = (signers: readonly PolicySigner[], ctx: EvaluationContext) => boolean;

/** The result of `explainPolicy`. `missing` is empty when the policy is satisfied. */
export interface PolicyExplanation {
  readonly satisfied: boolean;
  readonly missing: string;
}

/** A set of orgs (MSP ids) whose signers together satisfy a policy. */
export type PrincipalSet = string[];

/** The roles a principal may name, in the order error messages list them. */
export const PRINCIPAL_ROLES: readonly PrincipalRole[] = ['member', 'admin', 'peer', 'client', 'orderer'];

/** The sub-policies an implicit meta-policy may name. */
export const META_SUB_POLICIES: readonly ImplicitMetaSubPolicy[] = [
  'Readers',
  'Writers',
  'Admins',
  'Endorsement',
  'Members',
  'Peers',
  'Clients',
  'Orderers',
];
