import type { z } from 'zod';
import { ConsortiaError } from '../../common/index.js';

/** A zod issue path as text: `object.proof.jws`, `preconditions[0].issuers[1]`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/**
 * Parses `value` with `schema`, or throws `code` naming the first failing path and listing all
 * issues in the detail.
 *
 * @example
 * const vc = parseWith(credentialSchema, input, 'CREDENTIAL_MALFORMED', 'credential');
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: string,
  what: string,
): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message }));
  const first = issues[0] ?? { path: '(root)', message: 'does not match the schema' };
  throw new ConsortiaError(code, `the ${what} is invalid at ${first.path}: ${first.message}`, {
    path: first.path,
    issues,
  });
}
