/**
 * Error codes of the policy layer. Every error thrown here is a `ConsortiaError` with one of
 * these codes.
 *
 * - `POLICY_SYNTAX`: the policy text does not parse; `detail` has `position` (0-based offset),
 *   and `expected` / `found` when they help.
 * - `POLICY_TOO_COMPLEX`: nesting deeper than `MAX_POLICY_DEPTH` or more than
 *   `MAX_POLICY_PRINCIPALS` principals and meta terms; `detail` has `position` and `limit`.
 * - `POLICY_INVALID`: a policy object built in code (not parsed) is malformed, for example
 *   `OutOf(0, ...)`, an unknown role, or a signature policy whose root is a meta term; `detail`
 *   has `reason`.
 */
export const POLICY_ERRORS = {
  POLICY_SYNTAX: 'POLICY_SYNTAX',
  POLICY_TOO_COMPLEX: 'POLICY_TOO_COMPLEX',
  POLICY_INVALID: 'POLICY_INVALID',
} as const;

export type PolicyErrorCode = (typeof POLICY_ERRORS)[keyof typeof POLICY_ERRORS];

/** Maximum nesting of `AND` / `OR` / `OutOf` calls. */
export const MAX_POLICY_DEPTH = 32;

/** Maximum number of principals in one signature policy; each meta term inside it counts as one. */
export const MAX_POLICY_PRINCIPALS = 1024;
