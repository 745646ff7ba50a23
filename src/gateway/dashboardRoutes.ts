import type { FastifyInstance, FastifyReply } from 'fastify';
import { Gauge } from 'prom-client';
import { ConsortiaError, fromUtf8 } from '../common/index.js';
import { MAX_KEY_LENGTH } from '../contract/index.js';
import type { HistoryEntry } from '../ledger/index.js';
import type { EmbeddedNetwork } from '../network/index.js';
import { ValidationCode, validationCodeName } from '../protocol/index.js';
import { AlertMonitor, type AlertThresholds, diskSpace } from './alerts.js';
import { type CertificateReport, readCertificateReport } from './certificates.js';
import { defaultDashboardDir, registerDashboardAssets } from './dashboardAssets.js';
import type { GatewayService } from './gatewayService.js';
import { GatewayMetrics } from './metrics.js';
import { consortiumOverview } from './overview.js';
import { type ChannelReadAccess, requestIdentity } from './readAccess.js';

/** Error codes of the dashboard endpoints. */
export const DashboardErrorCodes = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  UNKNOWN_CHANNEL: 'UNKNOWN_CHANNEL',
  HISTORY_UNAVAILABLE: 'HISTORY_UNAVAILABLE',
} as const;

/** What the dashboard reads. It never needs a private key. */
export interface DashboardDeps {
  readonly gateway: GatewayService;
  /** Checks that a request's identity may read a channel (key history is channel content). */
  readonly canRead: ChannelReadAccess;
  /** Labels (`Org.name`) of the wallet identities the gateway can read as, for the "Read as" picker. */
  readonly identityLabels?: () => readonly string[];
  /** An embedded network: key history from its peers' ledgers, the orderer's heights. */
  readonly network?: EmbeddedNetwork;
  /** The data dir: certificates to list and the disk to watch. */
  readonly dataDir?: string;
  /** Metrics the gateway's handles were instrumented with; a new instance otherwise. */
  readonly metrics?: GatewayMetrics;
  /** The built dashboard; `src/dashboard/dist` by default. */
  readonly staticDir?: string;
  readonly thresholds?: Partial<AlertThresholds>;
  /** Days before expiry that make a certificate a warning; default 30. */
  readonly warnDays?: number;
  /** Reads a key's history, for peers that are not in this process. */
  readonly history?: (channel: string, namespace: string, key: string) => readonly HistoryEntry[];
  readonly now?: () => Date;
}

/** What registering gives back: the metrics and alert monitor in use. */
export interface DashboardHandle {
  readonly metrics: GatewayMetrics;
  readonly alerts: AlertMonitor;
  /** Component checks for `/healthz` (pass as `health` to createRestServer). */
  healthChecks(): Record<string, { ok: boolean; detail?: unknown }>;
}

const CHANNEL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,248}$/;
const NAMESPACE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const HISTORY_LIMIT = 500;

function invalid(message: string): ConsortiaError {
  return new ConsortiaError(DashboardErrorCodes.INVALID_ARGUMENT, message);
}

function showValue(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(fromUtf8(bytes));
  } catch {
    return { base64: Buffer.from(bytes).toString('base64') };
  }
}

/**
 * Adds the operations dashboard to a gateway's Fastify app: the web page at `/`, its JSON
 * endpoints under `/api/v1/dashboard/` (overview, certificates, alerts, activity, identities,
 * history), `GET /api/v1/channels/:channel/keys/:namespace/:key/history` and Prometheus
 * `/metrics`. Call it before `listen`. Everything it serves is read-only. Key history is channel
 * content and needs a reader of the channel (`canRead`); the overview, activity counts, alerts,
 * certificates and metrics describe the nodes, not the channels' data, and need no identity.
 *
 * @example
 * const app = await createRestServer({ gateway, identities });
 * const canRead = channelReadAccess({ gateway, identities });
 * registerDashboardRoutes(app, { gateway, canRead, network, dataDir });
 * await app.listen({ port: 7070 });
 */
export function registerDashboardRoutes(
  app: FastifyInstance,
  deps: Readonly<DashboardDeps>,
): DashboardHandle {
  const { gateway } = deps;
  const now = deps.now ?? (() => new Date());
  const ownMetrics = deps.metrics === undefined;
  const metrics = deps.metrics ?? new GatewayMetrics();
  const unwatch = metrics.watchPeers(gateway.peers());
  metrics.observeHttp(app);
  const monitor = new AlertMonitor(deps.thresholds ? { thresholds: deps.thresholds } : {});

  const channelConfigs = () =>
    gateway.channels().flatMap((ch) => {
      try {
        return [gateway.peerFor(ch).channelConfig(ch)];
      } catch {
        return [];
      }
    });
  const certificates = (): CertificateReport =>
    readCertificateReport({
      channelConfigs: channelConfigs(),
      now: now(),
      ...(deps.dataDir ? { dataDir: deps.dataDir } : {}),
      ...(deps.warnDays === undefined ? {} : { warnDays: deps.warnDays }),
    });
  const overview = () =>
    consortiumOverview({ gateway, now: now(), ...(deps.network ? { network: deps.network } : {}) });
  const disk = () => (deps.dataDir ? diskSpace(deps.dataDir) : undefined);
  const evaluateAlerts = () => {
    const failures: Record<string, number> = {};
    const epf = validationCodeName(ValidationCode.ENDORSEMENT_POLICY_FAILURE);
    for (const ch of gateway.channels())
      failures[ch] = metrics.timeline.countInvalid(ch, epf, monitor.thresholds.epfBurstWindowMs);
    return monitor.evaluate({
      now: now(),
      overview: overview(),
      certificates: certificates(),
      disk: disk(),
      endorsementPolicyFailures: failures,
    });
  };
  const requireChannel = (channel: unknown): string => {
    if (typeof channel !== 'string' || !CHANNEL.test(channel))
      throw invalid(`channel "${String(channel).slice(0, 80)}" is not a valid channel name`);
    if (!gateway.channels().includes(channel))
      throw new ConsortiaError(
        DashboardErrorCodes.UNKNOWN_CHANNEL,
        `unknown channel ${channel}; channels: ${gateway.channels().join(', ') || '(none)'}`,
        { channel },
      );
    return channel;
  };

  registerStatusGauges(metrics, deps.dataDir, certificates);

  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.get('/api/v1/dashboard/overview', async () => overview());
  app.get('/api/v1/dashboard/certificates', async () => certificates());
  app.get('/api/v1/dashboard/alerts', async () => ({
    generatedAt: now().toISOString(),
    thresholds: monitor.thresholds,
    alerts: evaluateAlerts(),
  }));
  app.get('/api/v1/dashboard/identities', async () => ({
    identities: [...(deps.identityLabels?.() ?? [])].sort().map((label) => ({
      label,
      mspId: label.slice(0, label.indexOf('.')),
    })),
  }));
  app.get<{ Querystring: { channel?: unknown } }>('/api/v1/dashboard/activity', async (req) => {
    const channel = requireChannel(req.query.channel ?? gateway.channels()[0]);
    return metrics.timeline.series(channel);
  });

  const history = async (
    reply: FastifyReply,
    reader: string | undefined,
    channelParam: unknown,
    nsParam: unknown,
    keyParam: unknown,
  ) => {
    const channel = await deps.canRead(requireChannel(channelParam), reader);
    if (typeof nsParam !== 'string' || !NAMESPACE.test(nsParam))
      throw invalid(`namespace "${String(nsParam).slice(0, 80)}" is not a valid contract name`);
    if (typeof keyParam !== 'string' || keyParam.length === 0)
      throw invalid('give the key whose history you want, for example number:+4915112345678');
    if (keyParam.length > MAX_KEY_LENGTH || keyParam.includes('\0'))
      throw invalid(`a key is at most ${MAX_KEY_LENGTH} characters without U+0000`);
    const peer = gateway.peerFor(channel);
    let entries: readonly HistoryEntry[];
    if (deps.history) {
      entries = deps.history(channel, nsParam, keyParam);
    } else if (deps.network) {
      const local =
        deps.network.peers.find((p) => p.id === peer.id) ??
        deps.network.peers.find((p) => p.channels().includes(channel));
      if (!local) throw new ConsortiaError('UNKNOWN_CHANNEL', `no local peer serves channel ${channel}`);
      entries = local.ledger(channel).getHistory(nsParam, keyParam);
    } else {
      return reply.code(501).send({
        error: {
          code: DashboardErrorCodes.HISTORY_UNAVAILABLE,
          message: 'this gateway has no ledger to read key history from; start it with an embedded network',
        },
      });
    }
    const known = peer.contractPolicy(channel, nsParam) !== undefined;
    return reply.send({
      channel,
      namespace: nsParam,
      key: keyParam,
      knownNamespace: known,
      count: entries.length,
      truncated: entries.length > HISTORY_LIMIT,
      entries: entries.slice(-HISTORY_LIMIT).map((e) => ({
        blockNumber: e.blockNumber,
        txIndex: e.txIndex,
        txId: e.txId,
        timestamp: new Date(e.timestamp).toISOString(),
        isDelete: e.isDelete,
        value: e.value === undefined ? null : showValue(e.value),
      })),
    });
  };
  app.get<{ Params: { channel: string; namespace: string; key: string } }>(
    '/api/v1/channels/:channel/keys/:namespace/:key/history',
    async (req, reply) =>
      history(
        reply,
        requestIdentity(req.headers, req.query as Record<string, unknown>),
        req.params.channel,
        req.params.namespace,
        req.params.key,
      ),
  );
  // The same with the key in the query, for keys longer than a path parameter may be.
  app.get<{ Params: { channel: string }; Querystring: { namespace?: unknown; key?: unknown } }>(
    '/api/v1/dashboard/channels/:channel/history',
    async (req, reply) =>
      history(
        reply,
        requestIdentity(req.headers, req.query),
        req.params.channel,
        req.query.namespace,
        req.query.key,
      ),
  );

  registerDashboardAssets(app, deps.staticDir ?? defaultDashboardDir());

  app.addHook('onClose', async () => {
    unwatch();
    if (ownMetrics) metrics.close();
  });

  return {
    metrics,
    alerts: monitor,
    healthChecks() {
      const checks: Record<string, { ok: boolean; detail?: unknown }> = {};
      const o = overview();
      for (const n of o.nodes) {
        checks[`${n.role}:${n.id}`] = {
          ok: n.status === 'up',
          detail: n.error === undefined ? n.channels : { error: n.error },
        };
      }
      const d = disk();
      if (d) {
        checks.disk = {
          ok: d.freeBytes >= monitor.thresholds.diskFreeMinBytes,
          detail: { path: d.path, freeBytes: d.freeBytes, totalBytes: d.totalBytes },
        };
      }
      const expired = certificates().certificates.filter((c) => c.status === 'expired');
      checks.certificates = {
        ok: expired.length === 0,
        detail: { expired: expired.map((c) => `${c.org}/${c.name}`) },
      };
      return checks;
    },
  };
}

/** Gauges of the data dir's free space and each certificate's expiry, read at scrape time. */
function registerStatusGauges(
  metrics: GatewayMetrics,
  dataDir: string | undefined,
  certificates: () => CertificateReport,
): void {
  const registers = [metrics.registry];
  const has = (name: string) => metrics.registry.getSingleMetric(name) !== undefined;
  if (dataDir && !has('consortia_data_dir_free_bytes')) {
    new Gauge({
      name: 'consortia_data_dir_free_bytes',
      help: "Free bytes on the data dir's file system.",
      registers,
      collect() {
        const d = diskSpace(dataDir);
        if (d) this.set(d.freeBytes);
      },
    });
  }
  if (!has('consortia_certificate_expiry_timestamp_seconds')) {
    new Gauge({
      name: 'consortia_certificate_expiry_timestamp_seconds',
      help: 'When each certificate of the consortium expires (Unix time); alert on it minus time().',
      labelNames: ['org', 'name', 'kind', 'serial'],
      registers,
      collect() {
        this.reset();
        for (const c of certificates().certificates) {
          if (c.notAfter === null) continue;
          this.set(
            { org: c.org, name: c.name, kind: c.kind, serial: c.serial ?? '' },
            Date.parse(c.notAfter) / 1000,
          );
        }
      },
    });
  }
}
