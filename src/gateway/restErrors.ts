import type { FastifyReply } from 'fastify';
import { ConsortiaError, toConsortiaError } from '../common/index.js';
import { statusForCode } from '../peer/index.js';
import { CommitError } from './errors.js';

/** Codes the REST gateway itself answers with (contract and peer codes pass through unchanged). */
export const RestErrorCodes = {
  /** The body is not JSON, or not one JSON object of named arguments. */
  MALFORMED_JSON: 'MALFORMED_JSON',
  /** Any other request Fastify could not read. */
  MALFORMED_REQUEST: 'MALFORMED_REQUEST',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  /** A path segment is not valid percent-encoding. */
  BAD_URL: 'BAD_URL',
  URL_TOO_LONG: 'URL_TOO_LONG',
  /** No route for this method and path. */
  NOT_FOUND: 'NOT_FOUND',
  /** No `X-Consortia-Identity` header and no default identity. */
  IDENTITY_REQUIRED: 'IDENTITY_REQUIRED',
  /** The events endpoint was called without a WebSocket upgrade. */
  UPGRADE_REQUIRED: 'UPGRADE_REQUIRED',
  /** A fault of the gateway itself, never of the request. */
  INTERNAL: 'INTERNAL',
} as const;

/** The body of every error answer. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly detail?: unknown };
}

/** Codes meaning that a node the gateway needs is unreachable: the client may retry later. */
const UNAVAILABLE = new Set([
  'ENDORSERS_UNAVAILABLE',
  'NO_ENDORSERS',
  'ORDERERS_UNAVAILABLE',
  'ORDERER_STOPPED',
  'PEERS_UNAVAILABLE',
  'RUNTIME_CLOSED',
  'UNAVAILABLE',
]);

/**
 * HTTP status of an error: 409 for a transaction ordered but invalid, 503/504 when a node is
 * unreachable or the commit is late, else the shared code mapping of the peers (403 not allowed,
 * 404 unknown, 409 conflict, 400 other bad input, 500 only for faults of a node).
 *
 * @example
 * httpStatusFor(new ConsortiaError('UNKNOWN_CHANNEL', 'no such channel')); // 404
 */
export function httpStatusFor(err: ConsortiaError): number {
  if (err instanceof CommitError) return 409;
  if (UNAVAILABLE.has(err.code)) return 503;
  if (err.code === 'COMMIT_TIMEOUT') return 504;
  if (err.code === RestErrorCodes.UPGRADE_REQUIRED) return 426;
  return statusForCode(err.code);
}

/**
 * The `{ error: { code, message, detail? } }` body of an error.
 *
 * @example
 * errorBody(new ConsortiaError('UNKNOWN_BLOCK', 'channel telecom has no block 9')).error.code; // 'UNKNOWN_BLOCK'
 */
export function errorBody(err: unknown): ErrorBody {
  const e = toConsortiaError(err);
  return { error: e.detail === undefined ? { code: e.code, message: e.message } : e.toJSON() };
}

/** Sends an error answer; the status is `httpStatusFor(err)` unless given. */
export function sendError(reply: FastifyReply, err: unknown, status?: number): FastifyReply {
  const e = toConsortiaError(err);
  return reply.code(status ?? httpStatusFor(e)).send(errorBody(e));
}

/** Fastify's own request errors (body parsing, URL decoding), by their Fastify code. */
const FRAMEWORK_ERRORS: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: RestErrorCodes.MALFORMED_JSON,
    message: 'the body is not valid JSON; send one JSON object of named arguments',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: RestErrorCodes.MALFORMED_JSON,
    message: 'the body is empty; send one JSON object of named arguments',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: RestErrorCodes.UNSUPPORTED_MEDIA_TYPE,
    message: 'the body must be JSON: send it with content-type application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: RestErrorCodes.BODY_TOO_LARGE,
    message: 'the body is larger than the gateway accepts (1 MiB); send smaller arguments',
  },
  FST_ERR_BAD_URL: {
    code: RestErrorCodes.BAD_URL,
    message: 'the URL holds invalid percent-encoding; encode path segments with encodeURIComponent',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    code: RestErrorCodes.URL_TOO_LONG,
    message: 'a path segment of the URL is too long; channel, contract and function names are short',
  },
};

/**
 * Turns an error Fastify raised while reading a request into a ConsortiaError with its status,
 * or undefined when it is not a request error (a 4xx).
 */
export function frameworkError(err: unknown): { status: number; error: ConsortiaError } | undefined {
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown } | null;
  if (!e || typeof e.statusCode !== 'number' || e.statusCode < 400 || e.statusCode >= 500) return undefined;
  const known = typeof e.code === 'string' ? FRAMEWORK_ERRORS[e.code] : undefined;
  const error = known
    ? new ConsortiaError(known.code, known.message)
    : new ConsortiaError(RestErrorCodes.MALFORMED_REQUEST, `the request is malformed: ${String(e.message)}`);
  return { status: e.statusCode, error };
}
