import { ConsortiaError, fromUtf8 } from '../common/index.js';
import { decodeProposalResponse as decode } from '../protocol/index.js';

export const decodeProposalResponse = decode;

/** Turns a failed endorser response into the ConsortiaError it carries. */
export function fromResponseError(response: {
  status: number;
  message: string;
  payload: Uint8Array;
}): ConsortiaError {
  try {
    const json = JSON.parse(fromUtf8(response.payload)) as {
      code?: unknown;
      message?: unknown;
      detail?: unknown;
    };
    if (typeof json.code === 'string' && typeof json.message === 'string') {
      return new ConsortiaError(
        json.code,
        json.message,
        (json.detail as Record<string, unknown> | undefined) ?? undefined,
      );
    }
  } catch {
    // fall through to a generic error
  }
  return new ConsortiaError(
    response.status >= 500 ? 'ENDORSER_FAILED' : 'ENDORSEMENT_REFUSED',
    response.message || `endorser answered ${response.status}`,
  );
}

/** Parses a successful response's JSON result. */
export function resultOf(payload: Uint8Array): unknown {
  if (payload.byteLength === 0) return null;
  return JSON.parse(fromUtf8(payload));
}
