import { type DescMessage, fromBinary, type MessageShape } from '@bufbuild/protobuf';
import { ConsortiaError } from '../common/index.js';

/** Largest message any decoder accepts (a block of many envelopes stays far below this). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * Decodes protobuf bytes, turning any failure into MALFORMED_MESSAGE that names the message.
 *
 * @example
 * const env = decodeMessage(EnvelopeSchema, bytes, 'envelope');
 */
export function decodeMessage<D extends DescMessage>(
  schema: D,
  bytes: Uint8Array,
  what: string,
): MessageShape<D> {
  if (!(bytes instanceof Uint8Array)) {
    throw new ConsortiaError('MALFORMED_MESSAGE', `the ${what} is not a byte array`);
  }
  if (bytes.byteLength > MAX_MESSAGE_BYTES) {
    throw new ConsortiaError('MALFORMED_MESSAGE', `the ${what} is larger than ${MAX_MESSAGE_BYTES} bytes`);
  }
  try {
    return fromBinary(schema, bytes);
  } catch (err) {
    throw new ConsortiaError(
      'MALFORMED_MESSAGE',
      `the ${what} could not be decoded: ${(err as Error).message}`,
      { what },
      { cause: err },
    );
  }
}

/**
 * Converts a number to a uint64 for the wire, refusing what decoding would refuse (negative,
 * fractional, non-finite or beyond 2^53) with MALFORMED_MESSAGE.
 *
 * @example
 * create(BlockHeaderSchema, { number: toUint64(opts.number, 'block number') });
 */
export function toUint64(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConsortiaError(
      'MALFORMED_MESSAGE',
      `the ${what} must be a whole number from 0 to 2^53 - 1, not ${value}`,
    );
  }
  return BigInt(value);
}

/** Converts a uint64 from the wire to a number, refusing values beyond 2^53. */
export function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ConsortiaError('MALFORMED_MESSAGE', `the ${what} ${value} is too large`);
  }
  return Number(value);
}
