/** Small helpers to move certificates and CRLs between PEM and DER, and to normalise serials. */

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** The DER of every PEM block labelled `label` in `text`, in order. */
export function pemBlocks(text: string, label: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    if (m[1] === label) out.push(new Uint8Array(Buffer.from((m[2] ?? '').replace(/\s+/g, ''), 'base64')));
  }
  return out;
}

/** PEM text of a DER object, 64 characters per line, ending with a newline. */
export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * DER of a certificate (or CRL) given as PEM text or DER bytes. PEM text without a block of
 * `label` gives `undefined`.
 */
export function toDer(input: string | Uint8Array, label: string): Uint8Array | undefined {
  if (typeof input !== 'string') return input;
  return pemBlocks(input, label)[0];
}

/** A Buffer view over the same bytes (no copy), for Node APIs. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A serial number in the one form used throughout Consortia: lowercase hex without the sign
 * byte (`00`) that DER adds to positive integers with the high bit set. `undefined` if not hex.
 */
export function normalizeSerial(serial: string): string | undefined {
  let hex = serial.trim().toLowerCase().replace(/:/g, '');
  if (hex.length === 0 || !/^[0-9a-f]+$/.test(hex)) return undefined;
  if (hex.length % 2 === 1) hex = `0${hex}`;
  while (hex.length > 2 && hex.startsWith('00')) hex = hex.slice(2);
  return hex;
}

/** Splits a PEM bundle (e.g. a CA's `chainPem`) into single-certificate PEM strings. */
export function splitPemBundle(bundle: string): string[] {
  return pemBlocks(bundle, 'CERTIFICATE').map((der) => toPem(der, 'CERTIFICATE'));
}
