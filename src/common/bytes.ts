/** Small byte helpers shared by every layer. */
import { ConsortiaError } from './errors.js';

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

export function utf8(text: string): Uint8Array {
  return textEncoder.encode(text);
}

/**
 * Decodes UTF-8; throws BAD_ENCODING on invalid UTF-8 instead of substituting U+FFFD.
 *
 * @example
 * fromUtf8(utf8('héllo')) // 'héllo'
 */
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return textDecoder.decode(bytes);
  } catch (err) {
    throw new ConsortiaError('BAD_ENCODING', 'the bytes are not valid UTF-8', undefined, { cause: err });
  }
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Decodes hex (either case); throws BAD_ENCODING on an odd length or a non-hex character,
 * where Buffer.from(hex, 'hex') would silently drop the rest.
 *
 * @example
 * fromHex('00ff') // Uint8Array [0, 255]
 */
export function fromHex(hex: string): Uint8Array {
  if (!HEX.test(hex)) {
    throw new ConsortiaError(
      'BAD_ENCODING',
      'the text is not hex: expected an even number of 0-9a-f characters',
    );
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function fromBase64(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}
