import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fromBase64 } from '../common/index.js';
import { sha256Hex } from '../crypto/index.js';
import type { ChannelConfig } from '../protocol/index.js';
import { normalizeSerial, parseCert, parseCrl } from './certificateParsing.js';

/** Where a certificate was found. */
export type CertificateKind = 'ca' | 'node' | 'user';

/** ok; expiring (within the warning window); expired; revoked (listed by a CRL); not-yet-valid; unreadable. */
export type CertificateStatus = 'ok' | 'expiring' | 'expired' | 'revoked' | 'not-yet-valid' | 'unreadable';

/** One certificate of the consortium, as the dashboard lists it. No key material. */
export interface CertificateEntry {
  readonly kind: CertificateKind;
  /** The org folder (or MSP id for CA certificates from the channel config). */
  readonly org: string;
  readonly mspId: string | null;
  readonly name: string;
  readonly role: string | null;
  readonly serial: string | null;
  readonly subject: string | null;
  readonly issuer: string | null;
  readonly notBefore: string | null;
  readonly notAfter: string | null;
  /** Days until expiry, to the nearest whole day (negative once expired). */
  readonly daysLeft: number | null;
  readonly status: CertificateStatus;
  /** Path relative to the data dir, or `channel config` for CA certificates read from it. */
  readonly source: string;
  readonly revokedAt?: string;
  readonly error?: string;
}

/** One revoked serial. */
export interface RevokedSerial {
  readonly mspId: string;
  readonly serial: string;
  readonly revokedAt: string | null;
  readonly reason: string | null;
  /** True when a CRL in a channel config lists it; false when only the CA's records do. */
  readonly published: boolean;
  /** The certificate it revokes, when one in the data dir has that serial. */
  readonly holder?: string;
}

/** A CRL from a channel configuration. */
export interface CrlEntry {
  readonly mspId: string;
  readonly channels: readonly string[];
  readonly issuer: string;
  readonly thisUpdate: string;
  readonly nextUpdate: string | null;
  readonly crlNumber: string | null;
  /** SHA-256 of the CRL DER (hex): a CRL's identity for change detection. */
  readonly sha256: string;
  readonly revokedSerials: readonly string[];
  readonly error?: string;
}

export interface CertificateReport {
  readonly generatedAt: string;
  readonly warnDays: number;
  /** Sorted by expiry, soonest (or already expired) first; unreadable ones last. */
  readonly certificates: readonly CertificateEntry[];
  readonly crls: readonly CrlEntry[];
  readonly revokedSerials: readonly RevokedSerial[];
}

export interface CertificateReportOptions {
  /** Data dir to scan: `<org>/ca/ca-cert.pem`, `<org>/<node>/cert.pem`, `<org>/users/<name>/cert.pem`. */
  readonly dataDir?: string;
  /** Channel configurations in force (CRLs and root certificates). */
  readonly channelConfigs: readonly ChannelConfig[];
  readonly now?: Date;
  /** Days before expiry that count as a warning; default 30. */
  readonly warnDays?: number;
}

const DAY_MS = 86_400_000;
const MAX_FILES = 5000;

interface FoundCert {
  readonly kind: CertificateKind;
  readonly org: string;
  readonly name: string;
  readonly path: string;
}

/** Every certificate file of a data dir's usual layout. */
function findCertFiles(dataDir: string): FoundCert[] {
  const out: FoundCert[] = [];
  const dirs = (p: string) => {
    try {
      return readdirSync(p, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
        .map((d) => d.name)
        .sort();
    } catch {
      return [];
    }
  };
  for (const org of dirs(dataDir)) {
    if (org === 'channels') continue;
    const orgDir = join(dataDir, org);
    for (const sub of dirs(orgDir)) {
      if (out.length >= MAX_FILES) return out;
      if (sub === 'ca') {
        const path = join(orgDir, 'ca', 'ca-cert.pem');
        if (existsSync(path)) out.push({ kind: 'ca', org, name: 'ca', path });
      } else if (sub === 'users') {
        for (const user of dirs(join(orgDir, 'users'))) {
          const path = join(orgDir, 'users', user, 'cert.pem');
          if (existsSync(path)) out.push({ kind: 'user', org, name: user, path });
        }
      } else {
        const path = join(orgDir, sub, 'cert.pem');
        if (existsSync(path)) out.push({ kind: 'node', org, name: sub, path });
      }
    }
  }
  return out;
}

/** Days until expiry, to the nearest whole day (negative once expired). */
function daysUntil(notAfter: Date, now: Date): number {
  return Math.round((notAfter.getTime() - now.getTime()) / DAY_MS) || 0;
}

function statusOf(notBefore: Date, notAfter: Date, now: Date, warnDays: number): CertificateStatus {
  if (notAfter.getTime() < now.getTime()) return 'expired';
  if (notBefore.getTime() > now.getTime()) return 'not-yet-valid';
  if (notAfter.getTime() - now.getTime() <= warnDays * DAY_MS) return 'expiring';
  return 'ok';
}

function describeCert(
  pem: string,
  found: Omit<FoundCert, 'path'> & { source: string },
  now: Date,
  warnDays: number,
): CertificateEntry {
  const base = { kind: found.kind, org: found.org, name: found.name, source: found.source };
  const cert = parseCert(pem, found.kind === 'ca');
  if ('error' in cert) {
    return {
      ...base,
      mspId: null,
      role: null,
      serial: null,
      subject: null,
      issuer: null,
      notBefore: null,
      notAfter: null,
      daysLeft: null,
      status: 'unreadable',
      error: cert.error,
    };
  }
  return {
    ...base,
    name: found.kind === 'ca' ? found.name : (cert.name ?? found.name),
    mspId: cert.mspId,
    role: cert.role,
    serial: cert.serial,
    subject: cert.subject,
    issuer: cert.issuer,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    daysLeft: daysUntil(cert.notAfter, now),
    status: statusOf(cert.notBefore, cert.notAfter, now, warnDays),
  };
}

function readCrls(configs: readonly ChannelConfig[]): {
  crls: CrlEntry[];
  revoked: Map<string, RevokedSerial>;
} {
  const byHash = new Map<string, CrlEntry & { channels: string[] }>();
  const revoked = new Map<string, RevokedSerial>();
  for (const config of configs) {
    for (const org of [...config.orgs, ...config.ordererOrgs]) {
      for (const b64 of org.crls ?? []) {
        let der: Uint8Array;
        try {
          der = fromBase64(b64);
        } catch {
          der = new Uint8Array();
        }
        const hash = sha256Hex(der);
        const seen = byHash.get(hash);
        if (seen) {
          if (!seen.channels.includes(config.channel)) seen.channels.push(config.channel);
          continue;
        }
        const crl = parseCrl(der, hash);
        if ('error' in crl) {
          byHash.set(hash, {
            mspId: org.mspId,
            channels: [config.channel],
            issuer: '(unreadable)',
            thisUpdate: new Date(0).toISOString(),
            nextUpdate: null,
            crlNumber: null,
            sha256: hash,
            revokedSerials: [],
            error: crl.error,
          });
          continue;
        }
        for (const e of crl.entries) {
          revoked.set(`${org.mspId}/${e.serial}`, { mspId: org.mspId, ...e, published: true });
        }
        byHash.set(hash, {
          mspId: org.mspId,
          channels: [config.channel],
          issuer: crl.issuer,
          thisUpdate: crl.thisUpdate,
          nextUpdate: crl.nextUpdate,
          crlNumber: crl.crlNumber,
          sha256: hash,
          revokedSerials: crl.entries.map((e) => e.serial),
        });
      }
    }
  }
  return { crls: [...byHash.values()], revoked };
}

/** Revocations a CA recorded in its `state.json` (public: serials, reasons and dates only). */
function readCaRevocations(
  dataDir: string,
  org: string,
): { serial: string; reason: string; revokedAt: string }[] {
  try {
    const state = JSON.parse(readFileSync(join(dataDir, org, 'ca', 'state.json'), 'utf8')) as {
      mspId?: unknown;
      revoked?: unknown;
    };
    if (!Array.isArray(state.revoked)) return [];
    return state.revoked.filter(
      (r): r is { serial: string; reason: string; revokedAt: string } =>
        typeof r?.serial === 'string' && typeof r?.reason === 'string' && typeof r?.revokedAt === 'string',
    );
  } catch {
    return [];
  }
}

/**
 * Lists every certificate of the consortium — CA, node and user certificates of a data dir,
 * and the CA certificates of the channel configs — sorted by expiry, with each one's status
 * (`expiring` within `warnDays`, `expired`, `revoked` by a CRL of a channel config), the CRLs of
 * the channel configs and every revoked serial. It reads certificates only, never keys.
 *
 * @example
 * const report = readCertificateReport({ dataDir, channelConfigs: [peer.channelConfig('telecom')] });
 * report.certificates.filter((c) => c.status === 'expiring');
 */
export function readCertificateReport(opts: Readonly<CertificateReportOptions>): CertificateReport {
  const now = opts.now ?? new Date();
  const warnDays = opts.warnDays ?? 30;
  const { crls, revoked } = readCrls(opts.channelConfigs);
  const certs: CertificateEntry[] = [];
  const orgs = new Set<string>();
  if (opts.dataDir) {
    for (const f of findCertFiles(opts.dataDir)) {
      orgs.add(f.org);
      let pem: string;
      try {
        pem = readFileSync(f.path, 'utf8');
      } catch {
        pem = '';
      }
      certs.push(describeCert(pem, { ...f, source: relative(opts.dataDir, f.path) }, now, warnDays));
    }
    for (const org of orgs) {
      for (const r of readCaRevocations(opts.dataDir, org)) {
        const serial = normalizeSerial(r.serial);
        const key = `${org}/${serial}`;
        if (revoked.has(key)) continue;
        revoked.set(key, { mspId: org, serial, revokedAt: r.revokedAt, reason: r.reason, published: false });
      }
    }
  }
  const known = new Set(certs.map((c) => `${c.mspId}/${c.serial}`));
  for (const config of opts.channelConfigs) {
    for (const org of [...config.orgs, ...config.ordererOrgs]) {
      for (const pem of [...org.rootCerts, ...(org.intermediateCerts ?? [])]) {
        const entry = describeCert(
          pem,
          { kind: 'ca', org: org.mspId, name: 'ca', source: `channel config ${config.channel}` },
          now,
          warnDays,
        );
        const key = `${entry.mspId}/${entry.serial}`;
        if (known.has(key)) continue;
        known.add(key);
        certs.push(entry);
      }
    }
  }
  const withRevocation = certs.map((c): CertificateEntry => {
    const r = c.serial === null ? undefined : revoked.get(`${c.mspId}/${c.serial}`);
    if (!r?.published) return c;
    return r.revokedAt === null
      ? { ...c, status: 'revoked' }
      : { ...c, status: 'revoked', revokedAt: r.revokedAt };
  });
  const holders = new Map(withRevocation.map((c) => [`${c.mspId}/${c.serial}`, `${c.org}/${c.name}`]));
  const expiry = (c: CertificateEntry) =>
    c.notAfter === null ? Number.POSITIVE_INFINITY : Date.parse(c.notAfter);
  withRevocation.sort((a, b) => expiry(a) - expiry(b) || a.source.localeCompare(b.source));
  return {
    generatedAt: now.toISOString(),
    warnDays,
    certificates: withRevocation,
    crls,
    revokedSerials: [...revoked.values()].map((r) => {
      const holder = holders.get(`${r.mspId}/${r.serial}`);
      return holder === undefined ? r : { ...r, holder };
    }),
  };
}
