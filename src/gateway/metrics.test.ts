import Fastify from 'fastify';
import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { PeerHandle } from '../network/index.js';
import type { BlockEvent } from '../peer/index.js';
import { encodeBlock, encodeProposalResponse, newBlockHeader, ValidationCode } from '../protocol/index.js';
import { GatewayMetrics } from './metrics.js';

type FakePeer = PeerHandle & { emit(e: BlockEvent): void; down: boolean };

function fakePeer(
  id: string,
  opts: { height?: number; blockTime?: number; endorse?: () => Promise<Uint8Array> } = {},
) {
  const listeners = new Set<(e: BlockEvent) => void>();
  const peer = {
    id,
    mspId: id.split('.')[0]!,
    down: false,
    endorse: opts.endorse ?? (async () => encodeProposalResponse({ status: 200, message: '' })),
    evaluate: async () => new Uint8Array(),
    channels: () => ['telecom'],
    height(): number {
      if (peer.down) throw new Error(`peer ${id} has stopped`);
      return opts.height ?? 3;
    },
    getBlock: (channel: string, n: number) =>
      opts.blockTime === undefined
        ? undefined
        : encodeBlock(
            newBlockHeader({
              channel,
              number: n,
              previousHash: new Uint8Array(),
              envelopes: [],
              timestamp: opts.blockTime,
            }),
            [],
            [],
          ),
    txStatus: () => undefined,
    waitForTx: () => new Promise<never>(() => undefined),
    onBlock(l: (e: BlockEvent) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    contractPolicy: () => undefined,
    channelConfig: () => {
      throw new Error('not used');
    },
    channelOrgs: () => [],
    emit: (e: BlockEvent) => {
      for (const l of listeners) l(e);
    },
  };
  return peer as FakePeer;
}

function block(number: number, codes: number[]): BlockEvent {
  return {
    channel: 'telecom',
    number,
    hash: new Uint8Array(32),
    txs: codes.map((validationCode, index) => ({
      txId: `tx${number}-${index}`,
      index,
      validationCode,
      events: [],
    })),
  };
}

const value = (text: string, metric: string) => {
  const line = text.split('\n').find((l) => l.startsWith(metric));
  return line === undefined ? undefined : Number(line.slice(metric.length).trim());
};

describe('GatewayMetrics', () => {
  it('uses its own registry, not prom-client’s global one', async () => {
    const m = new GatewayMetrics({ processMetrics: false });
    expect(m.registry).not.toBe(globalRegistry);
    expect(await globalRegistry.getSingleMetric('consortia_blocks_committed_total')).toBeUndefined();
    expect(m.registry.getSingleMetric('consortia_blocks_committed_total')).toBeDefined();
  });

  it('times endorsements by outcome and passes other calls through', async () => {
    const m = new GatewayMetrics({ processMetrics: false });
    const ok = m.instrumentPeer(fakePeer('TelcoA.peer0'));
    const refusing = m.instrumentPeer(
      fakePeer('TelcoB.peer0', {
        endorse: async () => encodeProposalResponse({ status: 403, message: 'no' }),
      }),
    );
    const broken = m.instrumentPeer(
      fakePeer('TelcoC.peer0', {
        endorse: async () => {
          throw new Error('unreachable');
        },
      }),
    );
    await ok.endorse(new Uint8Array());
    await ok.endorse(new Uint8Array());
    await refusing.endorse(new Uint8Array());
    await expect(broken.endorse(new Uint8Array())).rejects.toThrow('unreachable');
    expect(ok.height('telecom')).toBe(3);
    expect(ok.id).toBe('TelcoA.peer0');
    const text = await m.registry.metrics();
    expect(
      value(text, 'consortia_endorsement_duration_seconds_count{peer="TelcoA.peer0",outcome="ok"}'),
    ).toBe(2);
    expect(
      value(text, 'consortia_endorsement_duration_seconds_count{peer="TelcoB.peer0",outcome="refused"}'),
    ).toBe(1);
    expect(
      value(text, 'consortia_endorsement_duration_seconds_count{peer="TelcoC.peer0",outcome="failed"}'),
    ).toBe(1);
    const last = m.timeline.series('telecom').points.at(-1)!;
    expect(last.endorseFailures).toBe(2);
    expect(last.endorseMs).not.toBeNull();
  });

  it('times broadcasts to the orderer', async () => {
    const m = new GatewayMetrics({ processMetrics: false });
    let fail = false;
    const o = m.instrumentOrderer({
      id: 'Orderer.orderer0',
      broadcast: async () => {
        if (fail) throw new Error('ORDERER_STOPPED');
      },
    });
    await o.broadcast(new Uint8Array());
    fail = true;
    await expect(o.broadcast(new Uint8Array())).rejects.toThrow('ORDERER_STOPPED');
    const text = await m.registry.metrics();
    expect(
      value(text, 'consortia_ordering_duration_seconds_count{orderer="Orderer.orderer0",outcome="ok"}'),
    ).toBe(1);
    expect(
      value(text, 'consortia_ordering_duration_seconds_count{orderer="Orderer.orderer0",outcome="error"}'),
    ).toBe(1);
  });

  it('counts blocks per peer, transactions by code once per block, and times commits', async () => {
    const now = 1_000_000;
    const m = new GatewayMetrics({ processMetrics: false, now: () => now });
    const a = fakePeer('TelcoA.peer0', { blockTime: now - 250 });
    const b = fakePeer('TelcoB.peer0', { blockTime: now - 250 });
    const stop = m.watchPeers([a, b]);
    const codes = [ValidationCode.VALID, ValidationCode.VALID, ValidationCode.ENDORSEMENT_POLICY_FAILURE];
    a.emit(block(1, codes));
    b.emit(block(1, codes));
    a.emit(block(2, [ValidationCode.MVCC_READ_CONFLICT]));
    m.drain();
    const text = await m.registry.metrics();
    expect(value(text, 'consortia_blocks_committed_total{channel="telecom",peer="TelcoA.peer0"}')).toBe(2);
    expect(value(text, 'consortia_blocks_committed_total{channel="telecom",peer="TelcoB.peer0"}')).toBe(1);
    expect(value(text, 'consortia_transactions_total{channel="telecom",validation_code="VALID"}')).toBe(2);
    expect(
      value(
        text,
        'consortia_transactions_total{channel="telecom",validation_code="ENDORSEMENT_POLICY_FAILURE"}',
      ),
    ).toBe(1);
    expect(
      value(text, 'consortia_transactions_total{channel="telecom",validation_code="MVCC_READ_CONFLICT"}'),
    ).toBe(1);
    expect(
      value(text, 'consortia_block_commit_duration_seconds_count{channel="telecom",peer="TelcoA.peer0"}'),
    ).toBe(2);
    expect(
      value(text, 'consortia_block_commit_duration_seconds_sum{channel="telecom",peer="TelcoA.peer0"}'),
    ).toBe(0.5);
    expect(value(text, 'consortia_ledger_height{channel="telecom",peer="TelcoB.peer0"}')).toBe(3);
    const point = m.timeline.series('telecom').points.at(-1)!;
    expect(point).toMatchObject({ blocks: 2, validTxs: 2, commitMs: 250 });
    expect(point.invalidTxs).toEqual({ ENDORSEMENT_POLICY_FAILURE: 1, MVCC_READ_CONFLICT: 1 });

    stop();
    a.emit(block(3, codes));
    m.drain();
    const after = await m.registry.metrics();
    expect(value(after, 'consortia_blocks_committed_total{channel="telecom",peer="TelcoA.peer0"}')).toBe(2);
  });

  it('handles queued block events on the next turn of the event loop by itself', async () => {
    const m = new GatewayMetrics({ processMetrics: false });
    const a = fakePeer('TelcoA.peer0');
    m.watchPeers([a]);
    a.emit(block(1, [ValidationCode.VALID]));
    expect(
      value(
        await m.registry.metrics(),
        'consortia_transactions_total{channel="telecom",validation_code="VALID"}',
      ),
    ).toBeUndefined();
    await new Promise<void>((r) => setImmediate(r));
    expect(
      value(
        await m.registry.metrics(),
        'consortia_transactions_total{channel="telecom",validation_code="VALID"}',
      ),
    ).toBe(1);
    m.close();
  });

  it('reports whether peers answer, and worker pools', async () => {
    const m = new GatewayMetrics({ processMetrics: false });
    const a = fakePeer('TelcoA.peer0');
    const b = fakePeer('TelcoB.peer0');
    m.watchPeers([a, b]);
    b.down = true;
    m.registerPool('signature-verification', () => ({ threads: 4, queueSize: 2, utilization: 0.5 }));
    const text = await m.registry.metrics();
    expect(value(text, 'consortia_peer_up{peer="TelcoA.peer0"}')).toBe(1);
    expect(value(text, 'consortia_peer_up{peer="TelcoB.peer0"}')).toBe(0);
    expect(value(text, 'consortia_ledger_height{channel="telecom",peer="TelcoB.peer0"}')).toBeUndefined();
    expect(value(text, 'consortia_worker_pool_threads{pool="signature-verification"}')).toBe(4);
    expect(value(text, 'consortia_worker_pool_queue_size{pool="signature-verification"}')).toBe(2);
    expect(value(text, 'consortia_worker_pool_utilization{pool="signature-verification"}')).toBe(0.5);
    m.close();
  });

  it('counts REST requests and errors by route pattern', async () => {
    const m = new GatewayMetrics({ processMetrics: false });
    const app = Fastify();
    m.observeHttp(app);
    app.get('/api/v1/things/:id', async (req) => {
      if ((req.params as { id: string }).id === 'bad')
        throw Object.assign(new Error('bad'), { statusCode: 400 });
      return { ok: true };
    });
    await app.inject({ method: 'GET', url: '/api/v1/things/1' });
    await app.inject({ method: 'GET', url: '/api/v1/things/2' });
    await app.inject({ method: 'GET', url: '/api/v1/things/bad' });
    await app.inject({ method: 'GET', url: '/nowhere/at/all' });
    await app.close();
    const text = await m.registry.metrics();
    expect(
      value(text, 'consortia_http_requests_total{method="GET",route="/api/v1/things/:id",status="200"}'),
    ).toBe(2);
    expect(
      value(text, 'consortia_http_requests_total{method="GET",route="/api/v1/things/:id",status="400"}'),
    ).toBe(1);
    expect(
      value(
        text,
        'consortia_http_request_errors_total{method="GET",route="/api/v1/things/:id",status="400"}',
      ),
    ).toBe(1);
    expect(
      value(text, 'consortia_http_request_errors_total{method="GET",route="unmatched",status="404"}'),
    ).toBe(1);
    expect(
      value(text, 'consortia_http_request_duration_seconds_count{method="GET",route="/api/v1/things/:id"}'),
    ).toBe(3);
  });

  it('exports process metrics by default', async () => {
    const m = new GatewayMetrics();
    expect(await m.registry.metrics()).toContain('process_cpu_user_seconds_total');
  });
});
