import { describe, expect, it } from 'vitest';
import { AlertMonitor, diskSpace } from './alerts.js';
import type { CertificateEntry, CertificateReport, CrlEntry } from './certificates.js';
import type { ConsortiumOverview, NodeOverview } from './overview.js';

const T0 = Date.parse('2026-01-10T12:00:00Z');
const at = (ms: number) => new Date(T0 + ms);

function node(id: string, height: number, lag: number, status: 'up' | 'down' = 'up'): NodeOverview {
  return {
    id,
    mspId: id.split('.')[0]!,
    role: id.startsWith('Orderer') ? 'orderer' : 'peer',
    status,
    channels: status === 'up' ? { telecom: { height, lag } } : {},
    ...(status === 'down' ? { error: 'peer TelcoB.peer0 has stopped' } : {}),
  };
}

function overview(nodes: NodeOverview[]): ConsortiumOverview {
  return { generatedAt: at(0).toISOString(), status: 'ok', channels: [], orgs: [], nodes };
}

function cert(name: string, status: CertificateEntry['status'], daysLeft: number): CertificateEntry {
  return {
    kind: 'user',
    org: 'TelcoA',
    mspId: 'TelcoA',
    name,
    role: 'client',
    serial: `${name.length}abc`,
    subject: `CN=${name}, O=TelcoA`,
    issuer: 'CN=ca.TelcoA, O=TelcoA',
    notBefore: at(-86_400_000).toISOString(),
    notAfter: at(daysLeft * 86_400_000).toISOString(),
    daysLeft,
    status,
    source: `TelcoA/users/${name}/cert.pem`,
  };
}

function crl(sha256: string, thisUpdate: Date): CrlEntry {
  return {
    mspId: 'TelcoA',
    channels: ['telecom'],
    issuer: 'CN=ca.TelcoA, O=TelcoA',
    thisUpdate: thisUpdate.toISOString(),
    nextUpdate: null,
    crlNumber: '2',
    sha256,
    revokedSerials: ['0a'],
  };
}

function certs(certificates: CertificateEntry[] = [], crls: CrlEntry[] = []): CertificateReport {
  return { generatedAt: at(0).toISOString(), warnDays: 30, certificates, crls, revokedSerials: [] };
}

const healthy = overview([node('TelcoA.peer0', 5, 0), node('TelcoB.peer0', 5, 0)]);

describe('AlertMonitor', () => {
  it('reports nothing for a healthy consortium', () => {
    const m = new AlertMonitor();
    const disk = { path: '/data', freeBytes: 50 * 1024 ** 3, totalBytes: 100 * 1024 ** 3 };
    expect(m.evaluate({ now: at(0), overview: healthy, certificates: certs(), disk })).toEqual([]);
  });

  it('reports a node that does not answer as critical', () => {
    const m = new AlertMonitor();
    const [a, ...rest] = m.evaluate({
      now: at(0),
      overview: overview([node('TelcoA.peer0', 5, 0), node('TelcoB.peer0', 0, 0, 'down')]),
      certificates: certs(),
    });
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ kind: 'NODE_DOWN', severity: 'critical', subject: 'TelcoB.peer0' });
    expect(a!.message).toContain('has stopped');
  });

  it('reports a peer lagging a little only once the lag has lasted, and a large lag at once', () => {
    const m = new AlertMonitor({ thresholds: { lagBlocks: 5, lagGraceMs: 30_000 } });
    const behindBy = (lag: number) =>
      overview([node('TelcoA.peer0', 10, 0), node('TelcoB.peer0', 10 - lag, lag)]);
    expect(m.evaluate({ now: at(0), overview: behindBy(1), certificates: certs() })).toEqual([]);
    expect(m.evaluate({ now: at(29_000), overview: behindBy(2), certificates: certs() })).toEqual([]);
    const late = m.evaluate({ now: at(31_000), overview: behindBy(2), certificates: certs() });
    expect(late).toMatchObject([
      { kind: 'PEER_LAGGING', severity: 'warning', subject: 'TelcoB.peer0/telecom' },
    ]);
    expect(late[0]!.message).toContain('2 blocks behind');
    // Caught up: the alert goes, and a new small lag starts its grace period again.
    expect(m.evaluate({ now: at(32_000), overview: healthy, certificates: certs() })).toEqual([]);
    expect(m.evaluate({ now: at(33_000), overview: behindBy(1), certificates: certs() })).toEqual([]);
    expect(m.evaluate({ now: at(34_000), overview: behindBy(7), certificates: certs() })).toHaveLength(1);
  });

  it('reports low disk space as a warning, and very low as critical', () => {
    const m = new AlertMonitor({ thresholds: { diskFreeMinBytes: 1000, diskFreeMinRatio: 0.1 } });
    const ev = (freeBytes: number) =>
      m.evaluate({
        now: at(0),
        overview: healthy,
        certificates: certs(),
        disk: { path: '/data', freeBytes, totalBytes: 10_000 },
      });
    expect(ev(5000)).toEqual([]);
    expect(ev(900)).toMatchObject([{ kind: 'DISK_SPACE_LOW', severity: 'warning', subject: '/data' }]);
    expect(ev(400)).toMatchObject([{ kind: 'DISK_SPACE_LOW', severity: 'critical' }]);
  });

  it('reports expired certificates as critical and expiring ones as warnings, most severe first', () => {
    const m = new AlertMonitor();
    const alerts = m.evaluate({
      now: at(0),
      overview: healthy,
      certificates: certs([cert('soon', 'expiring', 3), cert('fine', 'ok', 300), cert('old', 'expired', -2)]),
    });
    expect(alerts.map((a) => [a.kind, a.severity])).toEqual([
      ['CERT_EXPIRED', 'critical'],
      ['CERT_EXPIRING', 'warning'],
    ]);
    expect(alerts[1]!.message).toContain('expires in 3 days');
  });

  it('keeps the time an alert was first seen while it lasts', () => {
    const m = new AlertMonitor();
    const input = { overview: healthy, certificates: certs([cert('soon', 'expiring', 3)]) };
    const first = m.evaluate({ now: at(0), ...input });
    const later = m.evaluate({ now: at(60_000), ...input });
    expect(later[0]!.since).toBe(first[0]!.since);
    expect(later[0]!.id).toBe(first[0]!.id);
    m.evaluate({ now: at(70_000), overview: healthy, certificates: certs() });
    expect(m.evaluate({ now: at(80_000), ...input })[0]!.since).toBe(at(80_000).toISOString());
  });

  it('reports a CRL that appears while it runs, or was issued recently, for a day', () => {
    const m = new AlertMonitor({ thresholds: { crlRecentMs: 3_600_000 } });
    const old = crl('aa'.repeat(32), at(-10 * 86_400_000));
    expect(m.evaluate({ now: at(0), overview: healthy, certificates: certs([], [old]) })).toEqual([]);
    const fresh = crl('bb'.repeat(32), at(-20 * 86_400_000));
    const alerts = m.evaluate({ now: at(1000), overview: healthy, certificates: certs([], [old, fresh]) });
    expect(alerts).toMatchObject([
      { kind: 'CRL_UPDATED', severity: 'info', subject: `TelcoA/${'bb'.repeat(8)}` },
    ]);
    expect(alerts[0]!.message).toContain('revoking 1 certificate');
    expect(
      m.evaluate({ now: at(3_700_000), overview: healthy, certificates: certs([], [old, fresh]) }),
    ).toEqual([]);

    const other = new AlertMonitor({ thresholds: { crlRecentMs: 3_600_000 } });
    const recent = crl('cc'.repeat(32), at(-60_000));
    expect(other.evaluate({ now: at(0), overview: healthy, certificates: certs([], [recent]) })).toHaveLength(
      1,
    );
  });

  it('reports a burst of ENDORSEMENT_POLICY_FAILUREs from the threshold on', () => {
    const m = new AlertMonitor({ thresholds: { epfBurstCount: 3, epfBurstWindowMs: 60_000 } });
    const ev = (n: number) =>
      m.evaluate({
        now: at(0),
        overview: healthy,
        certificates: certs(),
        endorsementPolicyFailures: { telecom: n },
      });
    expect(ev(2)).toEqual([]);
    const [a] = ev(3);
    expect(a).toMatchObject({ kind: 'ENDORSEMENT_POLICY_FAILURE_BURST', subject: 'telecom' });
    expect(a!.message).toBe(
      '3 transactions failed their endorsement policy on channel telecom in the last 60 s',
    );
  });
});

describe('diskSpace', () => {
  it('reads the free space of an existing path, and nothing for a missing one', () => {
    const d = diskSpace(process.cwd());
    expect(d!.totalBytes).toBeGreaterThan(0);
    expect(d!.freeBytes).toBeGreaterThanOrEqual(0);
    expect(d!.freeBytes).toBeLessThanOrEqual(d!.totalBytes);
    expect(diskSpace('/no/such/dir/for/consortia')).toBeUndefined();
  });
});
