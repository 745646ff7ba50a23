import { ConsortiaError } from '../common/index.js';
import type { GatewayService } from './gatewayService.js';

/** The header naming the wallet identity a request acts as, as users write it (and messages name it). */
export const IDENTITY_HEADER_NAME = 'X-Consortia-Identity';
/** `IDENTITY_HEADER_NAME` in lower case, as Node gives headers. */
export const IDENTITY_HEADER = IDENTITY_HEADER_NAME.toLowerCase();

/** Deepest nesting of arguments the gateway forwards (canonical JSON allows 64 levels). */
const MAX_ARGS_DEPTH = 32;

/** A value quoted for an error message: JSON, cut to a readable length. */
export function quote(value: unknown, max = 80): string {
  const text = JSON.stringify(typeof value === 'string' ? value : String(value));
  return text.length > max ? `${text.slice(0, max)}…"` : text;
}

/**
 * The channel, when a peer of the gateway serves it; else UNKNOWN_CHANNEL (404).
 *
 * @example
 * requireChannel(gateway, 'telecom'); // 'telecom'
 */
export function requireChannel(gateway: GatewayService, channel: string): string {
  if (!gateway.channels().includes(channel)) {
    throw new ConsortiaError(
      'UNKNOWN_CHANNEL',
      `unknown channel ${quote(channel)}; channels: ${gateway.channels().join(', ') || '(none)'}`,
      { channel: channel.slice(0, 256) },
    );
  }
  return channel;
}

/**
 * A non-negative integer from a path segment or query parameter; else INVALID_ARGUMENT (400).
 *
 * @example
 * parseNonNegativeInt('12', 'block number'); // 12
 */
export function parseNonNegativeInt(value: unknown, what: string): number {
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) {
    throw new ConsortiaError('INVALID_ARGUMENT', `${what} ${quote(value, 40)} is not a non-negative integer`);
  }
  return Number(value);
}

/**
 * The named arguments of a request body: an absent body means none, anything but one JSON
 * object (or one nesting deeper than 32 levels) is INVALID_ARGUMENT (400).
 *
 * @example
 * argsOf({ number: '+4915112345678' }); // the same object
 */
export function argsOf(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ConsortiaError(
      'INVALID_ARGUMENT',
      'the body must be one JSON object of named arguments, for example {"number":"+4915112345678"}',
    );
  }
  if (depthOf(body) > MAX_ARGS_DEPTH) {
    throw new ConsortiaError('INVALID_ARGUMENT', `the arguments nest deeper than ${MAX_ARGS_DEPTH} levels`);
  }
  return body as Record<string, unknown>;
}

/** Nesting depth of a parsed JSON value, without recursion. */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > MAX_ARGS_DEPTH) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** The identity label of an `X-Consortia-Identity` header (the first, when sent twice). */
export function identityLabel(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const label = value?.trim();
  return label ? label : undefined;
}
