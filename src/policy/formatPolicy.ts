import type { Policy, PolicyNode } from './types.js';

function formatNode(node: PolicyNode): string {
  if (node.kind === 'principal') return `'${node.principal.mspId}.${node.principal.role}'`;
  if (node.kind === 'meta') return `${node.rule} ${node.subPolicy}`;
  const args = node.rules.map(formatNode).join(', ');
  if (node.n === node.rules.length) return `AND(${args})`;
  if (node.n === 1) return `OR(${args})`;
  return node.rules.length === 0 ? `OutOf(${node.n})` : `OutOf(${node.n}, ${args})`;
}

/**
 * The canonical text of a policy or policy node: `outOf(len)` prints as `AND`, `outOf(1)` as `OR`
 * (when there is more than one rule), other thresholds as `OutOf(n, ...)`; principals in single
 * quotes; meta terms unquoted as `RULE SubPolicy` (`MAJORITY Admins`); `, ` between arguments.
 * `parsePolicy(formatPolicy(p))` equals `p`.
 *
 * @example
 * formatPolicy(parsePolicy(`and( "A.member",outof(1,'B.peer','C.peer'))`));
 * // => "AND('A.member', OR('B.peer', 'C.peer'))"
 * formatPolicy(parsePolicy(`and('Regulator.admin', majority admin)`));
 * // => "AND('Regulator.admin', MAJORITY Admins)"
 */
export function formatPolicy(policy: Policy | PolicyNode): string {
  switch (policy.kind) {
    case 'signature':
      return formatNode(policy.root);
    case 'implicitMeta':
      return `${policy.rule} ${policy.subPolicy}`;
    default:
      return formatNode(policy);
  }
}
