import { describe, expect, it } from 'vitest';
import { ConsortiaError } from '../common/index.js';
import { signatureChecker } from './compilePolicy.js';
import {
  compilePolicy,
  evaluatePolicy,
  explainPolicy,
  formatPolicy,
  META_SUB_POLICIES,
  minimalSignerSets,
  type Policy,
  type PolicyNode,
  type PolicySigner,
  PRINCIPAL_ROLES,
  type PrincipalRole,
  parsePolicy,
  policyOrgs,
  type SignerRole,
  validatePolicy,
} from './index.js';

const NP = parsePolicy(
  `AND('Regulator.member', OutOf(2, 'TelcoA.member', 'TelcoB.member', 'TelcoC.member'))`,
);
const NO_CTX = { orgs: [] };
const ORGS4 = { orgs: ['A', 'B', 'C', 'D'] };
const SIGNER_ROLES: readonly SignerRole[] = ['admin', 'peer', 'client', 'orderer'];

function s(id: string, mspId: string, role: SignerRole = 'peer'): PolicySigner {
  return { id, mspId, role };
}

function signature(root: PolicyNode): Policy {
  return { kind: 'signature', root, text: formatPolicy(root) };
}

describe('evaluatePolicy: signature policies', () => {
  it('evaluates the number-portability policy', () => {
    expect(evaluatePolicy(NP, [s('r', 'Regulator'), s('a', 'TelcoA')], NO_CTX)).toBe(false);
    expect(evaluatePolicy(NP, [s('r', 'Regulator'), s('a', 'TelcoA'), s('b', 'TelcoB')], NO_CTX)).toBe(true);
    expect(evaluatePolicy(NP, [s('a', 'TelcoA'), s('b', 'TelcoB'), s('c', 'TelcoC')], NO_CTX)).toBe(false);
    expect(evaluatePolicy(NP, [], NO_CTX)).toBe(false);
  });

  it('matches roles: member takes any role, other roles only themselves', () => {
    const p = parsePolicy(`OR('A.admin')`);
    expect(
      evaluatePolicy(p, [s('1', 'A', 'peer'), s('2', 'A', 'client'), s('3', 'A', 'orderer')], NO_CTX),
    ).toBe(false);
    expect(evaluatePolicy(p, [s('1', 'A', 'admin')], NO_CTX)).toBe(true);
    expect(evaluatePolicy(p, [s('1', 'B', 'admin')], NO_CTX)).toBe(false);
    for (const role of SIGNER_ROLES) {
      expect(evaluatePolicy(parsePolicy(`'A.member'`), [s('1', 'A', role)], NO_CTX)).toBe(true);
      expect(evaluatePolicy(parsePolicy(`'A.${role}'`), [s('1', 'A', role)], NO_CTX)).toBe(true);
    }
  });

  it('counts a signer once', () => {
    const p = parsePolicy(`AND('A.member', 'A.member')`);
    expect(evaluatePolicy(p, [s('a1', 'A')], NO_CTX)).toBe(false);
    expect(evaluatePolicy(p, [s('a1', 'A'), s('a1', 'A')], NO_CTX)).toBe(false);
    expect(evaluatePolicy(p, [s('a1', 'A'), s('a2', 'A', 'client')], NO_CTX)).toBe(true);
  });

  it('finds an assignment a greedy pass would miss', () => {
    const p = parsePolicy(`OutOf(2, 'A.member', 'A.peer')`);
    expect(evaluatePolicy(p, [s('p1', 'A', 'peer')], NO_CTX)).toBe(false);
    expect(evaluatePolicy(p, [s('p1', 'A', 'peer'), s('a1', 'A', 'admin')], NO_CTX)).toBe(true);
    // Greedy would give p1 to 'A.member' first and then find nothing for 'A.peer'.
    const q = parsePolicy(`AND('A.member', OR('A.peer', 'B.peer'), 'A.admin')`);
    expect(evaluatePolicy(q, [s('p1', 'A', 'peer'), s('a1', 'A', 'admin')], NO_CTX)).toBe(false);
    expect(
      evaluatePolicy(q, [s('p1', 'A', 'peer'), s('a1', 'A', 'admin'), s('c1', 'A', 'client')], NO_CTX),
    ).toBe(true);
    expect(
      evaluatePolicy(q, [s('p1', 'A', 'peer'), s('a1', 'A', 'admin'), s('b1', 'B', 'peer')], NO_CTX),
    ).toBe(true);
  });

  it('keeps the first occurrence of a repeated id', () => {
    const p = parsePolicy(`AND('A.member', 'B.member')`);
    expect(evaluatePolicy(p, [s('x', 'A'), s('x', 'B')], NO_CTX)).toBe(false);
    expect(evaluatePolicy(p, [s('x', 'A'), s('y', 'B')], NO_CTX)).toBe(true);
  });

  it('ignores signers of orgs the policy does not name and unknown roles', () => {
    const p = parsePolicy(`OR('A.peer')`);
    const odd = { id: 'z', mspId: 'A', role: 'boss' } as unknown as PolicySigner;
    expect(evaluatePolicy(p, [s('1', 'B'), s('2', 'C'), odd], NO_CTX)).toBe(false);
  });

  it('handles larger shared-org policies', () => {
    const p = parsePolicy(
      `OutOf(5, ${Array.from({ length: 10 }, (_, i) => `'A.${PRINCIPAL_ROLES[i % 5]}'`).join(', ')})`,
    );
    const four = [s('1', 'A', 'admin'), s('2', 'A', 'peer'), s('3', 'A', 'client'), s('4', 'A', 'orderer')];
    expect(evaluatePolicy(p, four, NO_CTX)).toBe(false);
    expect(evaluatePolicy(p, [...four, s('5', 'A', 'peer')], NO_CTX)).toBe(true);
  });
});

describe('evaluatePolicy: wide policies over shared orgs', () => {
  const roles: readonly PrincipalRole[] = ['member', 'admin', 'peer', 'client', 'orderer'];
  const orgs = ['O1', 'O2', 'O3', 'O4', 'O5'];
  // 40 principals: O1 only as member, the other orgs two of each specific role.
  const wide = Array.from(
    { length: 40 },
    (_, i) => `'${orgs[i % 5]}.${roles[i % 5 === 0 ? 0 : (i % 4) + 1]}'`,
  );
  const everyone = orgs.flatMap((o) => SIGNER_ROLES.map((r) => s(`${o}-${r}`, o, r)));

  it('evaluates a flat OutOf(20, 40 principals) exactly', () => {
    const p = parsePolicy(`OutOf(20, ${wide.join(', ')})`);
    expect(evaluatePolicy(p, everyone, NO_CTX)).toBe(true);
    expect(evaluatePolicy(p, everyone.slice(1), NO_CTX)).toBe(false);
  });

  it('finds a witness for a nested wide policy', () => {
    const p = parsePolicy(`AND('X.member', OutOf(20, ${wide.join(', ')}))`);
    expect(evaluatePolicy(p, [...everyone, s('x', 'X')], NO_CTX)).toBe(true);
  });

  it('gives up deterministically, failing closed, when the exact search is too large', () => {
    const p = parsePolicy(`AND('X.member', OutOf(20, ${wide.join(', ')}))`);
    const signers = [...everyone.slice(1), s('x', 'X')];
    expect(p.kind === 'signature' && signatureChecker(p.root)(signers)).toBe('tooComplex');
    expect(evaluatePolicy(p, signers, NO_CTX)).toBe(false);
    expect(explainPolicy(p, signers, NO_CTX).missing).toContain('too complex');
  });
});

describe('evaluatePolicy: meta policies', () => {
  const admins = (...orgs: string[]) => orgs.map((o) => s(`${o}-admin`, o, 'admin'));

  it('ANY needs one org', () => {
    const p = parsePolicy('ANY Admins');
    expect(evaluatePolicy(p, admins('C'), ORGS4)).toBe(true);
    expect(evaluatePolicy(p, [s('c', 'C', 'peer')], ORGS4)).toBe(false);
    expect(evaluatePolicy(p, admins('Z'), ORGS4)).toBe(false);
  });

  it('MAJORITY needs 3 of 4 orgs', () => {
    const p = parsePolicy('MAJORITY Admins');
    expect(evaluatePolicy(p, admins('A', 'B'), ORGS4)).toBe(false);
    expect(evaluatePolicy(p, admins('A', 'B', 'Z', 'Y'), ORGS4)).toBe(false);
    expect(evaluatePolicy(p, admins('A', 'B', 'D'), ORGS4)).toBe(true);
    expect(evaluatePolicy(p, [...admins('A', 'B'), s('a2', 'A', 'admin')], ORGS4)).toBe(false);
    expect(evaluatePolicy(p, admins('A', 'B'), { orgs: ['A', 'B', 'C'] })).toBe(true);
    expect(evaluatePolicy(p, admins('A'), { orgs: ['A', 'B'] })).toBe(false);
  });

  it('ALL needs every org', () => {
    const p = parsePolicy('ALL Admins');
    expect(evaluatePolicy(p, admins('A', 'B', 'C'), ORGS4)).toBe(false);
    expect(evaluatePolicy(p, admins('A', 'B', 'C', 'D'), ORGS4)).toBe(true);
    expect(evaluatePolicy(p, admins('A', 'B', 'C', 'D'), { orgs: ['A', 'B', 'A', 'C', 'D', 'D'] })).toBe(
      true,
    );
  });

  it('is never met with no orgs', () => {
    for (const rule of ['ANY', 'MAJORITY', 'ALL']) {
      expect(evaluatePolicy(parsePolicy(`${rule} Writers`), admins('A'), NO_CTX)).toBe(false);
    }
  });

  it('maps sub-policies to roles', () => {
    const roleOf = {
      Admins: 'admin',
      Endorsement: 'peer',
      Peers: 'peer',
      Clients: 'client',
      Orderers: 'orderer',
    };
    for (const sub of META_SUB_POLICIES) {
      const p = parsePolicy(`ANY ${sub}`);
      for (const role of SIGNER_ROLES) {
        const expected = sub in roleOf ? roleOf[sub as keyof typeof roleOf] === role : true;
        expect(evaluatePolicy(p, [s('x', 'B', role)], ORGS4), `${sub} ${role}`).toBe(expected);
      }
    }
  });
});

describe('compilePolicy and validatePolicy', () => {
  it('compiles to a reusable function', () => {
    const check = compilePolicy(NP);
    expect(check([s('r', 'Regulator'), s('a', 'TelcoA'), s('c', 'TelcoC')], NO_CTX)).toBe(true);
    expect(check([s('r', 'Regulator'), s('a', 'TelcoA')], NO_CTX)).toBe(false);
    expect(check([s('r', 'Regulator'), s('a', 'TelcoA'), s('c', 'TelcoC')], NO_CTX)).toBe(true);
  });

  it('rejects malformed policy objects with POLICY_INVALID', () => {
    const bad: Policy[] = [
      signature({
        kind: 'outOf',
        n: 0,
        rules: [{ kind: 'principal', principal: { mspId: 'A', role: 'peer' } }],
      }),
      signature({
        kind: 'outOf',
        n: 2,
        rules: [{ kind: 'principal', principal: { mspId: 'A', role: 'peer' } }],
      }),
      signature({
        kind: 'outOf',
        n: 1.5,
        rules: [{ kind: 'principal', principal: { mspId: 'A', role: 'peer' } }],
      }),
      signature({ kind: 'principal', principal: { mspId: 'A', role: 'boss' as PrincipalRole } }),
      { kind: 'implicitMeta', rule: 'SOME' as 'ANY', subPolicy: 'Writers', text: '' },
    ];
    for (const p of bad) {
      expect(() => compilePolicy(p)).toThrow(ConsortiaError);
      try {
        validatePolicy(p);
      } catch (err) {
        expect((err as ConsortiaError).code).toBe('POLICY_INVALID');
      }
      expect(() => validatePolicy(p)).toThrow();
    }
  });
});

describe('explainPolicy', () => {
  it('says what is missing', () => {
    expect(explainPolicy(NP, [s('r', 'Regulator'), s('a', 'TelcoA')], NO_CTX)).toEqual({
      satisfied: false,
      missing: `needs 2 of 'TelcoA.member', 'TelcoB.member', 'TelcoC.member' (have 1)`,
    });
    expect(explainPolicy(NP, [s('a', 'TelcoA'), s('b', 'TelcoB')], NO_CTX).missing).toBe(
      `needs 'Regulator.member'`,
    );
    expect(explainPolicy(NP, [s('r', 'Regulator'), s('a', 'TelcoA'), s('b', 'TelcoB')], NO_CTX)).toEqual({
      satisfied: true,
      missing: '',
    });
    expect(
      explainPolicy(parsePolicy(`AND('A.member', 'A.member')`), [s('a', 'A')], NO_CTX).missing,
    ).toContain('counts once');
    expect(explainPolicy(parsePolicy('MAJORITY Admins'), [s('a', 'A', 'admin')], ORGS4).missing).toBe(
      'MAJORITY Admins needs an admin signature from 3 of 4 org(s) (have 1: A)',
    );
    expect(explainPolicy(parsePolicy('ANY Writers'), [], NO_CTX).missing).toContain('no member orgs');
  });
});

describe('policyOrgs and minimalSignerSets', () => {
  it('lists the orgs a policy names', () => {
    expect(policyOrgs(NP)).toEqual(['Regulator', 'TelcoA', 'TelcoB', 'TelcoC']);
    expect(policyOrgs(parsePolicy(`OR('A.peer', AND('B.admin', 'A.admin'))`))).toEqual(['A', 'B']);
    expect(policyOrgs(parsePolicy('ANY Writers'))).toEqual([]);
    expect(policyOrgs(parsePolicy('ANY Writers'), { orgs: ['A', 'B', 'A'] })).toEqual(['A', 'B']);
  });

  it('chooses minimal endorser org sets, smallest first', () => {
    const peers = (...orgs: string[]) => orgs.map((mspId) => ({ mspId, role: 'peer' as const }));
    expect(minimalSignerSets(NP, peers('TelcoC', 'Regulator', 'TelcoA', 'TelcoB', 'Other'))).toEqual([
      ['TelcoC', 'Regulator', 'TelcoA'],
      ['TelcoC', 'Regulator', 'TelcoB'],
      ['Regulator', 'TelcoA', 'TelcoB'],
    ]);
    expect(
      minimalSignerSets(parsePolicy(`OR('A.peer', AND('B.peer', 'C.peer'))`), peers('A', 'B', 'C')),
    ).toEqual([['A'], ['B', 'C']]);
    expect(minimalSignerSets(NP, peers('TelcoA', 'TelcoB', 'TelcoC'))).toEqual([]);
    expect(minimalSignerSets(parsePolicy(`OR('A.admin')`), peers('A'))).toEqual([]);
    expect(minimalSignerSets(NP, peers('Regulator', 'TelcoA', 'TelcoB', 'TelcoC'), 1)).toHaveLength(1);
    expect(minimalSignerSets(parsePolicy('MAJORITY Endorsement'), peers('A', 'B', 'C'), 16, ORGS4)).toEqual([
      ['A', 'B', 'C'],
    ]);
  });
});
