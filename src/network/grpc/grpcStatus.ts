import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { ConsortiaError, fromUtf8, toConsortiaError, utf8 } from '../../common/index.js';
import { GrpcErrorCodes } from './errors.js';

/** Binary metadata key carrying a ConsortiaError as JSON. */
export const ERROR_METADATA_KEY = 'consortia-error-bin';

const STATUS_BY_CODE: Readonly<Record<string, status>> = {
  UNKNOWN_CHANNEL: status.NOT_FOUND,
  UNKNOWN_CONTRACT: status.NOT_FOUND,
  UNKNOWN_PEER: status.NOT_FOUND,
  FORBIDDEN: status.PERMISSION_DENIED,
  TLS_REFUSED: status.PERMISSION_DENIED,
  TLS_CERT_REVOKED: status.PERMISSION_DENIED,
  BAD_CREATOR: status.PERMISSION_DENIED,
  BAD_SIGNATURE: status.PERMISSION_DENIED,
  ENVELOPE_TOO_LARGE: status.RESOURCE_EXHAUSTED,
  MESSAGE_TOO_LARGE: status.RESOURCE_EXHAUSTED,
  RATE_LIMITED: status.RESOURCE_EXHAUSTED,
  ORDERER_STOPPED: status.UNAVAILABLE,
  UNAVAILABLE: status.UNAVAILABLE,
  INTERNAL: status.INTERNAL,
};

/**
 * Turns anything thrown by a service handler into a gRPC error whose metadata carries the
 * ConsortiaError (code, message, detail) as JSON, so the client rebuilds the same error.
 *
 * @example
 * callback(toServiceError(err));
 */
export function toServiceError(err: unknown): Partial<ServiceError> {
  const e = toConsortiaError(err);
  const metadata = new Metadata();
  metadata.set(ERROR_METADATA_KEY, Buffer.from(utf8(JSON.stringify(e.toJSON()))));
  const code =
    STATUS_BY_CODE[e.code] ??
    (e.code === 'INTERNAL' || e.code.startsWith('LEDGER_') ? status.INTERNAL : status.FAILED_PRECONDITION);
  return { code, details: `${e.code}: ${e.message}`, metadata };
}

/**
 * Rebuilds the ConsortiaError a node sent, or names the transport failure: UNAVAILABLE when the
 * node cannot be reached (so gateways fail over), MESSAGE_TOO_LARGE, TLS_REFUSED or
 * TRANSPORT_ERROR otherwise.
 *
 * @example
 * call.on('error', (err) => reject(fromServiceError(err, 'TelcoA.peer0')));
 */
export function fromServiceError(err: unknown, node: string): ConsortiaError {
  const se = err as Partial<ServiceError>;
  const carried = se.metadata?.get(ERROR_METADATA_KEY)[0];
  if (carried instanceof Buffer) {
    try {
      const json = JSON.parse(fromUtf8(carried)) as { code: string; message: string; detail?: never };
      if (typeof json.code === 'string' && typeof json.message === 'string')
        return ConsortiaError.fromJSON(json);
    } catch {
      // fall through to the status code
    }
  }
  const details = se.details ?? (err instanceof Error ? err.message : String(err));
  switch (se.code) {
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
    case status.CANCELLED:
      return new ConsortiaError(
        GrpcErrorCodes.UNAVAILABLE,
        `node ${node} is unreachable (${details}); retry or use another node`,
        { node },
      );
    case status.RESOURCE_EXHAUSTED:
      return new ConsortiaError(
        /larger than max/i.test(details) ? GrpcErrorCodes.MESSAGE_TOO_LARGE : GrpcErrorCodes.RATE_LIMITED,
        `node ${node} refused the message: ${details}`,
        { node },
      );
    case status.UNAUTHENTICATED:
      return new ConsortiaError(GrpcErrorCodes.TLS_REFUSED, `node ${node} refused this client: ${details}`, {
        node,
      });
    default:
      return new ConsortiaError(
        GrpcErrorCodes.TRANSPORT_ERROR,
        `node ${node} failed with gRPC status ${se.code ?? '?'}: ${details}`,
        { node, status: se.code ?? null },
      );
  }
}
