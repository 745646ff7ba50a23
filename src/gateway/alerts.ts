import { statfsSync } from 'node:fs';
import type { CertificateReport } from './certificates.js';
import type { ConsortiumOverview } from './overview.js';

export type AlertSeverity = 'critical' | 'warning' | 'info';

export type AlertKind =
  | 'NODE_DOWN'
  | 'PEER_LAGGING'
  | 'DISK_SPACE_LOW'
  | 'CERT_EXPIRED'
  | 'CERT_EXPIRING'
  | 'CRL_UPDATED'
  | 'ENDORSEMENT_POLICY_FAILURE_BURST';

/** One active alert. `id` is stable while the condition lasts; `since` is when it was first seen. */
export interface Alert {
  readonly id: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly subject: string;
  readonly message: string;
  readonly since: string;
}

/** When conditions become alerts. */
export interface AlertThresholds {
  /** A peer this many blocks behind is lagging at once. */
  readonly lagBlocks: number;
  /** A peer behind by any number of blocks for longer than this (ms) is lagging. */
  readonly lagGraceMs: number;
  /** Free space of the data dir's file system below this many bytes is low... */
  readonly diskFreeMinBytes: number;
  /** ...or below this share of the file system. */
  readonly diskFreeMinRatio: number;
  /** This many ENDORSEMENT_POLICY_FAILUREs on a channel... */
  readonly epfBurstCount: number;
  /** ...within this window (ms) make a burst. */
  readonly epfBurstWindowMs: number;
  /** A CRL issued (or first seen) within this window (ms) is reported as updated. */
  readonly crlRecentMs: number;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = Object.freeze({
  lagBlocks: 5,
  lagGraceMs: 30_000,
  diskFreeMinBytes: 1024 ** 3,
  diskFreeMinRatio: 0.05,
  epfBurstCount: 5,
  epfBurstWindowMs: 60_000,
  crlRecentMs: 86_400_000,
});

/** Free and total bytes of the file system holding `path`. */
export interface DiskSpace {
  readonly path: string;
  readonly freeBytes: number;
  readonly totalBytes: number;
}

/**
 * Free space of the file system that holds `path`; undefined when it cannot be read.
 *
 * @example
 * diskSpace('./data')?.freeBytes;
 */
export function diskSpace(path: string): DiskSpace | undefined {
  try {
    const s = statfsSync(path);
    return { path, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return undefined;
  }
}

/** What one evaluation looks at. */
export interface AlertInputs {
  readonly now: Date;
  readonly overview: ConsortiumOverview;
  readonly certificates: CertificateReport;
  readonly disk?: DiskSpace | undefined;
  /** ENDORSEMENT_POLICY_FAILUREs per channel within `epfBurstWindowMs`. */
  readonly endorsementPolicyFailures?: Readonly<Record<string, number>>;
}

export interface AlertMonitorOptions {
  readonly thresholds?: Partial<AlertThresholds>;
}

const RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };
const inDays = (d: number | null) => (d === null || d <= 0 ? 'today' : `in ${d} day${d === 1 ? '' : 's'}`);
const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;

type Draft = Omit<Alert, 'id' | 'since'>;

/**
 * Turns snapshots of the consortium into alerts: node down, peer lagging, disk space low,
 * certificate expiring or expired, CRL updated, and a burst of ENDORSEMENT_POLICY_FAILUREs. It
 * remembers when each condition started, so a lag must last and an alert keeps its `since`.
 *
 * @example
 * const monitor = new AlertMonitor({ thresholds: { lagBlocks: 10 } });
 * const alerts = monitor.evaluate({ now: new Date(), overview, certificates, disk: diskSpace(dataDir) });
 */
export class AlertMonitor {
  readonly thresholds: AlertThresholds;
  readonly #since = new Map<string, number>();
  readonly #lagSince = new Map<string, number>();
  readonly #crlFirstSeen = new Map<string, number>();
  #crlBaseline: Set<string> | undefined;

  constructor(opts: Readonly<AlertMonitorOptions> = {}) {
    this.thresholds = { ...DEFAULT_ALERT_THRESHOLDS, ...opts.thresholds };
  }

  /** The alerts in force now, most severe first. */
  evaluate(inputs: Readonly<AlertInputs>): Alert[] {
    const now = inputs.now.getTime();
    const drafts = [
      ...this.#nodes(inputs.overview, now),
      ...this.#disk(inputs.disk),
      ...this.#certificates(inputs.certificates),
      ...this.#crls(inputs.certificates, now),
      ...this.#bursts(inputs.endorsementPolicyFailures ?? {}),
    ];
    const active = new Set<string>();
    const alerts = drafts.map((d): Alert => {
      const id = `${d.kind}:${d.subject}`;
      active.add(id);
      const since = this.#since.get(id) ?? now;
      this.#since.set(id, since);
      return { id, ...d, since: new Date(since).toISOString() };
    });
    for (const id of this.#since.keys()) if (!active.has(id)) this.#since.delete(id);
    return alerts.sort(
      (a, b) =>
        RANK[a.severity] - RANK[b.severity] || a.since.localeCompare(b.since) || a.id.localeCompare(b.id),
    );
  }

  #nodes(overview: ConsortiumOverview, now: number): Draft[] {
    const out: Draft[] = [];
    const lagging = new Set<string>();
    for (const n of overview.nodes) {
      if (n.status === 'down') {
        out.push({
          kind: 'NODE_DOWN',
          severity: 'critical',
          subject: n.id,
          message: `${n.role} ${n.id} does not answer${n.error ? `: ${n.error}` : ''}`,
        });
        continue;
      }
      for (const [channel, h] of Object.entries(n.channels)) {
        const key = `${n.id}/${channel}`;
        if (h.lag <= 0) continue;
        lagging.add(key);
        const since = this.#lagSince.get(key) ?? now;
        this.#lagSince.set(key, since);
        if (h.lag < this.thresholds.lagBlocks && now - since < this.thresholds.lagGraceMs) continue;
        out.push({
          kind: 'PEER_LAGGING',
          severity: 'warning',
          subject: key,
          message: `${n.id} is ${h.lag} block${h.lag === 1 ? '' : 's'} behind on channel ${channel} (height ${h.height})`,
        });
      }
    }
    for (const key of this.#lagSince.keys()) if (!lagging.has(key)) this.#lagSince.delete(key);
    return out;
  }

  #disk(disk: DiskSpace | undefined): Draft[] {
    if (!disk || disk.totalBytes <= 0) return [];
    const ratio = disk.freeBytes / disk.totalBytes;
    const { diskFreeMinBytes, diskFreeMinRatio } = this.thresholds;
    if (disk.freeBytes >= diskFreeMinBytes && ratio >= diskFreeMinRatio) return [];
    const critical = disk.freeBytes < diskFreeMinBytes / 2 || ratio < diskFreeMinRatio / 2;
    return [
      {
        kind: 'DISK_SPACE_LOW',
        severity: critical ? 'critical' : 'warning',
        subject: disk.path,
        message: `only ${gib(disk.freeBytes)} (${(ratio * 100).toFixed(1)}%) free on the file system of ${disk.path}`,
      },
    ];
  }

  #certificates(report: CertificateReport): Draft[] {
    const out: Draft[] = [];
    for (const c of report.certificates) {
      const subject = `${c.org}/${c.name}${c.serial ? ` #${c.serial.slice(0, 16)}` : ''}`;
      const what = `${c.kind === 'ca' ? 'CA' : c.kind} certificate of ${c.org}/${c.name}`;
      if (c.status === 'expired') {
        out.push({
          kind: 'CERT_EXPIRED',
          severity: 'critical',
          subject,
          message: `the ${what} expired on ${c.notAfter}; renew it`,
        });
      } else if (c.status === 'expiring') {
        out.push({
          kind: 'CERT_EXPIRING',
          severity: 'warning',
          subject,
          message: `the ${what} expires ${inDays(c.daysLeft)} (${c.notAfter}); renew it`,
        });
      }
    }
    return out;
  }

  #crls(report: CertificateReport, now: number): Draft[] {
    const hashes = new Set(report.crls.map((c) => c.sha256));
    const baseline = this.#crlBaseline;
    if (baseline === undefined) this.#crlBaseline = hashes;
    const out: Draft[] = [];
    for (const crl of report.crls) {
      if (!this.#crlFirstSeen.has(crl.sha256)) this.#crlFirstSeen.set(crl.sha256, now);
      const newSinceStart = baseline !== undefined && !baseline.has(crl.sha256);
      const seenRecently = now - this.#crlFirstSeen.get(crl.sha256)! < this.thresholds.crlRecentMs;
      const issuedRecently = now - Date.parse(crl.thisUpdate) < this.thresholds.crlRecentMs;
      if (!(newSinceStart && seenRecently) && !issuedRecently) continue;
      out.push({
        kind: 'CRL_UPDATED',
        severity: 'info',
        subject: `${crl.mspId}/${crl.sha256.slice(0, 16)}`,
        message: `${crl.mspId} published a CRL${crl.crlNumber ? ` (number ${crl.crlNumber})` : ''} issued ${crl.thisUpdate} revoking ${crl.revokedSerials.length} certificate${crl.revokedSerials.length === 1 ? '' : 's'}, on ${crl.channels.join(', ')}`,
      });
    }
    return out;
  }

  #bursts(failures: Readonly<Record<string, number>>): Draft[] {
    const { epfBurstCount, epfBurstWindowMs } = this.thresholds;
    return Object.entries(failures)
      .filter(([, n]) => n >= epfBurstCount)
      .map(([channel, n]) => ({
        kind: 'ENDORSEMENT_POLICY_FAILURE_BURST' as const,
        severity: 'warning' as const,
        subject: channel,
        message: `${n} transactions failed their endorsement policy on channel ${channel} in the last ${Math.round(epfBurstWindowMs / 1000)} s`,
      }));
  }
}
