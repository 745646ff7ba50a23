import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, GatewayService } from '../../src/gateway/index.js';
import { CertificateAuthority } from '../../src/identity/index.js';
import { Ledger } from '../../src/ledger/index.js';
import {
  encodeJson,
  failoverOrderer,
  type ManifestNode,
  NodeClient,
  ORDERER_SERVICE,
  PEER_SERVICE,
  RemoteOrderer,
  RemotePeer,
  runningPid,
  startNode,
  stopDistributedNetwork,
  verifyDistributedDataDir,
  waitEtcd,
  waitReady,
} from '../../src/network/index.js';
import { parseBlock, parseEnvelope, ValidationCode } from '../../src/protocol/index.js';
import { runCli } from '../support/cli.js';
import { CLI, etcdInstalled, eventually, material } from './support.js';

const CH = 'telecom';
const hasEtcd = etcdInstalled();
if (!hasEtcd)
  console.warn('test/system/distributed: etcd is not installed (apt-get install etcd-server); skipped');

let dir: string;
let m: Awaited<ReturnType<typeof material>>;
let gatewayUrl: string;
let started = false;

const node = (id: string): ManifestNode => m.manifest.nodes.find((n) => n.id === id)!;
const pidOf = (id: string): number => runningPid(dir, node(id))!;

/** A node's Info over gRPC with the gateway's TLS identity. */
async function info(id: string): Promise<{ channels: { name: string; height: number }[] }> {
  const n = node(id) as { address: string; kind: string };
  const client = new NodeClient({ id, address: n.address, tls: m.tlsOf(join(dir, 'gateway')) });
  try {
    const method = n.kind === 'peer' ? PEER_SERVICE.info : ORDERER_SERVICE.info;
    return JSON.parse(Buffer.from(await client.unary(method, encodeJson({}), 3000)).toString());
  } finally {
    client.close();
  }
}
const heightOf = async (id: string) => (await info(id)).channels.find((c) => c.name === CH)?.height ?? 0;

/** Steady load through the gateway's REST API: each acknowledged (committed VALID) txId is kept. */
function startLoad(clients: number, maxTxs: number) {
  const labels = ['TelcoA.admin', 'TelcoB.admin', 'TelcoC.admin', 'Regulator.admin'];
  const acked: string[] = [];
  let sent = 0;
  let failed = 0;
  let stop = false;
  const loops = Array.from({ length: clients }, async (_, c) => {
    while (!stop && sent < maxTxs) {
      const i = sent++;
      try {
        const res = await fetch(
          `${gatewayUrl}/api/v1/channels/${CH}/contracts/asset-registry/submit/createAsset`,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-consortia-identity': labels[(c + i) % labels.length]!,
            },
            body: JSON.stringify({ id: `load-${c}-${i}`, owner: `owner-${i}`, value: i }),
            signal: AbortSignal.timeout(40_000),
          },
        );
        const body = (await res.json()) as { txId?: string; validationCode?: string };
        if (res.status === 200 && body.validationCode === 'VALID' && body.txId) acked.push(body.txId);
        else failed++;
      } catch {
        failed++;
      }
    }
  });
  return {
    acked,
    failures: () => failed,
    /** Resolves once `n` more transactions are acknowledged. */
    progress: (n: number, timeoutMs = 60_000) => {
      const target = acked.length + n;
      return eventually(() => acked.length >= target, timeoutMs, `${n} more acknowledged transactions`);
    },
    stop: async () => {
      stop = true;
      await Promise.all(loops);
    },
  };
}

async function restart(id: string): Promise<void> {
  const n = node(id);
  startNode(n, { dataDir: dir, cli: CLI });
  if (n.kind === 'etcd') await waitEtcd(dir, m.manifest, [n], 60_000);
  else await waitReady(dir, [n], 120_000);
}

describe.skipIf(!hasEtcd)('a distributed network survives faults under load', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'consortia-'));
    started = true;
    const up = await runCli(['network', 'up', '--distributed', '--data-dir', dir, '--port', '0']);
    expect(up.stderr).not.toMatch(/^error/m);
    expect(up.code).toBe(0);
    gatewayUrl = /gateway:\s+(http:\/\/\S+)/.exec(up.stdout)![1]!;
    m = await material(dir);
    for (const n of m.manifest.nodes) expect(runningPid(dir, n), n.id).toBeGreaterThan(0);
  }, 300_000);

  afterAll(async () => {
    if (started) await stopDistributedNetwork(dir).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a TLS client without a consortium certificate', async () => {
    const foreign = await CertificateAuthority.create({ mspId: 'Mallory', commonName: 'tlsca.Mallory' });
    const cert = await foreign.enroll({
      name: 'm',
      role: 'client',
      ipAddresses: ['127.0.0.1'],
      extKeyUsage: ['clientAuth'],
    });
    const tls = {
      certPem: cert.certPem,
      keyPem: cert.privateKeyPem!,
      caPems: m.tlsOf(join(dir, 'gateway')).caPems,
    };
    for (const id of ['TelcoA.peer0', 'Orderer1.orderer0']) {
      const n = node(id) as { address: string };
      const client = new NodeClient({ id, address: n.address, tls });
      await expect(client.unary(PEER_SERVICE.info, encodeJson({}), 3000)).rejects.toMatchObject({
        code: 'UNAVAILABLE',
      });
      client.close();
      expect(await heightOf(id)).toBeGreaterThan(0);
    }
  });

  it('carries private data between peer processes (endpoints from the channel config)', async () => {
    const tls = m.tlsOf(join(dir, 'gateway'));
    const nodes = m.manifest.nodes.filter((n) => n.kind === 'peer') as {
      id: string;
      org: string;
      address: string;
    }[];
    const peers = await Promise.all(
      nodes.map((n) => RemotePeer.connect({ id: n.id, mspId: n.org, address: n.address, tls })),
    );
    const orderer = node('Orderer1.orderer0') as { id: string; address: string };
    const orderers = [new RemoteOrderer({ id: orderer.id, address: orderer.address, tls })];
    try {
      const gateway = new GatewayService({ peers, orderers: [failoverOrderer(orderers)] });
      const sdk = (org: string) => {
        const id = m.user(org, 'admin');
        return connect({ identity: { mspId: org, credentials: id.certDer }, signer: id.signer, gateway })
          .network(CH)
          .contract('private-notes');
      };
      const ref = { collection: 'telco-ab', id: 'dist-1' };
      const note = new TextEncoder().encode('between TelcoA and TelcoB');
      await sdk('TelcoA').submit('putNote', { arguments: ref, transient: new Map([['note', note]]) });
      const read = await eventually(
        () => sdk('TelcoB').evaluate<{ text: string }>('getNote', { arguments: ref }),
        30_000,
        'the note on TelcoB',
      );
      expect(read.text).toBe('between TelcoA and TelcoB');
    } finally {
      for (const p of peers) p.close();
      for (const o of orderers) o.close();
    }
  });

  it('kill -9 of an etcd member, an orderer and a peer, SIGSTOP of an orderer: nothing lost, nothing forked', async () => {
    const load = startLoad(3, 400);
    const t0 = Date.now();
    const phase = (what: string) =>
      console.info(
        `[distributed] ${what} at ${Date.now() - t0} ms, ${load.acked.length} acknowledged, ${load.failures()} failed`,
      );
    try {
      await load.progress(3, 120_000);
      phase('load running');

      process.kill(pidOf('etcd2'), 'SIGKILL');
      await load.progress(3);
      await restart('etcd2');
      phase('etcd2 killed and restarted');

      process.kill(pidOf('Orderer2.orderer0'), 'SIGKILL');
      await load.progress(3);
      await restart('Orderer2.orderer0');
      phase('Orderer2 killed and restarted');

      process.kill(pidOf('TelcoB.peer0'), 'SIGKILL');
      await load.progress(3);
      await restart('TelcoB.peer0');
      phase('TelcoB.peer0 killed and restarted');

      // An orderer stopped for much longer than the batch timeout (100 ms): the others go on.
      const o3 = pidOf('Orderer3.orderer0');
      process.kill(o3, 'SIGSTOP');
      try {
        const before = await heightOf('Orderer1.orderer0');
        await eventually(
          async () => (await heightOf('Orderer1.orderer0')) >= before + 3,
          60_000,
          'three blocks while Orderer3 is stopped',
        );
        phase('blocks cut while Orderer3 is stopped');
      } finally {
        process.kill(o3, 'SIGCONT');
      }
      await load.progress(2);
    } finally {
      await load.stop();
    }
    phase('load stopped');
    expect(load.acked.length).toBeGreaterThanOrEqual(10);

    // Every node converges on the same height.
    const ids = m.manifest.nodes.filter((n) => n.kind === 'peer' || n.kind === 'orderer').map((n) => n.id);
    await eventually(
      async () => {
        const heights = await Promise.all(ids.map(heightOf));
        return heights.every((h) => h === heights[0]);
      },
      60_000,
      'all nodes at the same height',
    );
    const down = await runCli(['network', 'down', '--data-dir', dir]);
    expect(down.code).toBe(0);
    started = false;
    for (const n of m.manifest.nodes) expect(runningPid(dir, n), `${n.id} still runs`).toBeUndefined();

    const verified = await verifyDistributedDataDir(dir);
    const peers = verified.filter((v) => v.mode === 'peer');
    expect(peers).toHaveLength(4);
    expect(new Set(verified.map((v) => v.blocks)).size).toBe(1);
    expect(new Set(peers.map((p) => p.stateDigest)).size).toBe(1);

    for (const p of m.manifest.nodes.filter((n) => n.kind === 'peer')) {
      const [org, name] = p.id.split('.') as [string, string];
      const ledger = await Ledger.open({ dir: join(dir, org, name, 'ledgers', CH), channel: CH });
      try {
        const valid = new Map<string, number>();
        for (let n = 1; n < ledger.height; n++) {
          const block = parseBlock(ledger.getBlock(n)!);
          block.envelopes.forEach((e, i) => {
            if (block.validationCodes[i] !== ValidationCode.VALID) return;
            const txId = parseEnvelope(e).txId;
            valid.set(txId, (valid.get(txId) ?? 0) + 1);
          });
        }
        for (const txId of load.acked) expect(valid.get(txId), `${txId} on ${p.id}`).toBe(1);
      } finally {
        await ledger.close();
      }
    }
  }, 420_000);
});
