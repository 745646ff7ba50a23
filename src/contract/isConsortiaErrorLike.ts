import { ConsortiaError } from '../common/index.js';
import { toJsonValue } from './jsonValue.js';
import type { SimulationError } from './types.js';

/**
 * True for a ConsortiaError (or ContractError), also one made by another copy of the common
 * module (a contract loaded through a different module loader).
 *
 * @example
 * isConsortiaErrorLike(new ContractError('NOT_OWNER', 'not yours')); // true
 */
export function isConsortiaErrorLike(err: unknown): err is ConsortiaError {
  if (err instanceof ConsortiaError) return true;
  return (
    err instanceof Error &&
    (err.name === 'ConsortiaError' || err.name === 'ContractError') &&
    typeof (err as { code?: unknown }).code === 'string'
  );
}

/**
 * The plain `{ code, message, detail? }` of an error, safe to send across a worker or REST
 * boundary. Anything that is not a ConsortiaError becomes `fallbackCode`.
 *
 * @example
 * errorToJson(new Error('boom'), 'CONTRACT_FAILED', 'assets.create failed'); // { code: 'CONTRACT_FAILED', message: 'assets.create failed: boom' }
 */
export function errorToJson(err: unknown, fallbackCode: string, prefix: string): SimulationError {
  if (isConsortiaErrorLike(err)) {
    const detail = safeDetail((err as { detail?: unknown }).detail);
    return detail === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, detail };
  }
  return { code: fallbackCode, message: `${prefix}: ${describeThrown(err)}` };
}

/** A one-line account of anything thrown (errors cloned across threads may arrive as plain objects). */
function describeThrown(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null) {
    const { message, code } = err as { message?: unknown; code?: unknown };
    if (typeof message === 'string') return message;
    if (typeof code === 'string') return code;
  }
  return String(err);
}

function safeDetail(detail: unknown): Record<string, unknown> | undefined {
  if (detail === undefined || detail === null || typeof detail !== 'object') return undefined;
  try {
    return toJsonValue(detail, 'the error detail') as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
