/**
 * The CRL Number extension (RFC 5280 §5.2.3, OID 2.5.29.20): a non-critical, monotonically
 * increasing INTEGER. @peculiar/x509 has no class for it, so its tiny DER is written here.
 */
export const CRL_NUMBER_OID = '2.5.29.20';

/** DER INTEGER of a non-negative number. */
export function encodeCrlNumber(n: bigint): Uint8Array {
  if (n < 0n) throw new RangeError('CRL number must be non-negative');
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let body = Buffer.from(hex, 'hex');
  if ((body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  if (body.length > 20) throw new RangeError('CRL number must fit in 20 octets');
  return new Uint8Array(Buffer.concat([Buffer.from([0x02, body.length]), body]));
}

/** Reads a DER INTEGER written by {@link encodeCrlNumber}; `undefined` when it is not one. */
export function decodeCrlNumber(der: Uint8Array): bigint | undefined {
  if (der.length < 3 || der[0] !== 0x02 || der[1] !== der.length - 2 || der.length - 2 > 21) return undefined;
  const body = der.subarray(2);
  if ((body[0] ?? 0) & 0x80) return undefined;
  return BigInt(`0x${Buffer.from(body).toString('hex')}`);
}
