import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsortiaError, utf8 } from '../common/index.js';
import type { PeerHandle } from '../network/index.js';
import type { BlockEvent } from '../peer/index.js';
import { type DashboardHandle, registerDashboardRoutes } from './dashboardRoutes.js';
import { GatewayService } from './gatewayService.js';
import { createRestServer } from './restServer.js';

type FakePeer = PeerHandle & { level: number; down: boolean };

function fakePeer(id: string, level: number): FakePeer {
  const peer = {
    id,
    mspId: id.split('.')[0]!,
    level,
    down: false,
    endorse: async () => new Uint8Array(),
    evaluate: async () => new Uint8Array(),
    channels: () => ['telecom'],
    height(): number {
      if (peer.down) throw new Error(`peer ${id} has stopped`);
      return peer.level;
    },
    getBlock: () => undefined,
    txStatus: () => undefined,
    waitForTx: () => new Promise<never>(() => undefined),
    onBlock: (_l: (e: BlockEvent) => void) => () => undefined,
    contractPolicy: (_ch: string, name: string) =>
      name === 'number-portability' ? "OR('TelcoA.member')" : undefined,
    channelConfig: () => {
      throw new Error('no config in this test');
    },
    channelOrgs: () => ['TelcoA', 'TelcoB'],
  };
  return peer as FakePeer;
}

const KEY = 'number:+4915112345678';
let dir: string;
let a: FakePeer;
let b: FakePeer;
let app: FastifyInstance;
let handle: DashboardHandle;
const historyCalls: string[][] = [];
const readers: (string | undefined)[] = [];
/** A read check that lets everyone but Outsider.* read, and records who asked. */
const canRead = async (channel: string, label: string | undefined) => {
  readers.push(label);
  if (label?.startsWith('Outsider.'))
    throw new ConsortiaError('FORBIDDEN', `${label} may not read ${channel}`);
  return channel;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'consortia-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>dash</title>');
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside assets');
  a = fakePeer('TelcoA.peer0', 10);
  b = fakePeer('TelcoB.peer0', 10);
  const gateway = new GatewayService({ peers: [a, b], orderers: [] });
  app = await createRestServer({
    gateway,
    identities: () => {
      throw new Error('no identities in this test');
    },
  });
  handle = registerDashboardRoutes(app, {
    gateway,
    canRead,
    identityLabels: () => ['TelcoB.user1', 'TelcoA.admin'],
    staticDir: dir,
    thresholds: { lagBlocks: 2 },
    history: (channel, ns, key) => {
      historyCalls.push([channel, ns, key]);
      return [
        {
          blockNumber: 3,
          txIndex: 0,
          txId: 'aa'.repeat(32),
          timestamp: 0,
          isDelete: false,
          value: utf8('{"carrier":"TelcoA"}'),
        },
        {
          blockNumber: 5,
          txIndex: 1,
          txId: 'bb'.repeat(32),
          timestamp: 1000,
          isDelete: false,
          value: utf8('raw'),
        },
        { blockNumber: 6, txIndex: 0, txId: 'cc'.repeat(32), timestamp: 2000, isDelete: true },
      ];
    },
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dashboard routes', () => {
  it('serves the page and its assets, read-only, with a strict content security policy', async () => {
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('<title>dash</title>');
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(js.headers['cache-control']).toContain('immutable');
  });

  it('serves nothing outside its directory and answers unknown files with the JSON 404', async () => {
    for (const url of [
      '/assets/../secret.txt',
      '/assets/%2e%2e/secret.txt',
      '/assets/..%2f..%2fpackage.json',
      '/assets/..%2findex.html',
      '/assets/missing.js',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
  });

  it('says how to build the page when it is not built', async () => {
    const other = await createRestServer({
      gateway: new GatewayService({ peers: [a], orderers: [] }),
      identities: () => {
        throw new Error('none');
      },
    });
    registerDashboardRoutes(other, {
      gateway: new GatewayService({ peers: [a], orderers: [] }),
      canRead,
      staticDir: join(dir, 'nope'),
    });
    const res = await other.inject({ method: 'GET', url: '/' });
    await other.close();
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:dashboard');
  });

  it('gives the overview with heights and lag per peer', async () => {
    b.level = 7;
    const res = await app.inject({ method: 'GET', url: '/api/v1/dashboard/overview' });
    b.level = 10;
    expect(res.statusCode).toBe(200);
    const o = res.json();
    expect(o.status).toBe('ok');
    expect(o.channels).toEqual([
      expect.objectContaining({ name: 'telecom', height: 10, ordererHeight: null }),
    ]);
    const byId = Object.fromEntries(o.nodes.map((n: { id: string }) => [n.id, n]));
    expect(byId['TelcoA.peer0'].channels.telecom).toEqual({ height: 10, lag: 0 });
    expect(byId['TelcoB.peer0'].channels.telecom).toEqual({ height: 7, lag: 3 });
    expect(o.orgs.map((g: { mspId: string }) => g.mspId)).toEqual(['TelcoA', 'TelcoB']);
  });

  it('raises alerts for a lagging and a stopped peer, and health checks say so', async () => {
    b.level = 6;
    const lagging = (await app.inject({ method: 'GET', url: '/api/v1/dashboard/alerts' })).json();
    expect(lagging.alerts).toEqual([
      expect.objectContaining({ kind: 'PEER_LAGGING', subject: 'TelcoB.peer0/telecom' }),
    ]);
    b.down = true;
    const down = (await app.inject({ method: 'GET', url: '/api/v1/dashboard/alerts' })).json();
    expect(down.alerts).toEqual([expect.objectContaining({ kind: 'NODE_DOWN', severity: 'critical' })]);
    expect(handle.healthChecks()['peer:TelcoB.peer0']).toMatchObject({ ok: false });
    expect(handle.healthChecks()['peer:TelcoA.peer0']).toMatchObject({ ok: true });
    b.down = false;
    b.level = 10;
    expect((await app.inject({ method: 'GET', url: '/api/v1/dashboard/alerts' })).json().alerts).toEqual([]);
  });

  it("reads a key's history, with the key URL-encoded in the path or in the query", async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/channels/telecom/keys/number-portability/${encodeURIComponent(KEY)}/history`,
    });
    expect(res.statusCode).toBe(200);
    expect(historyCalls.at(-1)).toEqual(['telecom', 'number-portability', KEY]);
    const h = res.json();
    expect(h).toMatchObject({
      channel: 'telecom',
      namespace: 'number-portability',
      key: KEY,
      knownNamespace: true,
      count: 3,
    });
    expect(h.entries.map((e: { value: unknown }) => e.value)).toEqual([
      { carrier: 'TelcoA' },
      { base64: Buffer.from('raw').toString('base64') },
      null,
    ]);
    expect(h.entries[2]).toMatchObject({
      blockNumber: 6,
      isDelete: true,
      timestamp: '1970-01-01T00:00:02.000Z',
    });
    const q = await app.inject({
      method: 'GET',
      url: `/api/v1/dashboard/channels/telecom/history?namespace=asset-registry&key=${encodeURIComponent('x'.repeat(300))}`,
    });
    expect(q.statusCode).toBe(200);
    expect(q.json()).toMatchObject({ knownNamespace: false });
    expect(historyCalls.at(-1)).toEqual(['telecom', 'asset-registry', 'x'.repeat(300)]);
  });

  it('reads history only as an identity that may read the channel (header or ?identity=)', async () => {
    const url = '/api/v1/channels/telecom/keys/number-portability/k/history';
    const calls = historyCalls.length;
    const refused = await app.inject({
      method: 'GET',
      url,
      headers: { 'x-consortia-identity': 'Outsider.admin' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('FORBIDDEN');
    const byQuery = await app.inject({
      method: 'GET',
      url: '/api/v1/dashboard/channels/telecom/history?namespace=a&key=k&identity=Outsider.user1',
    });
    expect(byQuery.statusCode).toBe(403);
    expect(historyCalls.length).toBe(calls);
    const allowed = await app.inject({
      method: 'GET',
      url,
      headers: { 'x-consortia-identity': 'TelcoA.admin' },
    });
    expect(allowed.statusCode).toBe(200);
    expect(readers.slice(-3)).toEqual(['Outsider.admin', 'Outsider.user1', 'TelcoA.admin']);
  });

  it("lists the wallet's identities for the dashboard's Read-as picker, sorted, with their orgs", async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/dashboard/identities' });
    expect(res.json()).toEqual({
      identities: [
        { label: 'TelcoA.admin', mspId: 'TelcoA' },
        { label: 'TelcoB.user1', mspId: 'TelcoB' },
      ],
    });
  });

  it('answers bad history requests with a clear 4xx', async () => {
    const cases: [string, number, string][] = [
      ['/api/v1/channels/telecom/keys/%3Cscript%3E/k/history', 400, 'INVALID_ARGUMENT'],
      ['/api/v1/channels/nochannel/keys/number-portability/k/history', 404, 'UNKNOWN_CHANNEL'],
      ['/api/v1/channels/bad%20channel/keys/number-portability/k/history', 400, 'INVALID_ARGUMENT'],
      ['/api/v1/dashboard/channels/telecom/history?namespace=number-portability', 400, 'INVALID_ARGUMENT'],
      [
        `/api/v1/dashboard/channels/telecom/history?namespace=a&key=${'k'.repeat(1025)}`,
        400,
        'INVALID_ARGUMENT',
      ],
      ['/api/v1/dashboard/channels/telecom/history?namespace=a&key=a%00b', 400, 'INVALID_ARGUMENT'],
      ['/api/v1/dashboard/activity?channel=%22%3E', 400, 'INVALID_ARGUMENT'],
    ];
    for (const [url, status, code] of cases) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(status);
      expect(res.json().error.code, url).toBe(code);
      expect(res.json().error.message.length, url).toBeGreaterThan(10);
    }
  });

  it('says when there is no ledger to read history from', async () => {
    const gateway = new GatewayService({ peers: [a], orderers: [] });
    const other = await createRestServer({
      gateway,
      identities: () => {
        throw new Error('none');
      },
    });
    registerDashboardRoutes(other, { gateway, canRead, staticDir: dir });
    const res = await other.inject({ method: 'GET', url: '/api/v1/channels/telecom/keys/ns/k/history' });
    await other.close();
    expect(res.statusCode).toBe(501);
    expect(res.json().error.code).toBe('HISTORY_UNAVAILABLE');
  });

  it('gives the activity series of a channel (the first one by default)', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/dashboard/activity' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ channel: 'telecom', bucketMs: 2000 });
    expect(res.json().points.length).toBeGreaterThan(10);
  });

  it('exports Prometheus metrics, counting its own requests', async () => {
    await app.inject({ method: 'GET', url: '/api/v1/dashboard/overview' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('consortia_ledger_height{channel="telecom",peer="TelcoA.peer0"} 10');
    expect(res.body).toMatch(
      /consortia_http_requests_total\{method="GET",route="\/api\/v1\/dashboard\/overview",status="200"\} \d+/,
    );
    expect(res.body).toContain('consortia_certificate_expiry_timestamp_seconds');
  });
});
