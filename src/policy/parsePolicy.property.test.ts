import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsortiaError } from '../common/index.js';
import {
  formatPolicy,
  type ImplicitMetaRule,
  META_SUB_POLICIES,
  type Policy,
  type PolicyNode,
  PRINCIPAL_ROLES,
  parsePolicy,
} from './index.js';

/** Fixed so that the property tests are deterministic. */
const SEED = 20_251_123;

const mspIdArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,10}$/);

const metaRuleArb = fc.constantFrom<ImplicitMetaRule>('ANY', 'MAJORITY', 'ALL');

const principalNodeArb = fc
  .record({ mspId: mspIdArb, role: fc.constantFrom(...PRINCIPAL_ROLES) })
  .map((principal): PolicyNode => ({ kind: 'principal', principal }));

const metaNodeArb = fc
  .record({ rule: metaRuleArb, subPolicy: fc.constantFrom(...META_SUB_POLICIES) })
  .map((m): PolicyNode => ({ kind: 'meta', ...m }));

/** Signature-policy roots: a principal or a call; meta terms appear only inside calls. */
const nodeArb: fc.Arbitrary<PolicyNode> = fc.letrec<{
  root: PolicyNode;
  node: PolicyNode;
  outOf: PolicyNode;
}>((tie) => ({
  root: fc.oneof({ maxDepth: 5, depthIdentifier: 'policy' }, principalNodeArb, tie('outOf')),
  node: fc.oneof({ maxDepth: 5, depthIdentifier: 'policy' }, principalNodeArb, metaNodeArb, tie('outOf')),
  outOf: fc
    .array(tie('node'), { minLength: 1, maxLength: 4, depthIdentifier: 'policy' })
    .chain((rules) =>
      fc.integer({ min: 1, max: rules.length }).map((n): PolicyNode => ({ kind: 'outOf', n, rules })),
    ),
})).root;

const policyArb: fc.Arbitrary<Policy> = fc.oneof(
  nodeArb.map((root): Policy => ({ kind: 'signature', root, text: formatPolicy(root) })),
  fc
    .record({
      rule: metaRuleArb,
      subPolicy: fc.constantFrom(...META_SUB_POLICIES),
    })
    .map((m): Policy => ({ kind: 'implicitMeta', ...m, text: `${m.rule} ${m.subPolicy}` })),
);

const TOKENS = [
  'AND',
  'and',
  'OR',
  'Or',
  'OutOf',
  'outof',
  '(',
  ')',
  ',',
  ' ',
  '\n',
  "'A.member'",
  '"B.peer"',
  "'C.boss'",
  "'D'",
  "'",
  '"',
  '.',
  '0',
  '1',
  '2',
  '-1',
  '1.5',
  'ANY',
  'majority',
  'Writers',
  'Admin',
  ' Admins',
  'all endorsements',
  'x',
  'AND(AND(AND(AND(AND(AND(AND(AND(',
];

function hasMeta(node: PolicyNode): boolean {
  return node.kind === 'meta' || (node.kind === 'outOf' && node.rules.some(hasMeta));
}

describe('parsePolicy properties', () => {
  it('generates meta terms inside signature policies', () => {
    const samples = fc.sample(policyArb, { numRuns: 500, seed: SEED });
    expect(samples.some((p) => p.kind === 'signature' && hasMeta(p.root))).toBe(true);
    expect(samples.some((p) => p.kind === 'signature' && !hasMeta(p.root))).toBe(true);
  });

  it('format then parse yields the same policy', () => {
    fc.assert(
      fc.property(policyArb, (policy) => {
        const text = formatPolicy(policy);
        const parsed = parsePolicy(text);
        expect(parsed).toEqual(policy);
        expect(parsed.text).toBe(text);
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  it('random text either parses to a canonical policy or throws a positioned policy error', () => {
    const textArb = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((tokens) => tokens.join('')),
    );
    fc.assert(
      fc.property(textArb, (text) => {
        let policy: Policy;
        try {
          policy = parsePolicy(text);
        } catch (err) {
          expect(err).toBeInstanceOf(ConsortiaError);
          const e = err as ConsortiaError;
          expect(['POLICY_SYNTAX', 'POLICY_TOO_COMPLEX']).toContain(e.code);
          const position = e.detail?.position;
          expect(Number.isInteger(position)).toBe(true);
          expect(position as number).toBeGreaterThanOrEqual(0);
          expect(position as number).toBeLessThanOrEqual(text.length);
          expect(e.message).toContain(`at position ${String(position)}`);
          return;
        }
        expect(parsePolicy(policy.text)).toEqual(policy);
      }),
      { numRuns: 3000, seed: SEED },
    );
  });
});
