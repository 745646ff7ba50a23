import 'reflect-metadata';
import { X509Certificate } from 'node:crypto';
import { X509Crl, X509CrlReason } from '@peculiar/x509';
import { sha256Hex } from '../crypto/index.js';
import { parseIdentityCert } from '../identity/index.js';

/**
 * Parsing of certificates and CRLs for the dashboard's certificate report. Parsing is slow
 * (milliseconds each) and reports are frequent, so results are kept per distinct content.
 */

const CRL_NUMBER_OID = '2.5.29.20';

/** A serial as lowercase hex without leading zero bytes, as the rest of Consortia writes it. */
export function normalizeSerial(serial: string): string {
  let hex = serial.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length % 2 === 1) hex = `0${hex}`;
  while (hex.length > 2 && hex.startsWith('00')) hex = hex.slice(2);
  return hex;
}

/** The first value of an attribute (CN, O, OU) in a distinguished name `A=x, B=y`. */
export function field(name: string, dn: string): string | undefined {
  return new RegExp(`(?:^|,\\s*)${name}=([^,]+)`).exec(dn)?.[1];
}

/** What a certificate says. */
export interface ParsedCert {
  readonly mspId: string | null;
  readonly name: string | null;
  readonly role: string | null;
  readonly serial: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

const MAX_CACHED = 10_000;
const certCache = new Map<string, ParsedCert | { readonly error: string }>();

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, value);
  return value;
}

/**
 * Parses a PEM certificate: X.509 fields, and for an identity certificate its MSP, name and role
 * (from the Consortia identity extension). Anything unreadable gives `{ error }`.
 */
export function parseCert(pem: string, isCa: boolean): ParsedCert | { readonly error: string } {
  const key = `${isCa ? 'ca' : 'id'}:${sha256Hex(Buffer.from(pem))}`;
  const cached = certCache.get(key);
  if (cached) return cached;
  try {
    const cert = new X509Certificate(pem);
    const subject = cert.subject.split('\n').join(', ');
    let parsed: ParsedCert = {
      mspId: field('O', subject) ?? null,
      name: field('CN', subject) ?? null,
      role: isCa ? 'ca' : (field('OU', subject) ?? null),
      serial: normalizeSerial(cert.serialNumber),
      subject,
      issuer: cert.issuer.split('\n').join(', '),
      notBefore: new Date(cert.validFrom),
      notAfter: new Date(cert.validTo),
    };
    if (!isCa) {
      try {
        const info = parseIdentityCert(pem);
        parsed = { ...parsed, mspId: info.mspId, name: info.name, role: info.role };
      } catch {
        // not a Consortia identity certificate: listed with what X.509 says
      }
    }
    return remember(certCache, key, parsed);
  } catch (err) {
    return remember(certCache, key, {
      error: `the file does not hold a readable certificate: ${(err as Error).message}`,
    });
  }
}

/** Decodes the CRL number extension (a DER INTEGER) as a decimal string. */
function crlNumberOf(crl: X509Crl): string | null {
  const ext = crl.getExtension(CRL_NUMBER_OID);
  if (!ext) return null;
  const v = new Uint8Array(ext.value);
  if (v[0] !== 0x02 || v[1] === undefined || v[1] > 0x7f || v.length !== 2 + v[1]) return null;
  let n = 0n;
  for (const b of v.subarray(2)) n = (n << 8n) | BigInt(b);
  return n.toString();
}

export interface ParsedCrl {
  readonly issuer: string;
  readonly thisUpdate: string;
  readonly nextUpdate: string | null;
  readonly crlNumber: string | null;
  readonly entries: readonly { serial: string; revokedAt: string; reason: string | null }[];
}

const crlCache = new Map<string, ParsedCrl | { readonly error: string }>();

/** Parses a DER CRL (its SHA-256 `hash` names it in the cache), or gives `{ error }`. */
export function parseCrl(der: Uint8Array, hash: string): ParsedCrl | { readonly error: string } {
  const cached = crlCache.get(hash);
  if (cached) return cached;
  try {
    const crl = new X509Crl(der);
    return remember(crlCache, hash, {
      issuer: crl.issuer,
      thisUpdate: crl.thisUpdate.toISOString(),
      nextUpdate: crl.nextUpdate?.toISOString() ?? null,
      crlNumber: crlNumberOf(crl),
      entries: crl.entries.map((e) => ({
        serial: normalizeSerial(e.serialNumber),
        revokedAt: e.revocationDate.toISOString(),
        reason: e.reason === undefined ? null : (X509CrlReason[e.reason] ?? String(e.reason)),
      })),
    });
  } catch (err) {
    return remember(crlCache, hash, { error: `the CRL does not parse: ${(err as Error).message}` });
  }
}
