import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signatureChecker } from './compilePolicy.js';
import {
  evaluatePolicy,
  explainPolicy,
  formatPolicy,
  type ImplicitMetaRule,
  type ImplicitMetaSubPolicy,
  META_SUB_POLICIES,
  minimalSignerSets,
  type Policy,
  type PolicyNode,
  type PolicySigner,
  PRINCIPAL_ROLES,
  type Principal,
  type PrincipalRole,
  type SignerRole,
} from './index.js';

/** Fixed so that the property tests are deterministic. */
const SEED = 20_251_123;

const NO_CTX = { orgs: [] };
const SIGNER_ROLES: readonly SignerRole[] = ['admin', 'peer', 'client', 'orderer'];

function signature(root: PolicyNode): Policy {
  return { kind: 'signature', root, text: formatPolicy(root) };
}

function accepts(role: PrincipalRole, signerRole: SignerRole): boolean {
  return role === 'member' || role === signerRole;
}

const POOL = ['A', 'B', 'C'];

const principalArb = (orgs: readonly string[]) =>
  fc
    .record({ mspId: fc.constantFrom(...orgs), role: fc.constantFrom(...PRINCIPAL_ROLES) })
    .map((principal): PolicyNode => ({ kind: 'principal', principal }));

const metaTermArb = fc
  .record({
    rule: fc.constantFrom<ImplicitMetaRule>('ANY', 'MAJORITY', 'ALL'),
    subPolicy: fc.constantFrom(...META_SUB_POLICIES),
  })
  .map((m): PolicyNode => ({ kind: 'meta', ...m }));

/**
 * Small policies over few orgs, so principals share orgs and compete for signers. Meta terms (over
 * the channel orgs, a subset of the same pool) appear inside calls, never as the root.
 */
const sharedNodeArb: fc.Arbitrary<PolicyNode> = fc.letrec<{
  root: PolicyNode;
  node: PolicyNode;
  outOf: PolicyNode;
}>((tie) => ({
  root: fc.oneof({ maxDepth: 3, depthIdentifier: 'eval' }, principalArb(POOL), tie('outOf')),
  node: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'eval' },
    { arbitrary: principalArb(POOL), weight: 3 },
    { arbitrary: metaTermArb, weight: 1 },
    { arbitrary: tie('outOf'), weight: 2 },
  ),
  outOf: fc
    .array(tie('node'), { minLength: 1, maxLength: 3, depthIdentifier: 'eval' })
    .chain((rules) =>
      fc.integer({ min: 1, max: rules.length }).map((n): PolicyNode => ({ kind: 'outOf', n, rules })),
    ),
})).root;

const metaArb: fc.Arbitrary<Policy> = fc
  .record({
    rule: fc.constantFrom('ANY' as const, 'MAJORITY' as const, 'ALL' as const),
    subPolicy: fc.constantFrom(...META_SUB_POLICIES),
  })
  .map((m): Policy => ({ kind: 'implicitMeta', ...m, text: `${m.rule} ${m.subPolicy}` }));

const anyPolicyArb = fc.oneof(sharedNodeArb.map(signature), metaArb);

const signerArb = fc.record({ mspId: fc.constantFrom(...POOL, 'Z'), role: fc.constantFrom(...SIGNER_ROLES) });
const signersArb = fc
  .array(signerArb, { maxLength: 6 })
  .map((list) => list.map((x, i): PolicySigner => ({ id: `s${i}`, ...x })));
const ctxArb = fc.subarray(POOL).map((orgs) => ({ orgs }));

/** The role a meta sub-policy asks of each org, written out independently of the code under test. */
const META_ROLE_OF: Readonly<Record<ImplicitMetaSubPolicy, PrincipalRole>> = {
  Admins: 'admin',
  Endorsement: 'peer',
  Peers: 'peer',
  Clients: 'client',
  Orderers: 'orderer',
  Readers: 'member',
  Writers: 'member',
  Members: 'member',
};

function threshold(rule: ImplicitMetaRule, total: number): number {
  if (rule === 'ANY') return 1;
  return rule === 'ALL' ? total : Math.floor(total / 2) + 1;
}

/** Principals of a node: the places a signer must fill on its own (meta terms take no signer). */
function countPrincipals(node: PolicyNode): number {
  if (node.kind === 'principal') return 1;
  if (node.kind === 'meta') return 0;
  return node.rules.reduce((sum, r) => sum + countPrincipals(r), 0);
}

function collectPrincipals(node: PolicyNode): Principal[] {
  if (node.kind === 'principal') return [node.principal];
  return node.kind === 'outOf' ? node.rules.flatMap(collectPrincipals) : [];
}

function hasMeta(node: PolicyNode): boolean {
  return node.kind === 'meta' || (node.kind === 'outOf' && node.rules.some(hasMeta));
}

/**
 * A meta condition, as a whole-text meta-policy: at least its threshold of the distinct channel
 * orgs have some signer of its role, whatever else those signers do; never with no orgs.
 */
function metaModel(
  rule: ImplicitMetaRule,
  subPolicy: ImplicitMetaSubPolicy,
  signers: readonly PolicySigner[],
  channelOrgs: readonly string[],
): boolean {
  const orgs = [...new Set(channelOrgs)];
  const role = META_ROLE_OF[subPolicy];
  const have = orgs.filter((o) => signers.some((sg) => sg.mspId === o && accepts(role, sg.role))).length;
  return orgs.length > 0 && have >= threshold(rule, orgs.length);
}

/** Evaluation that lets one signer serve every principal: an upper bound on the real result. */
function relaxedHolds(
  node: PolicyNode,
  signers: readonly PolicySigner[],
  channelOrgs: readonly string[],
): boolean {
  if (node.kind === 'principal') {
    const { mspId, role } = node.principal;
    return signers.some((sg) => sg.mspId === mspId && accepts(role, sg.role));
  }
  if (node.kind === 'meta') return metaModel(node.rule, node.subPolicy, signers, channelOrgs);
  return node.rules.filter((r) => relaxedHolds(r, signers, channelOrgs)).length >= node.n;
}

/**
 * Brute force: try every injective assignment of signers to principals; a principal holds when it
 * has a signer. Each meta term is an independent condition over all the signers (`metaModel`), so
 * a signer assigned to a principal still counts toward it. `metaSigners` (all the signers unless
 * given) are the ones the meta terms see.
 */
function bruteForce(
  root: PolicyNode,
  signers: readonly PolicySigner[],
  channelOrgs: readonly string[] = [],
  metaSigners: readonly PolicySigner[] = signers,
): boolean {
  const slots: Array<{ owner: PolicyNode; mspId: string; role: PrincipalRole }> = [];
  const collect = (n: PolicyNode): void => {
    if (n.kind === 'principal') slots.push({ owner: n, ...n.principal });
    else if (n.kind === 'outOf') for (const r of n.rules) collect(r);
  };
  collect(root);
  const filled = new Map<PolicyNode, number>();
  const holds = (n: PolicyNode): boolean => {
    if (n.kind === 'principal') return (filled.get(n) ?? 0) > 0;
    if (n.kind === 'meta') return metaModel(n.rule, n.subPolicy, metaSigners, channelOrgs);
    return n.rules.filter(holds).length >= n.n;
  };
  const used = new Set<number>();
  const go = (i: number): boolean => {
    if (i === slots.length) return holds(root);
    if (go(i + 1)) return true;
    const slot = slots[i] as (typeof slots)[number];
    for (let j = 0; j < signers.length; j++) {
      const sg = signers[j] as PolicySigner;
      if (used.has(j) || sg.mspId !== slot.mspId || !accepts(slot.role, sg.role)) continue;
      used.add(j);
      filled.set(slot.owner, (filled.get(slot.owner) ?? 0) + 1);
      const ok = go(i + 1);
      filled.set(slot.owner, (filled.get(slot.owner) ?? 0) - 1);
      used.delete(j);
      if (ok) return true;
    }
    return false;
  };
  return go(0);
}

describe('evaluatePolicy properties', () => {
  it('is monotone: adding a signer never turns true into false', () => {
    fc.assert(
      fc.property(anyPolicyArb, signersArb, signerArb, ctxArb, (policy, signers, extra, ctx) => {
        const before = evaluatePolicy(policy, signers, ctx);
        const after = evaluatePolicy(policy, [...signers, { id: 'extra', ...extra }], ctx);
        expect(!before || after).toBe(true);
      }),
      { numRuns: 1000, seed: SEED },
    );
  });

  it('counts duplicated signers once', () => {
    fc.assert(
      fc.property(anyPolicyArb, signersArb, ctxArb, fc.array(fc.nat()), (policy, signers, ctx, picks) => {
        const dups =
          signers.length === 0 ? [] : picks.map((k) => signers[k % signers.length] as PolicySigner);
        const mixed = [...signers, ...dups].reverse();
        expect(evaluatePolicy(policy, mixed, ctx)).toBe(evaluatePolicy(policy, signers, ctx));
      }),
      { numRuns: 1000, seed: SEED },
    );
  });

  it('equals a brute-force count over distinct-org principals', () => {
    const orgs = ['O1', 'O2', 'O3', 'O4', 'O5', 'O6'];
    const arb = fc.shuffledSubarray(orgs, { minLength: 1 }).chain((chosen) =>
      fc.tuple(
        fc.array(fc.constantFrom(...PRINCIPAL_ROLES), {
          minLength: chosen.length,
          maxLength: chosen.length,
        }),
        fc.integer({ min: 1, max: chosen.length }),
        fc.constant(chosen),
      ),
    );
    const signerArb6 = fc
      .array(fc.record({ mspId: fc.constantFrom(...orgs), role: fc.constantFrom(...SIGNER_ROLES) }), {
        maxLength: 8,
      })
      .map((list) => list.map((x, i): PolicySigner => ({ id: `s${i}`, ...x })));
    fc.assert(
      fc.property(arb, signerArb6, ([roles, n, chosen], signers) => {
        const rules = chosen.map(
          (mspId, i): PolicyNode => ({
            kind: 'principal',
            principal: { mspId, role: roles[i] as PrincipalRole },
          }),
        );
        const policy = signature({ kind: 'outOf', n, rules });
        const count = rules.filter(
          (r) =>
            r.kind === 'principal' &&
            signers.some((sg) => sg.mspId === r.principal.mspId && accepts(r.principal.role, sg.role)),
        ).length;
        expect(evaluatePolicy(policy, signers, NO_CTX)).toBe(count >= n);
        expect(explainPolicy(policy, signers, NO_CTX).satisfied).toBe(count >= n);
      }),
      { numRuns: 1000, seed: SEED },
    );
  });

  it('equals a brute-force assignment search when principals and meta terms share orgs', () => {
    const backtrackingOnly = { witnessSteps: 1e9, searchSteps: 0 };
    const minimalDemandOnly = { witnessSteps: 0, searchSteps: 1e9 };
    const seen = { metaSatisfied: 0, metaCompeting: 0 };
    fc.assert(
      fc.property(
        ctxArb.chain((ctx) =>
          fc.tuple(
            sharedNodeArb.filter((n) => countPrincipals(n) <= 8),
            fc.constant(ctx),
          ),
        ),
        signersArb,
        ([root, ctx], signers) => {
          const expected = bruteForce(root, signers, ctx.orgs);
          const label = expected ? 'satisfied' : 'unsatisfied';
          if (hasMeta(root) && expected) seen.metaSatisfied++;
          if (hasMeta(root) && !expected && relaxedHolds(root, signers, ctx.orgs)) seen.metaCompeting++;
          expect(evaluatePolicy(signature(root), signers, ctx)).toBe(expected);
          expect(signatureChecker(root, backtrackingOnly)(signers, ctx)).toBe(label);
          expect(signatureChecker(root, minimalDemandOnly)(signers, ctx)).toBe(label);
        },
      ),
      { numRuns: 5000, seed: SEED },
    );
    // The generator produced satisfied policies with meta terms, and ones with meta terms that
    // fail only because principals need distinct signers (every term is met on its own).
    expect(seen.metaSatisfied).toBeGreaterThan(100);
    expect(seen.metaCompeting).toBeGreaterThan(0);
  });

  it('equals a brute-force assignment search for hybrid governance policies', () => {
    // Principals and meta terms over admins and members, where principals often compete for one
    // signer and a meta term often needs a signer that also meets a principal.
    const hybridArb = fc
      .tuple(
        fc.array(
          fc.oneof(
            {
              arbitrary: fc
                .record({
                  mspId: fc.constantFrom(...POOL),
                  role: fc.constantFrom<PrincipalRole>('admin', 'member'),
                })
                .map((principal): PolicyNode => ({ kind: 'principal', principal })),
              weight: 2,
            },
            {
              arbitrary: fc
                .record({
                  rule: fc.constantFrom<ImplicitMetaRule>('ANY', 'MAJORITY', 'ALL'),
                  subPolicy: fc.constantFrom<ImplicitMetaSubPolicy>('Admins', 'Members'),
                })
                .map((m): PolicyNode => ({ kind: 'meta', ...m })),
              weight: 1,
            },
          ),
          { minLength: 1, maxLength: 4 },
        ),
        fc.nat(),
      )
      .map(([rules, k]): PolicyNode => ({ kind: 'outOf', n: 1 + (k % rules.length), rules }));
    const adminSigners = fc
      .array(
        fc.record({
          mspId: fc.constantFrom(...POOL),
          role: fc.constantFrom<SignerRole>('admin', 'admin', 'peer'),
        }),
        {
          maxLength: 5,
        },
      )
      .map((list) => list.map((x, i): PolicySigner => ({ id: `s${i}`, ...x })));
    const ctx3 = fc.subarray(POOL, { minLength: 1 }).map((orgs) => ({ orgs }));
    let competing = 0;
    let sharing = 0;
    fc.assert(
      fc.property(
        ctx3.chain((ctx) =>
          fc.tuple(
            fc.constant(ctx),
            hybridArb.filter((n) => countPrincipals(n) <= 8),
          ),
        ),
        adminSigners,
        ([ctx, root], signers) => {
          const expected = bruteForce(root, signers, ctx.orgs);
          if (!expected && relaxedHolds(root, signers, ctx.orgs)) competing++;
          // Met only because meta terms also count signers that could meet a principal.
          const principals = collectPrincipals(root);
          const others = signers.filter(
            (sg) => !principals.some((p) => p.mspId === sg.mspId && accepts(p.role, sg.role)),
          );
          if (expected && !bruteForce(root, signers, ctx.orgs, others)) sharing++;
          expect(evaluatePolicy(signature(root), signers, ctx)).toBe(expected);
          expect(explainPolicy(signature(root), signers, ctx).satisfied).toBe(expected);
        },
      ),
      { numRuns: 3000, seed: SEED },
    );
    expect(competing).toBeGreaterThan(50);
    expect(sharing).toBeGreaterThan(50);
  });

  it('judges a meta term inside a policy as the whole-text meta-policy, independently of the rest', () => {
    let metaHeld = 0;
    fc.assert(
      fc.property(sharedNodeArb, metaTermArb, signersArb, ctxArb, (root, term, signers, ctx) => {
        if (term.kind !== 'meta') throw new Error('expected a meta term');
        const whole: Policy = {
          kind: 'implicitMeta',
          rule: term.rule,
          subPolicy: term.subPolicy,
          text: `${term.rule} ${term.subPolicy}`,
        };
        const rest = evaluatePolicy(signature(root), signers, ctx);
        const alone = evaluatePolicy(whole, signers, ctx);
        if (alone) metaHeld++;
        const and = signature({ kind: 'outOf', n: 2, rules: [root, term] });
        const or = signature({ kind: 'outOf', n: 1, rules: [term, root] });
        expect(evaluatePolicy(and, signers, ctx)).toBe(rest && alone);
        expect(evaluatePolicy(or, signers, ctx)).toBe(rest || alone);
        expect(evaluatePolicy(signature({ kind: 'outOf', n: 1, rules: [term] }), signers, ctx)).toBe(alone);
      }),
      { numRuns: 1000, seed: SEED },
    );
    expect(metaHeld).toBeGreaterThan(100);
  });

  it('minimal signer sets satisfy the policy and are minimal', () => {
    fc.assert(
      fc.property(sharedNodeArb.map(signature), fc.subarray(POOL), ctxArb, (policy, orgs, ctx) => {
        const available = orgs.flatMap((mspId) => SIGNER_ROLES.map((role) => ({ mspId, role })));
        const sets = minimalSignerSets(policy, available, 100, ctx);
        const signersOf = (set: readonly string[]) =>
          available.filter((a) => set.includes(a.mspId)).map((a, i) => ({ id: `${a.mspId}-${i}`, ...a }));
        for (let i = 0; i < sets.length; i++) {
          const set = sets[i] as string[];
          expect(evaluatePolicy(policy, signersOf(set), ctx)).toBe(true);
          for (const org of set) {
            expect(evaluatePolicy(policy, signersOf(set.filter((o) => o !== org)), ctx)).toBe(false);
          }
          if (i > 0) expect(set.length).toBeGreaterThanOrEqual((sets[i - 1] as string[]).length);
        }
        expect(sets.length > 0).toBe(evaluatePolicy(policy, signersOf(orgs), ctx));
      }),
      { numRuns: 300, seed: SEED },
    );
  });
});
