import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { OrdererHandle, PeerHandle } from '../network/index.js';
import type { BlockEvent } from '../peer/index.js';
import { parseBlock, ValidationCode, validationCodeName } from '../protocol/index.js';
import { ActivityTimeline } from './activity.js';
import { decodeProposalResponse } from './responses.js';

/** Latency buckets in seconds, from 1 ms to 30 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** What a worker pool reports, for the pool gauges. */
export interface PoolStats {
  readonly threads: number;
  readonly queueSize: number;
  /** Share of time the threads were busy, 0..1. */
  readonly utilization: number;
}

export interface GatewayMetricsOptions {
  /** The registry to register in; a new one by default (never prom-client's global one). */
  readonly registry?: Registry;
  /** Also export Node process metrics (CPU, memory, event loop); default true. */
  readonly processMetrics?: boolean;
  /** Bucket width of the dashboard's activity timeline (ms); default 2000. */
  readonly timelineBucketMs?: number;
  /** Clock, ms since the epoch (tests inject one). */
  readonly now?: () => number;
}

interface PendingBlock {
  readonly peer: PeerHandle;
  readonly event: BlockEvent;
  readonly arrivedAt: number;
}

/**
 * The node's Prometheus metrics and the dashboard's activity timeline, collected from outside
 * the peers and orderers: decorated handles time endorsement and ordering, block listeners count
 * commits and transactions by validation code and time commits, a Fastify hook counts REST
 * requests. It owns its own registry.
 *
 * @example
 * const metrics = new GatewayMetrics();
 * const gateway = new GatewayService({
 *   peers: network.peerHandles().map((p) => metrics.instrumentPeer(p)),
 *   orderers: network.ordererHandles().map((o) => metrics.instrumentOrderer(o)),
 * });
 * metrics.watchPeers(gateway.peers());
 * const text = await metrics.registry.metrics();
 */
export class GatewayMetrics {
  readonly registry: Registry;
  readonly timeline: ActivityTimeline;
  readonly #now: () => number;
  readonly #peers = new Map<string, PeerHandle>();
  readonly #pools = new Map<string, () => PoolStats>();
  readonly #lastCounted = new Map<string, number>();
  readonly #pending: PendingBlock[] = [];
  readonly #unsubscribe: (() => void)[] = [];
  #flush: NodeJS.Immediate | undefined;
  readonly #blocks: Counter<'channel' | 'peer'>;
  readonly #txs: Counter<'channel' | 'validation_code'>;
  readonly #endorse: Histogram<'peer' | 'outcome'>;
  readonly #order: Histogram<'orderer' | 'outcome'>;
  readonly #commit: Histogram<'channel' | 'peer'>;
  readonly #httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly #httpErrors: Counter<'method' | 'route' | 'status'>;
  readonly #httpDuration: Histogram<'method' | 'route'>;

  constructor(opts: Readonly<GatewayMetricsOptions> = {}) {
    this.registry = opts.registry ?? new Registry();
    this.#now = opts.now ?? Date.now;
    this.timeline = new ActivityTimeline({ bucketMs: opts.timelineBucketMs ?? 2000, now: this.#now });
    const registers = [this.registry];
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });

    this.#blocks = new Counter({
      name: 'consortia_blocks_committed_total',
      help: 'Blocks committed, per peer and channel.',
      labelNames: ['channel', 'peer'],
      registers,
    });
    this.#txs = new Counter({
      name: 'consortia_transactions_total',
      help: 'Committed transactions by validation code, counted once per block of a channel (not per peer).',
      labelNames: ['channel', 'validation_code'],
      registers,
    });
    this.#endorse = new Histogram({
      name: 'consortia_endorsement_duration_seconds',
      help: 'Time a peer took to answer an endorsement request; outcome ok, refused (4xx) or failed.',
      labelNames: ['peer', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#order = new Histogram({
      name: 'consortia_ordering_duration_seconds',
      help: 'Time an orderer took to accept a broadcast envelope; outcome ok or error.',
      labelNames: ['orderer', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#commit = new Histogram({
      name: 'consortia_block_commit_duration_seconds',
      help: "Time from a block's timestamp (cut by the orderer) to its commit event on a peer.",
      labelNames: ['channel', 'peer'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const peers = this.#peers;
    new Gauge({
      name: 'consortia_ledger_height',
      help: 'Ledger height (number of blocks) per peer and channel.',
      labelNames: ['channel', 'peer'],
      registers,
      collect() {
        this.reset();
        for (const p of peers.values()) {
          try {
            for (const ch of p.channels()) this.set({ channel: ch, peer: p.id }, p.height(ch));
          } catch {
            // a peer that does not answer has no height; consortia_peer_up says so
          }
        }
      },
    });
    new Gauge({
      name: 'consortia_peer_up',
      help: 'Whether a peer answers (1) or not (0).',
      labelNames: ['peer'],
      registers,
      collect() {
        this.reset();
        for (const p of peers.values()) this.set({ peer: p.id }, peerAnswers(p) ? 1 : 0);
      },
    });
    const pools = this.#pools;
    const poolGauge = (name: string, help: string, pick: (s: PoolStats) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['pool'],
        registers,
        collect() {
          this.reset();
          for (const [pool, stats] of pools) {
            try {
              this.set({ pool }, pick(stats()));
            } catch {
              // a pool that cannot report is left out of this scrape
            }
          }
        },
      });
    poolGauge('consortia_worker_pool_threads', 'Threads of a worker pool.', (s) => s.threads);
    poolGauge('consortia_worker_pool_queue_size', 'Tasks waiting in a worker pool.', (s) => s.queueSize);
    poolGauge(
      'consortia_worker_pool_utilization',
      'Busy share of a worker pool, 0..1.',
      (s) => s.utilization,
    );
    this.#httpRequests = new Counter({
      name: 'consortia_http_requests_total',
      help: 'REST requests by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.#httpErrors = new Counter({
      name: 'consortia_http_request_errors_total',
      help: 'REST requests answered with a 4xx or 5xx status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.#httpDuration = new Histogram({
      name: 'consortia_http_request_duration_seconds',
      help: 'REST request duration by method and route pattern.',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
  }

  /** A peer handle whose `endorse` calls are timed; everything else is passed through. */
  instrumentPeer(handle: PeerHandle): PeerHandle {
    const endorse = async (signedProposal: Uint8Array): Promise<Uint8Array> => {
      const start = performance.now();
      let outcome = 'failed';
      try {
        const response = await handle.endorse(signedProposal);
        outcome = responseOutcome(response);
        return response;
      } finally {
        const ms = performance.now() - start;
        this.#endorse.observe({ peer: handle.id, outcome }, ms / 1000);
        this.timeline.recordEndorsement(ms, outcome === 'ok');
      }
    };
    return new Proxy(handle, {
      get(target, prop, receiver) {
        if (prop === 'endorse') return endorse;
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** An orderer handle whose `broadcast` calls are timed. */
  instrumentOrderer(handle: OrdererHandle): OrdererHandle {
    return {
      id: handle.id,
      broadcast: async (envelope) => {
        const start = performance.now();
        let outcome = 'error';
        try {
          await handle.broadcast(envelope);
          outcome = 'ok';
        } finally {
          const ms = performance.now() - start;
          this.#order.observe({ orderer: handle.id, outcome }, ms / 1000);
          this.timeline.recordOrdering(ms, outcome === 'ok');
        }
      },
    };
  }

  /**
   * Listens to the committed blocks of `peers` (and reports their heights). Block events are
   * only queued in the listener; counting and reading block timestamps happen afterwards, off
   * the commit path. Returns a function that stops listening.
   */
  watchPeers(peers: readonly PeerHandle[]): () => void {
    const offs: (() => void)[] = [];
    for (const peer of peers) {
      if (this.#peers.has(peer.id)) continue;
      this.#peers.set(peer.id, peer);
      const off = peer.onBlock((event) => {
        this.#pending.push({ peer, event, arrivedAt: this.#now() });
        this.#flush ??= setImmediate(() => this.#drain());
      });
      offs.push(() => {
        off();
        this.#peers.delete(peer.id);
      });
    }
    this.#unsubscribe.push(...offs);
    return () => {
      for (const off of offs) off();
    };
  }

  /** Reports a worker pool (for example a signature-verification pool) in the pool gauges. */
  registerPool(name: string, stats: () => PoolStats): void {
    this.#pools.set(name, stats);
  }

  /** Counts every request of `app` (route pattern, not raw URL, to bound label values). */
  observeHttp(app: FastifyInstance): void {
    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? 'unmatched';
      const status = String(reply.statusCode);
      this.#httpRequests.inc({ method: req.method, route, status });
      if (reply.statusCode >= 400) this.#httpErrors.inc({ method: req.method, route, status });
      this.#httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    });
  }

  /** Handles queued block events now (tests call it instead of waiting for the next tick). */
  drain(): void {
    this.#drain();
  }

  /** Stops listening to peers. */
  close(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    if (this.#flush) clearImmediate(this.#flush);
    this.#flush = undefined;
    this.#pending.length = 0;
  }

  #drain(): void {
    this.#flush = undefined;
    for (const { peer, event, arrivedAt } of this.#pending.splice(0)) {
      this.#blocks.inc({ channel: event.channel, peer: peer.id });
      const timestamp = blockTimestamp(peer, event);
      if (timestamp !== undefined) {
        const ms = Math.max(0, arrivedAt - timestamp);
        this.#commit.observe({ channel: event.channel, peer: peer.id }, ms / 1000);
        this.timeline.recordCommit(event.channel, ms);
      }
      if ((this.#lastCounted.get(event.channel) ?? -1) >= event.number) continue;
      this.#lastCounted.set(event.channel, event.number);
      let valid = 0;
      const invalid: Record<string, number> = {};
      for (const tx of event.txs) {
        const code = validationCodeName(tx.validationCode);
        this.#txs.inc({ channel: event.channel, validation_code: code });
        if (tx.validationCode === ValidationCode.VALID) valid += 1;
        else invalid[code] = (invalid[code] ?? 0) + 1;
      }
      this.timeline.recordBlock(event.channel, { valid, invalid });
    }
  }
}

function responseOutcome(response: Uint8Array): string {
  try {
    const status = decodeProposalResponse(response).response.status;
    if (status === 200) return 'ok';
    return status < 500 ? 'refused' : 'failed';
  } catch {
    return 'failed';
  }
}

function blockTimestamp(peer: PeerHandle, event: BlockEvent): number | undefined {
  try {
    const bytes = peer.getBlock(event.channel, event.number);
    return bytes === undefined ? undefined : parseBlock(bytes).timestamp;
  } catch {
    return undefined;
  }
}

/** True when a peer answers a height query on each of its channels. */
export function peerAnswers(peer: PeerHandle): boolean {
  try {
    for (const ch of peer.channels()) peer.height(ch);
    return true;
  } catch {
    return false;
  }
}
