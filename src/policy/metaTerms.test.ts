import { describe, expect, it } from 'vitest';
import { ConsortiaError } from '../common/index.js';
import { signatureChecker } from './compilePolicy.js';
import {
  compilePolicy,
  evaluatePolicy,
  explainPolicy,
  formatPolicy,
  minimalSignerSets,
  type Policy,
  type PolicyNode,
  type PolicySigner,
  parsePolicy,
  policyOrgs,
  type SignerRole,
  validatePolicy,
} from './index.js';

const HYBRID = parsePolicy(`AND('Regulator.admin', MAJORITY Admins)`);
const CHANNEL = { orgs: ['Regulator', 'A', 'B', 'C'] };
const BACKTRACKING_ONLY = { witnessSteps: 1e9, searchSteps: 0 };
const MINIMAL_DEMAND_ONLY = { witnessSteps: 0, searchSteps: 1e9 };

function s(id: string, mspId: string, role: SignerRole = 'admin'): PolicySigner {
  return { id, mspId, role };
}

function rootOf(policy: Policy): PolicyNode {
  if (policy.kind !== 'signature') throw new Error('expected a signature policy');
  return policy.root;
}

/** Evaluates with the default checker and with each exact-search stage on its own. */
function allStages(policy: Policy, signers: readonly PolicySigner[], orgs: readonly string[]): boolean[] {
  const ctx = { orgs };
  const root = rootOf(policy);
  return [
    evaluatePolicy(policy, signers, ctx),
    signatureChecker(root, BACKTRACKING_ONLY)(signers, ctx) === 'satisfied',
    signatureChecker(root, MINIMAL_DEMAND_ONLY)(signers, ctx) === 'satisfied',
  ];
}

describe('meta terms: conditions on the channel orgs, judged over all the signers', () => {
  it('needs a majority of 3 of 4 orgs besides the regulator principal', () => {
    expect(allStages(HYBRID, [s('r1', 'Regulator'), s('a1', 'A')], CHANNEL.orgs)).toEqual([
      false,
      false,
      false,
    ]);
  });

  it("lets the regulator's admin count for the principal and toward the majority", () => {
    const signers = [s('r1', 'Regulator'), s('a1', 'A'), s('b1', 'B')];
    expect(allStages(HYBRID, signers, CHANNEL.orgs)).toEqual([true, true, true]);
    expect(allStages(HYBRID, [...signers, s('c1', 'C')], CHANNEL.orgs)).toEqual([true, true, true]);
  });

  it('needs the regulator even when every other org signs', () => {
    const signers = [s('a1', 'A'), s('b1', 'B'), s('c1', 'C')];
    expect(allStages(HYBRID, signers, CHANNEL.orgs)).toEqual([false, false, false]);
  });

  it('counts orgs, not signers, for a meta term: two admins of one org are one org', () => {
    const signers = [s('r1', 'Regulator'), s('a1', 'A'), s('a2', 'A')];
    expect(allStages(HYBRID, signers, CHANNEL.orgs)).toEqual([false, false, false]);
    expect(allStages(HYBRID, [...signers, s('b1', 'B')], CHANNEL.orgs)).toEqual([true, true, true]);
  });

  it('still gives each principal its own signer', () => {
    const p = parsePolicy(`AND('A.admin', 'A.admin')`);
    expect(allStages(p, [s('a1', 'A')], ['A'])).toEqual([false, false, false]);
    expect(allStages(p, [s('a1', 'A'), s('a1', 'A')], ['A'])).toEqual([false, false, false]);
    expect(allStages(p, [s('a1', 'A'), s('a2', 'A')], ['A'])).toEqual([true, true, true]);
    // The meta term takes no signer away from the principals, and they take none from it.
    const q = parsePolicy(`AND('A.admin', 'A.admin', ANY Admins)`);
    expect(allStages(q, [s('a1', 'A')], ['A', 'B'])).toEqual([false, false, false]);
    expect(allStages(q, [s('a1', 'A'), s('a2', 'A')], ['A', 'B'])).toEqual([true, true, true]);
    expect(allStages(q, [s('a1', 'A'), s('a2', 'A')], ['B'])).toEqual([false, false, false]);
  });

  it('counts a repeated signer id once', () => {
    const signers = [s('r1', 'Regulator'), s('r1', 'Regulator'), s('a1', 'A'), s('a1', 'A')];
    expect(allStages(HYBRID, signers, CHANNEL.orgs)).toEqual([false, false, false]);
    expect(allStages(HYBRID, [...signers, s('b1', 'B')], CHANNEL.orgs)).toEqual([true, true, true]);
  });

  it('needs the right role: peers do not count toward MAJORITY Admins', () => {
    const signers = [s('r1', 'Regulator'), s('a1', 'A', 'peer'), s('b1', 'B', 'peer'), s('c1', 'C', 'peer')];
    expect(allStages(HYBRID, signers, CHANNEL.orgs)).toEqual([false, false, false]);
    expect(allStages(HYBRID, [...signers, s('b2', 'B')], CHANNEL.orgs)).toEqual([false, false, false]);
    expect(allStages(HYBRID, [...signers, s('b2', 'B'), s('c2', 'C')], CHANNEL.orgs)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('counts only orgs of ctx.orgs toward a meta term, but principals need no channel membership', () => {
    const signers = [s('r1', 'Regulator'), s('a1', 'A'), s('x1', 'X'), s('y1', 'Y')];
    expect(allStages(HYBRID, signers, CHANNEL.orgs)).toEqual([false, false, false]);
    // With Regulator outside the channel, r1 meets the principal but is not one of [A, B, C].
    expect(allStages(HYBRID, [s('r1', 'Regulator'), s('a1', 'A')], ['A', 'B', 'C'])).toEqual([
      false,
      false,
      false,
    ]);
    expect(allStages(HYBRID, [s('r1', 'Regulator'), s('a1', 'A'), s('b1', 'B')], ['A', 'B', 'C'])).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('judges each meta term on its own', () => {
    const p = parsePolicy('AND(ANY Admins, ANY Admins)');
    expect(allStages(p, [s('a1', 'A')], ['A', 'B'])).toEqual([true, true, true]);
    const q = parsePolicy('AND(ANY Admins, ALL Admins)');
    expect(allStages(q, [s('a1', 'A')], ['A', 'B'])).toEqual([false, false, false]);
    expect(allStages(q, [s('a1', 'A'), s('b1', 'B')], ['A', 'B'])).toEqual([true, true, true]);
    // Writers, Members and Readers ask the same role of an org, here under different rules.
    const r = parsePolicy('AND(ANY Writers, ALL Members, MAJORITY Readers)');
    expect(allStages(r, [s('a1', 'A', 'peer')], ['A', 'B'])).toEqual([false, false, false]);
    expect(allStages(r, [s('a1', 'A', 'peer'), s('b1', 'B', 'client')], ['A', 'B'])).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('evaluates OR with ALL', () => {
    const p = parsePolicy(`OR('Regulator.admin', ALL Admins)`);
    expect(allStages(p, [s('r1', 'Regulator')], CHANNEL.orgs)).toEqual([true, true, true]);
    expect(allStages(p, [s('a1', 'A'), s('b1', 'B'), s('c1', 'C')], CHANNEL.orgs)).toEqual([
      false,
      false,
      false,
    ]);
    expect(allStages(p, [s('a1', 'A'), s('b1', 'B'), s('c1', 'C')], ['A', 'B', 'C'])).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('evaluates OutOf as 2 of: the principal, the ANY condition, the MAJORITY condition', () => {
    const p = parsePolicy(`OutOf(2, 'A.admin', ANY Writers, MAJORITY Admins)`);
    const orgs = ['A', 'B', 'C'];
    expect(allStages(p, [], orgs)).toEqual([false, false, false]);
    // a1 meets the principal and is a writer.
    expect(allStages(p, [s('a1', 'A')], orgs)).toEqual([true, true, true]);
    // A's peer and B's peer are writers, not admins: one of three.
    expect(allStages(p, [s('a1', 'A', 'peer')], orgs)).toEqual([false, false, false]);
    expect(allStages(p, [s('b1', 'B', 'peer')], orgs)).toEqual([false, false, false]);
    // ANY Writers and MAJORITY Admins without 'A.admin'.
    expect(allStages(p, [s('b1', 'B'), s('c1', 'C')], orgs)).toEqual([true, true, true]);
    // A signer outside the channel meets no condition.
    expect(allStages(p, [s('x1', 'X')], orgs)).toEqual([false, false, false]);
  });

  it('counts principals on a shared org once each next to a condition', () => {
    const p = parsePolicy(`OutOf(3, 'A.admin', 'A.admin', ANY Admins)`);
    expect(allStages(p, [s('a1', 'A')], ['A'])).toEqual([false, false, false]);
    expect(allStages(p, [s('a1', 'A'), s('a2', 'A')], ['A'])).toEqual([true, true, true]);
    const q = parsePolicy(`OutOf(2, 'A.admin', 'A.admin', ANY Admins)`);
    expect(allStages(q, [s('a1', 'A')], ['A'])).toEqual([true, true, true]);
  });

  it('never meets a meta term when the channel has no orgs, but other branches still count', () => {
    expect(evaluatePolicy(HYBRID, [s('r1', 'Regulator'), s('r2', 'Regulator')], { orgs: [] })).toBe(false);
    const p = parsePolicy(`OR('A.peer', ANY Admins)`);
    expect(evaluatePolicy(p, [s('p1', 'A', 'peer')], { orgs: [] })).toBe(true);
    expect(evaluatePolicy(p, [s('a1', 'A')], { orgs: [] })).toBe(false);
    expect(signatureChecker(rootOf(p))([s('a1', 'A')])).toBe('unsatisfied');
    expect(signatureChecker(rootOf(p))([s('a1', 'A')], { orgs: ['A'] })).toBe('satisfied');
  });

  it('follows the channel orgs of each call, including a list changed in place', () => {
    const check = compilePolicy(HYBRID);
    const signers = [s('r1', 'Regulator'), s('a1', 'A')];
    const orgs = ['Regulator', 'A', 'B'];
    expect(check(signers, { orgs })).toBe(true);
    orgs.push('C');
    expect(check(signers, { orgs })).toBe(false);
    orgs.pop();
    expect(check(signers, { orgs })).toBe(true);
    expect(check(signers, { orgs: ['A', 'B', 'C'] })).toBe(false);
    for (let i = 0; i < 20; i++) expect(check(signers, { orgs: ['Regulator', 'A', `O${i}`] })).toBe(true);
    expect(check(signers, { orgs: ['Regulator', 'A', 'B', 'C', 'D'] })).toBe(false);
    expect(check(signers, { orgs: ['A', 'Regulator', 'A', 'Regulator'] })).toBe(true);
  });

  it('stays exact with many meta terms over a large channel', () => {
    const orgs = Array.from({ length: 1000 }, (_, i) => `O${i}`);
    const any = parsePolicy(`OR(${Array.from({ length: 1024 }, () => 'ANY Admins').join(', ')})`);
    expect(evaluatePolicy(any, [s('a1', 'O999')], { orgs })).toBe(true);
    expect(evaluatePolicy(any, [s('a1', 'O999', 'peer')], { orgs })).toBe(false);
    const majority = parsePolicy(
      `AND('O0.admin', ${Array.from({ length: 1023 }, () => 'MAJORITY Admins').join(', ')})`,
    );
    const admins = (count: number) => Array.from({ length: count }, (_, i) => s(`a${i}`, `O${i}`));
    expect(evaluatePolicy(majority, admins(500), { orgs })).toBe(false);
    expect(evaluatePolicy(majority, admins(501), { orgs })).toBe(true);
    expect(explainPolicy(majority, admins(500), { orgs }).missing).toMatch(/^needs 1024 of .* \(have 1\)$/);
    expect(explainPolicy(majority, admins(501), { orgs })).toEqual({ satisfied: true, missing: '' });
  });
});

describe('meta terms in explainPolicy, policyOrgs, minimalSignerSets and validatePolicy', () => {
  it('explains a missing majority, a missing principal and principals needing distinct signers', () => {
    expect(explainPolicy(HYBRID, [s('r1', 'Regulator'), s('a1', 'A')], CHANNEL)).toEqual({
      satisfied: false,
      missing: 'MAJORITY Admins needs an admin signature from 3 of 4 org(s) (have 2: Regulator, A)',
    });
    expect(explainPolicy(HYBRID, [s('a1', 'A'), s('b1', 'B'), s('c1', 'C')], CHANNEL).missing).toBe(
      `needs 'Regulator.admin'`,
    );
    expect(explainPolicy(HYBRID, [s('r1', 'Regulator'), s('a1', 'A'), s('b1', 'B')], CHANNEL)).toEqual({
      satisfied: true,
      missing: '',
    });
    expect(explainPolicy(HYBRID, [s('r1', 'Regulator'), s('a1', 'A')], { orgs: [] }).missing).toBe(
      'MAJORITY Admins cannot be satisfied: the channel has no member orgs',
    );
    const twice = parsePolicy(`AND('A.admin', 'A.admin', ANY Admins)`);
    expect(explainPolicy(twice, [s('a1', 'A')], { orgs: ['A'] }).missing).toBe(
      `needs distinct signers for AND('A.admin', 'A.admin', ANY Admins): each signer counts once among the principals (have 1 distinct signer(s))`,
    );
  });

  it('chooses minimal org sets where the regulator also counts toward the majority', () => {
    const admins = (...orgs: string[]) => orgs.map((mspId) => ({ mspId, role: 'admin' as const }));
    const withRegulator = [
      ['Regulator', 'A', 'B'],
      ['Regulator', 'A', 'C'],
      ['Regulator', 'B', 'C'],
    ];
    expect(minimalSignerSets(HYBRID, admins('Regulator', 'A', 'B', 'C'))).toEqual(withRegulator);
    expect(minimalSignerSets(HYBRID, admins('Regulator', 'Regulator', 'A', 'B', 'C'))).toEqual(withRegulator);
    expect(minimalSignerSets(HYBRID, admins('A', 'B', 'C'), 16, CHANNEL)).toEqual([]);
    // The channel decides the majority, not the available signers.
    expect(minimalSignerSets(HYBRID, admins('Regulator', 'A', 'B'), 16, CHANNEL)).toEqual([
      ['Regulator', 'A', 'B'],
    ]);
    expect(minimalSignerSets(HYBRID, admins('Regulator', 'A'), 16, CHANNEL)).toEqual([]);
  });

  it('lists the channel orgs where a meta term stands', () => {
    expect(policyOrgs(HYBRID, { orgs: ['A', 'Regulator', 'B', 'A'] })).toEqual(['Regulator', 'A', 'B']);
    expect(policyOrgs(parsePolicy(`OR(ANY Admins, 'X.peer')`), { orgs: ['A', 'B'] })).toEqual([
      'A',
      'B',
      'X',
    ]);
    expect(policyOrgs(HYBRID)).toEqual(['Regulator']);
  });

  it('rejects a meta term as the root of a signature policy, and unknown meta names', () => {
    const bad: Policy[] = [
      {
        kind: 'signature',
        text: 'MAJORITY Admins',
        root: { kind: 'meta', rule: 'MAJORITY', subPolicy: 'Admins' },
      },
      {
        kind: 'signature',
        text: '',
        root: { kind: 'outOf', n: 1, rules: [{ kind: 'meta', rule: 'SOME' as 'ANY', subPolicy: 'Admins' }] },
      },
      {
        kind: 'signature',
        text: '',
        root: {
          kind: 'outOf',
          n: 1,
          rules: [{ kind: 'meta', rule: 'ANY', subPolicy: 'Bosses' as 'Admins' }],
        },
      },
    ];
    for (const p of bad) {
      let code: string | undefined;
      try {
        validatePolicy(p);
      } catch (err) {
        code = err instanceof ConsortiaError ? err.code : 'not a ConsortiaError';
      }
      expect(code, formatPolicy(p)).toBe('POLICY_INVALID');
      expect(() => compilePolicy(p)).toThrow(ConsortiaError);
    }
    expect(() => validatePolicy(HYBRID)).not.toThrow();
  });

  it('counts meta terms toward the principal limit of policies built in code', () => {
    const rules = (count: number): PolicyNode[] =>
      Array.from({ length: count }, () => ({ kind: 'meta', rule: 'ANY', subPolicy: 'Admins' }));
    expect(() =>
      validatePolicy({ kind: 'signature', text: '', root: { kind: 'outOf', n: 1, rules: rules(1024) } }),
    ).not.toThrow();
    let code: string | undefined;
    try {
      validatePolicy({ kind: 'signature', text: '', root: { kind: 'outOf', n: 1, rules: rules(1025) } });
    } catch (err) {
      code = (err as ConsortiaError).code;
    }
    expect(code).toBe('POLICY_TOO_COMPLEX');
  });
});
