import { ConsortiaError } from '../common/index.js';

/** Calls the REST gateway; a `{ error }` answer becomes a ConsortiaError with its code. */
export async function callGateway(
  url: string,
  path: string,
  init: { method?: string; body?: unknown; identity?: string | undefined } = {},
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(new URL(path, url), {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.identity ? { 'x-consortia-identity': init.identity } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch (err) {
    throw new ConsortiaError(
      'GATEWAY_UNREACHABLE',
      `cannot reach the gateway at ${url} (is \`consortia up\` running?): ${(err as Error).message}`,
    );
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new ConsortiaError(
      'BAD_GATEWAY_RESPONSE',
      `the gateway answered ${res.status} with non-JSON content`,
    );
  }
  if (!res.ok) {
    const e = (
      json as { error?: { code?: string; message?: string; detail?: Record<string, unknown> } } | null
    )?.error;
    throw new ConsortiaError(
      e?.code ?? `HTTP_${res.status}`,
      e?.message ?? `the gateway answered ${res.status}`,
      e?.detail,
    );
  }
  return json;
}

/** Parses a JSON argument object given on the command line. */
export function parseJsonArgs(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConsortiaError(
      'INVALID_ARGUMENT',
      `arguments must be a JSON object, for example '{"id":"a1"}'; got: ${text.slice(0, 60)}`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConsortiaError('INVALID_ARGUMENT', 'arguments must be one JSON object of named arguments');
  }
  return value as Record<string, unknown>;
}
