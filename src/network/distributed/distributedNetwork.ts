import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { ConsortiaError } from '../../common/index.js';
import { type DistributedManifest, type ManifestNode, readManifest } from './distributedManifest.js';
import { type LaunchOptions, logTail, runningPid, startNode, stopNode, waitReady } from './launcher.js';

/** A started distributed network: each node's id and address. */
export interface StartedNetwork {
  readonly manifest: DistributedManifest;
  readonly endpoints: ReadonlyMap<string, string>;
}

function manifestOf(dataDir: string): DistributedManifest {
  const m = readManifest(dataDir);
  if (!m) {
    throw new ConsortiaError(
      'DATA_DIR_NOT_FOUND',
      `${dataDir} holds no distributed network; create one with consortia network up --distributed --data-dir ${dataDir}`,
      { dataDir },
    );
  }
  return m;
}

/** An etcd client with the first ordering org's orderer TLS identity, to check the cluster. */
export function etcdAdminClient(
  dataDir: string,
  manifest: DistributedManifest,
  hosts: readonly string[],
): Etcd3 {
  const tlsDir = join(dataDir, manifest.ordererOrgs[0]!, 'orderer0', 'tls');
  return new Etcd3({
    hosts: [...hosts],
    dialTimeout: 2000,
    credentials: {
      rootCertificate: readFileSync(join(dataDir, 'etcd', 'ca-bundle.pem')),
      certChain: readFileSync(join(tlsDir, 'cert.pem')),
      privateKey: readFileSync(join(tlsDir, 'key.pem')),
    },
  });
}

/** Waits until each etcd member answers a linearizable read (so the cluster has a quorum). */
export async function waitEtcd(
  dataDir: string,
  manifest: DistributedManifest,
  members: readonly ManifestNode[],
  timeoutMs = 30_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (const m of members) {
    if (m.kind !== 'etcd') continue;
    const client = etcdAdminClient(dataDir, manifest, [m.clientUrl]);
    try {
      for (;;) {
        try {
          await client.get('/consortia/health').options({ deadline: Date.now() + 1000 });
          break;
        } catch (err) {
          if (!runningPid(dataDir, m)) {
            throw new ConsortiaError(
              'NODE_FAILED',
              `${m.id} exited; its log ends with:\n${logTail(dataDir, m.id)}`,
              {
                node: m.id,
              },
            );
          }
          if (Date.now() > until) {
            throw new ConsortiaError(
              'NODE_TIMEOUT',
              `etcd member ${m.id} did not answer within ${timeoutMs} ms: ${(err as Error).message}`,
              { node: m.id },
            );
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    } finally {
      client.close();
    }
  }
}

/**
 * Starts every node of a generated distributed network as its own process, in dependency order
 * (etcd members, orderers, peers, gateway), waiting for each group to be healthy. Nodes already
 * running are kept. If a node fails to start, those started are stopped again.
 *
 * @example
 * const { endpoints } = await startDistributedNetwork({ dataDir, cli: [process.execPath, 'bin/consortia.js'] });
 */
export async function startDistributedNetwork(
  opts: Readonly<LaunchOptions & { timeoutMs?: number }>,
): Promise<StartedNetwork> {
  const manifest = manifestOf(opts.dataDir);
  const endpoints = new Map<string, string>();
  const started: ManifestNode[] = [];
  const timeoutMs = opts.timeoutMs ?? 60_000;
  try {
    for (const kind of ['etcd', 'orderer', 'peer', 'gateway'] as const) {
      const group = manifest.nodes.filter((n) => n.kind === kind);
      for (const n of group) {
        if (!runningPid(opts.dataDir, n)) started.push(n);
        startNode(n, opts);
      }
      if (kind === 'etcd') {
        await waitEtcd(opts.dataDir, manifest, group, timeoutMs);
        for (const n of group) if (n.kind === 'etcd') endpoints.set(n.id, n.clientUrl);
      } else {
        for (const [id, address] of await waitReady(opts.dataDir, group, timeoutMs))
          endpoints.set(id, address);
      }
    }
  } catch (err) {
    for (const n of started.reverse()) await stopNode(opts.dataDir, n).catch(() => undefined);
    throw err;
  }
  return { manifest, endpoints };
}

/**
 * Stops the processes of a distributed network, by the PIDs in `<data-dir>/run/` (gateway, peers,
 * orderers, then etcd). Returns the ids of the nodes it stopped.
 *
 * @example
 * await stopDistributedNetwork('./data');
 */
export async function stopDistributedNetwork(dataDir: string): Promise<string[]> {
  const manifest = manifestOf(dataDir);
  const stopped: string[] = [];
  for (const kind of ['gateway', 'peer', 'orderer', 'etcd'] as const) {
    const group = manifest.nodes.filter((n) => n.kind === kind);
    const results = await Promise.all(group.map((n) => stopNode(dataDir, n)));
    group.forEach((n, i) => {
      if (results[i]) stopped.push(n.id);
    });
  }
  return stopped;
}
