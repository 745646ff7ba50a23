import { describe, expect, it } from 'vitest';
import { ConsortiaError } from '../common/index.js';
import {
  formatPolicy,
  type ImplicitMetaRule,
  type ImplicitMetaSubPolicy,
  MAX_POLICY_DEPTH,
  MAX_POLICY_PRINCIPALS,
  META_SUB_POLICIES,
  type PolicyNode,
  PRINCIPAL_ROLES,
  type PrincipalRole,
  parsePolicy,
} from './index.js';

const NP = `AND('Regulator.member', OutOf(2, 'TelcoA.member', 'TelcoB.member', 'TelcoC.member'))`;

function leaf(mspId: string, role: PrincipalRole): PolicyNode {
  return { kind: 'principal', principal: { mspId, role } };
}

function meta(rule: ImplicitMetaRule, subPolicy: ImplicitMetaSubPolicy): PolicyNode {
  return { kind: 'meta', rule, subPolicy };
}

function errorOf(text: string): ConsortiaError {
  try {
    parsePolicy(text);
  } catch (err) {
    if (err instanceof ConsortiaError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

function positionOf(text: string): unknown {
  return errorOf(text).detail?.position;
}

describe('parsePolicy: valid policies', () => {
  it('parses the number-portability policy', () => {
    const p = parsePolicy(NP);
    expect(p).toEqual({
      kind: 'signature',
      text: NP,
      root: {
        kind: 'outOf',
        n: 2,
        rules: [
          leaf('Regulator', 'member'),
          {
            kind: 'outOf',
            n: 2,
            rules: [leaf('TelcoA', 'member'), leaf('TelcoB', 'member'), leaf('TelcoC', 'member')],
          },
        ],
      },
    });
  });

  it('accepts single and double quotes in OR', () => {
    const p = parsePolicy(`OR('TelcoA.peer', "TelcoB.admin")`);
    expect(p.kind === 'signature' && p.root).toEqual({
      kind: 'outOf',
      n: 1,
      rules: [leaf('TelcoA', 'peer'), leaf('TelcoB', 'admin')],
    });
    expect(p.text).toBe(`OR('TelcoA.peer', 'TelcoB.admin')`);
  });

  it('parses nesting', () => {
    const p = parsePolicy(`OutOf(1, 'A.member', AND('B.admin', 'C.client'))`);
    expect(p.kind === 'signature' && p.root).toEqual({
      kind: 'outOf',
      n: 1,
      rules: [leaf('A', 'member'), { kind: 'outOf', n: 2, rules: [leaf('B', 'admin'), leaf('C', 'client')] }],
    });
    expect(formatPolicy(p)).toBe(`OR('A.member', AND('B.admin', 'C.client'))`);
  });

  it('treats keywords case-insensitively and allows whitespace between tokens', () => {
    const a = parsePolicy(` and (\n'A.member' ,\t"B.peer" ) `);
    const b = parsePolicy(`AND('A.member','B.peer')`);
    expect(a).toEqual(b);
    expect(parsePolicy(`outof ( 2 , 'A.member', 'B.member', 'C.orderer' )`).text).toBe(
      `OutOf(2, 'A.member', 'B.member', 'C.orderer')`,
    );
    expect(parsePolicy(`Or('A.peer', oUtOf(1, 'B.peer'))`).text).toBe(`OR('A.peer', AND('B.peer'))`);
  });

  it('accepts a bare principal and an MSP id with dots (role after the last dot)', () => {
    const p = parsePolicy(`'org1.example.com.peer'`);
    expect(p.kind === 'signature' && p.root).toEqual(leaf('org1.example.com', 'peer'));
    const q = parsePolicy(`'A.member.admin'`);
    expect(q.kind === 'signature' && q.root).toEqual(leaf('A.member', 'admin'));
  });

  it('parses every role', () => {
    for (const role of PRINCIPAL_ROLES) {
      const p = parsePolicy(`OR('Org-1_x.${role}')`);
      expect(p.kind === 'signature' && p.root.kind === 'outOf' && p.root.rules[0]).toEqual(
        leaf('Org-1_x', role),
      );
    }
  });

  it('parses meta-policies with any case and singular or plural sub-policy names', () => {
    const cases: Array<[string, string, string]> = [
      ['ANY Writers', 'ANY', 'Writers'],
      ['MAJORITY Admins', 'MAJORITY', 'Admins'],
      ['ALL Admins', 'ALL', 'Admins'],
      ['ANY Readers', 'ANY', 'Readers'],
      ['MAJORITY Endorsement', 'MAJORITY', 'Endorsement'],
      ['any Writers', 'ANY', 'Writers'],
      ['  Majority   admin\n', 'MAJORITY', 'Admins'],
      ['all endorsements', 'ALL', 'Endorsement'],
      ['ANY Peer', 'ANY', 'Peers'],
      ['ANY client', 'ANY', 'Clients'],
      ['ANY Orderer', 'ANY', 'Orderers'],
      ['ANY Member', 'ANY', 'Members'],
      ['ANY Writer', 'ANY', 'Writers'],
      ['ANY READER', 'ANY', 'Readers'],
    ];
    for (const [text, rule, subPolicy] of cases) {
      expect(parsePolicy(text)).toEqual({
        kind: 'implicitMeta',
        rule,
        subPolicy,
        text: `${rule} ${subPolicy}`,
      });
    }
  });

  it('returns frozen policies', () => {
    const p = parsePolicy(NP);
    expect(Object.isFrozen(p)).toBe(true);
    expect(p.kind === 'signature' && Object.isFrozen(p.root)).toBe(true);
  });
});

describe('parsePolicy: meta terms inside AND / OR / OutOf', () => {
  it('parses a hybrid governance policy', () => {
    const text = `AND('Regulator.admin', MAJORITY Admins)`;
    expect(parsePolicy(text)).toEqual({
      kind: 'signature',
      text,
      root: { kind: 'outOf', n: 2, rules: [leaf('Regulator', 'admin'), meta('MAJORITY', 'Admins')] },
    });
  });

  it('parses meta terms in OR and OutOf, next to principals and calls', () => {
    const or = parsePolicy(`OR('Regulator.admin', ALL Admins)`);
    expect(or.kind === 'signature' && or.root).toEqual({
      kind: 'outOf',
      n: 1,
      rules: [leaf('Regulator', 'admin'), meta('ALL', 'Admins')],
    });
    const outOf = parsePolicy(`OutOf(2, 'A.admin', ANY Writers, MAJORITY Admins)`);
    expect(outOf.kind === 'signature' && outOf.root).toEqual({
      kind: 'outOf',
      n: 2,
      rules: [leaf('A', 'admin'), meta('ANY', 'Writers'), meta('MAJORITY', 'Admins')],
    });
    expect(outOf.text).toBe(`OutOf(2, 'A.admin', ANY Writers, MAJORITY Admins)`);
    const nested = parsePolicy(`AND(OR('A.peer', ANY Peers), OutOf(1, ALL Orderers))`);
    expect(nested.text).toBe(`AND(OR('A.peer', ANY Peers), AND(ALL Orderers))`);
  });

  it('accepts any case, singular or plural sub-policies and whitespace, and prints the canonical form', () => {
    const p = parsePolicy(`and ( 'Regulator.admin' ,majority\n\tadmin )`);
    expect(p.kind === 'signature' && p.root).toEqual({
      kind: 'outOf',
      n: 2,
      rules: [leaf('Regulator', 'admin'), meta('MAJORITY', 'Admins')],
    });
    expect(p.text).toBe(`AND('Regulator.admin', MAJORITY Admins)`);
    expect(parsePolicy(`OR(any endorsements, All Member)`).text).toBe('OR(ANY Endorsement, ALL Members)');
  });

  it('keeps a whole-text meta-policy as an implicitMeta policy, and a one-term call as a signature policy', () => {
    expect(parsePolicy(' MAJORITY Admins ')).toEqual({
      kind: 'implicitMeta',
      rule: 'MAJORITY',
      subPolicy: 'Admins',
      text: 'MAJORITY Admins',
    });
    const p = parsePolicy('AND(MAJORITY Admins)');
    expect(p).toEqual({
      kind: 'signature',
      text: 'AND(MAJORITY Admins)',
      root: { kind: 'outOf', n: 1, rules: [meta('MAJORITY', 'Admins')] },
    });
  });

  it('returns frozen meta nodes', () => {
    const p = parsePolicy(`AND('Regulator.admin', MAJORITY Admins)`);
    const node = p.kind === 'signature' && p.root.kind === 'outOf' ? p.root.rules[1] : undefined;
    expect(node).toEqual(meta('MAJORITY', 'Admins'));
    expect(Object.isFrozen(node)).toBe(true);
  });

  it('counts meta terms toward the 1024-principal limit', () => {
    const terms = (principals: number, metas: number) =>
      `OR(${[
        ...Array.from({ length: principals }, (_, i) => `'Org${i}.member'`),
        ...Array.from({ length: metas }, () => 'ANY Writers'),
      ].join(', ')})`;
    expect(() => parsePolicy(terms(MAX_POLICY_PRINCIPALS - 1, 1))).not.toThrow();
    expect(() => parsePolicy(terms(0, MAX_POLICY_PRINCIPALS))).not.toThrow();
    const err = errorOf(terms(MAX_POLICY_PRINCIPALS, 1));
    expect(err.code).toBe('POLICY_TOO_COMPLEX');
    expect(err.detail?.position).toBe(terms(MAX_POLICY_PRINCIPALS, 1).lastIndexOf('ANY'));
    expect(errorOf(terms(0, MAX_POLICY_PRINCIPALS + 1)).code).toBe('POLICY_TOO_COMPLEX');
  });
});

describe('parsePolicy: errors', () => {
  it('names the exact position of the problem', () => {
    const cases: Array<[string, number]> = [
      [`AND('A.member' 'B.member')`, 15],
      [`AND('A.member' x)`, 15],
      [`OR('A.member', 'B.member'`, 25],
      [`AND('A.member',)`, 15],
      [`AND()`, 4],
      [`AND 'A.member'`, 4],
      [`FOO('A.member')`, 0],
      [`AND('A.member') garbage`, 16],
      [`OutOf( x, 'A.member')`, 7],
      [`OutOf(2 'A.member', 'B.member')`, 8],
      [`ANY Wrtiers`, 4],
      [`ANY Writers AND`, 12],
      [`AND(MAJORITY)`, 12],
      [`AND('A.admin', MAJORITY)`, 23],
      [`OutOf(1, MAJORITY )`, 18],
      [`AND(ANY Wrtiers)`, 8],
      [`OR(ANY(Writers))`, 6],
      [`AND(ANYWriters)`, 4],
      [`AND(ALL Admins 'A.admin')`, 15],
      [`AND('A.admin', MAJORITY Admins`, 30],
      [`AND(MAJORITY Admins) ANY Writers`, 21],
      [`ANYWriters`, 0],
      [`ANY`, 3],
      [`ANY(Writers)`, 3],
      [`'`, 0],
      [`  "A.peer`, 2],
    ];
    for (const [text, position] of cases) {
      const err = errorOf(text);
      expect(err.code, text).toBe('POLICY_SYNTAX');
      expect(err.detail?.position, text).toBe(position);
      expect(err.message, text).toContain(`at position ${position}`);
    }
  });

  it('says what it expected and what it found', () => {
    const err = errorOf(`AND('A.member' x)`);
    expect(err.message).toBe(`policy syntax error at position 15: expected ',' or ')' but found 'x'`);
    expect(err.detail).toEqual({ position: 15, expected: "',' or ')'", found: "'x'" });
    expect(errorOf(`AND('A.member' 'B.member')`).detail?.found).toBe(`"'"`);
    expect(errorOf(`OR('A.member'`).detail?.found).toBe('end of input');
    const noSub = errorOf(`AND(MAJORITY)`);
    expect(noSub.message).toContain('sub-policy name');
    expect(noSub.detail?.found).toBe(`')'`);
    const unknownSub = errorOf(`AND(ANY Wrtiers)`);
    expect(unknownSub.message).toContain(`unknown sub-policy 'Wrtiers'`);
    expect(unknownSub.message).toContain(META_SUB_POLICIES.join(', '));
    expect(errorOf(`AND(x)`).detail?.expected).toContain('meta term such as MAJORITY Admins');
  });

  it('rejects empty input', () => {
    for (const text of ['', '   ', '\n\t']) {
      const err = errorOf(text);
      expect(err.code).toBe('POLICY_SYNTAX');
      expect(err.detail?.position).toBe(text.length);
      expect(err.message).toContain('empty');
    }
  });

  it('rejects trailing garbage', () => {
    expect(positionOf(`OR('A.peer'))`)).toBe(12);
    expect(positionOf(`'A.peer' 'B.peer'`)).toBe(9);
    expect(errorOf(`ALL Admins x`).detail?.expected).toBe('end of input');
  });

  it('rejects an unterminated string at its opening quote', () => {
    const err = errorOf(`OR('A.member', "B.peer)`);
    expect(err.code).toBe('POLICY_SYNTAX');
    expect(err.detail?.position).toBe(15);
    expect(err.message).toContain('unterminated');
    expect(positionOf(`AND('A.member"`)).toBe(4);
  });

  it('rejects an unknown role and names the allowed ones', () => {
    const err = errorOf(`AND('TelcoA.boss')`);
    expect(err.code).toBe('POLICY_SYNTAX');
    expect(err.detail?.position).toBe(12);
    expect(err.message).toContain(`'boss'`);
    expect(err.message).toContain('member, admin, peer, client, orderer');
    expect(errorOf(`'TelcoA.Member'`).code).toBe('POLICY_SYNTAX');
  });

  it('rejects a principal without a dot or with a bad MSP id', () => {
    const noDot = errorOf(`OR('TelcoA')`);
    expect(noDot.detail?.position).toBe(4);
    expect(noDot.message).toContain('member, admin, peer, client, orderer');
    expect(positionOf(`OR('.member')`)).toBe(4);
    expect(positionOf(`OR('-A.member')`)).toBe(4);
    expect(positionOf(`OR(' A.member')`)).toBe(4);
    expect(positionOf(`OR('A B.member')`)).toBe(4);
    expect(positionOf(`OR('')`)).toBe(4);
  });

  it('rejects a bad OutOf count at the position of n', () => {
    const cases = [
      `OutOf(0, 'A.member')`,
      `OutOf(3, 'A.member', 'B.member')`,
      `OutOf(-1, 'A.member')`,
      `OutOf(1.5, 'A.member', 'B.member')`,
      `OutOf(two, 'A.member')`,
      `OutOf(1e1, 'A.member')`,
    ];
    for (const text of cases) {
      const err = errorOf(text);
      expect(err.code, text).toBe('POLICY_SYNTAX');
      expect(err.detail?.position, text).toBe(6);
    }
    expect(errorOf(`OutOf(3, 'A.member', 'B.member')`).message).toContain('between 1 and 2');
    expect(positionOf(`OutOf(, 'A.member')`)).toBe(6);
    expect(positionOf(`OutOf('A.member')`)).toBe(6);
    expect(parsePolicy(`OutOf(02, 'A.member', 'B.member')`).text).toBe(`AND('A.member', 'B.member')`);
  });

  it('limits nesting depth to 32', () => {
    const nest = (depth: number) => `${'AND('.repeat(depth)}'A.member'${')'.repeat(depth)}`;
    expect(() => parsePolicy(nest(MAX_POLICY_DEPTH))).not.toThrow();
    const err = errorOf(nest(MAX_POLICY_DEPTH + 1));
    expect(err.code).toBe('POLICY_TOO_COMPLEX');
    expect(err.detail?.position).toBe(4 * MAX_POLICY_DEPTH);
    expect(errorOf('AND('.repeat(100_000)).code).toBe('POLICY_TOO_COMPLEX');
  });

  it('limits the number of principals to 1024', () => {
    const many = (count: number) =>
      `OR(${Array.from({ length: count }, (_, i) => `'Org${i}.member'`).join(', ')})`;
    expect(() => parsePolicy(many(MAX_POLICY_PRINCIPALS))).not.toThrow();
    const err = errorOf(many(MAX_POLICY_PRINCIPALS + 1));
    expect(err.code).toBe('POLICY_TOO_COMPLEX');
    expect(err.detail?.limit).toBe(MAX_POLICY_PRINCIPALS);
  });
});

describe('formatPolicy', () => {
  it('prints the canonical form', () => {
    expect(
      formatPolicy(
        parsePolicy(
          ` and( "A.member",outof(1,'B.peer',"C.peer"), OutOf(2, 'D.admin', 'E.client', 'F.orderer'))`,
        ),
      ),
    ).toBe(`AND('A.member', OR('B.peer', 'C.peer'), OutOf(2, 'D.admin', 'E.client', 'F.orderer'))`);
    expect(formatPolicy(parsePolicy(`OR('A.member')`))).toBe(`AND('A.member')`);
    expect(formatPolicy(parsePolicy(`majority admin`))).toBe('MAJORITY Admins');
    expect(formatPolicy(leaf('X', 'peer'))).toBe(`'X.peer'`);
    expect(formatPolicy(meta('MAJORITY', 'Admins'))).toBe('MAJORITY Admins');
    expect(formatPolicy({ kind: 'outOf', n: 1, rules: [leaf('R', 'admin'), meta('ALL', 'Admins')] })).toBe(
      `OR('R.admin', ALL Admins)`,
    );
  });

  it('round-trips the examples', () => {
    for (const text of [
      NP,
      `OR('TelcoA.peer', "TelcoB.admin")`,
      `OutOf(1, 'A.member', AND('B.admin', 'C.client'))`,
      'ANY Writers',
      `AND('Regulator.admin', MAJORITY Admins)`,
      `OR('Regulator.admin', ALL Admins)`,
      `OutOf(2, 'A.admin', ANY Writers, MAJORITY Admins)`,
      `AND(MAJORITY Admins)`,
    ]) {
      const p = parsePolicy(text);
      expect(parsePolicy(formatPolicy(p))).toEqual(p);
    }
  });
});
