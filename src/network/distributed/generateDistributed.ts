import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { ConsortiaError } from '../../common/index.js';
import { CertificateAuthority, type Role } from '../../identity/index.js';
import { type ChannelConfig, validateChannelConfig } from '../../protocol/index.js';
import { channelConfigFor, genesisBlock } from '../bootstrap.js';
import { DEFAULT_NETWORK, parseNetworkConfig } from '../networkConfig.js';
import {
  type DistributedManifest,
  MANIFEST_FILE,
  type ManifestNode,
  readManifest,
} from './distributedManifest.js';
import type { GatewayNodeConfig, OrdererNodeConfig, PeerNodeConfig } from './nodeConfig.js';
import { readIdentityDirFiles } from './nodeFiles.js';

export interface DistributedNetworkOptions {
  readonly dataDir: string;
  /** REST port of the gateway (0 picks one when it starts). Default 7070. */
  readonly gatewayPort?: number;
  /** Loopback address every node listens on (default 127.0.0.1). */
  readonly host?: string;
  readonly ordererOrgs?: readonly string[];
  /** Ordering orgs that must sign each block (default: a majority of them). */
  readonly signaturesRequired?: number;
  /** Batch timeout of the channel in ms (default 100). */
  readonly batchTimeoutMs?: number;
}

/** Picks `n` distinct free TCP ports on `host`. */
async function freePorts(host: string, n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, host, () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

async function newCa(dir: string, mspId: string, commonName?: string): Promise<CertificateAuthority> {
  const ca = await CertificateAuthority.create(commonName ? { mspId, commonName } : { mspId });
  await ca.save(dir);
  return ca;
}

async function enrollTo(
  ca: CertificateAuthority,
  dir: string,
  opts: { name: string; role: Role; attributes?: Record<string, string> | undefined; tlsHost?: string },
): Promise<void> {
  const id = await ca.enroll({
    name: opts.name,
    role: opts.role,
    ...(opts.attributes ? { attributes: opts.attributes } : {}),
    ...(opts.tlsHost
      ? {
          dnsNames: ['localhost'],
          ipAddresses: [opts.tlsHost],
          extKeyUsage: ['serverAuth' as const, 'clientAuth' as const],
        }
      : {}),
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cert.pem'), id.certPem);
  writeFileSync(join(dir, 'key.pem'), id.privateKeyPem ?? '', { mode: 0o600 });
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Generates a distributed network in `dataDir`: per org an identity CA and a TLS CA, node
 * identities and TLS certificates (loopback SANs), users in the wallet, the channel's genesis
 * block (ordering on etcd, signed by every ordering org), a 3-member etcd cluster with mutual
 * TLS, one node config per orderer, peer and the gateway, and the manifest
 * (`distributed.json`). An existing distributed data dir is kept as it is.
 *
 * @example
 * const manifest = await generateDistributedNetwork({ dataDir: './data', gatewayPort: 7070 });
 */
export async function generateDistributedNetwork(
  opts: Readonly<DistributedNetworkOptions>,
): Promise<DistributedManifest> {
  const existing = readManifest(opts.dataDir);
  if (existing) return existing;
  const dataDir = opts.dataDir;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new ConsortiaError(
      'DATA_DIR_FOREIGN',
      `${dataDir} is not empty and holds no distributed network (${MANIFEST_FILE}); choose another --data-dir`,
      { dataDir },
    );
  }
  const host = opts.host ?? '127.0.0.1';
  const ordererOrgs = opts.ordererOrgs ?? ['Orderer1', 'Orderer2', 'Orderer3'];
  const network = parseNetworkConfig({
    ...DEFAULT_NETWORK,
    orderer: { org: ordererOrgs[0]!, nodes: ['orderer0'] },
  });
  const appOrgs = network.orgs.map((o) => o.name);
  const required = opts.signaturesRequired ?? Math.floor(ordererOrgs.length / 2) + 1;
  const channel = 'telecom';
  mkdirSync(join(dataDir, 'tls-roots'), { recursive: true });
  mkdirSync(join(dataDir, 'run'), { recursive: true });
  mkdirSync(join(dataDir, 'logs'), { recursive: true });

  const ports = await freePorts(host, ordererOrgs.length * 3 + appOrgs.length);
  const port = () => ports.shift()!;
  const cas = new Map<string, CertificateAuthority>();
  const tlsCas = new Map<string, CertificateAuthority>();
  for (const org of [...appOrgs, ...ordererOrgs]) {
    cas.set(org, await newCa(join(dataDir, org, 'ca'), org));
    const tlsCa = await newCa(join(dataDir, org, 'tlsca'), org, `tlsca.${org}`);
    tlsCas.set(org, tlsCa);
    writeFileSync(join(dataDir, 'tls-roots', `${org}.pem`), tlsCa.certPem);
    const isOrderer = ordererOrgs.includes(org);
    const node = isOrderer ? 'orderer0' : 'peer0';
    const role: Role = isOrderer ? 'orderer' : 'peer';
    await enrollTo(cas.get(org)!, join(dataDir, org, node), { name: node, role });
    await enrollTo(tlsCa, join(dataDir, org, node, 'tls'), { name: node, role, tlsHost: host });
    const users = network.orgs.find((o) => o.name === org)?.users ?? ['admin'];
    for (const u of users) {
      const user =
        typeof u === 'string' ? { name: u, role: (u === 'admin' ? 'admin' : 'client') as Role } : u;
      await enrollTo(cas.get(org)!, join(dataDir, org, 'users', user.name), user);
    }
  }
  const allTlsRoots = (from: string) =>
    [...appOrgs, ...ordererOrgs].map((o) => relative(from, join(dataDir, 'tls-roots', `${o}.pem`)));

  // etcd: member i is run by ordering org i, with a server/peer certificate of that org's TLS CA.
  const etcdDir = join(dataDir, 'etcd');
  mkdirSync(etcdDir, { recursive: true });
  writeFileSync(join(etcdDir, 'ca-bundle.pem'), ordererOrgs.map((o) => tlsCas.get(o)!.certPem).join('\n'));
  const members = ordererOrgs.map((org, i) => ({
    id: `etcd${i + 1}`,
    org,
    clientUrl: `https://${host}:${port()}`,
    peerUrl: `https://${host}:${port()}`,
  }));
  const token = `consortia-${randomUUID()}`;
  const cluster = members.map((m) => `${m.id}=${m.peerUrl}`).join(',');
  const nodes: ManifestNode[] = [];
  for (const m of members) {
    const dir = join('etcd', m.id);
    await enrollTo(tlsCas.get(m.org)!, join(dataDir, dir, 'tls'), {
      name: m.id,
      role: 'orderer',
      tlsHost: host,
    });
    const bundle = join('etcd', 'ca-bundle.pem');
    nodes.push({
      ...m,
      kind: 'etcd',
      args: [
        ...['--name', m.id, '--data-dir', join(dir, 'data')],
        ...['--listen-client-urls', m.clientUrl, '--advertise-client-urls', m.clientUrl],
        ...['--listen-peer-urls', m.peerUrl, '--initial-advertise-peer-urls', m.peerUrl],
        ...['--initial-cluster', cluster, '--initial-cluster-state', 'new', '--initial-cluster-token', token],
        ...['--cert-file', join(dir, 'tls', 'cert.pem'), '--key-file', join(dir, 'tls', 'key.pem')],
        ...['--client-cert-auth', '--trusted-ca-file', bundle],
        ...['--peer-cert-file', join(dir, 'tls', 'cert.pem'), '--peer-key-file', join(dir, 'tls', 'key.pem')],
        ...['--peer-client-cert-auth', '--peer-trusted-ca-file', bundle],
        ...['--logger', 'zap', '--log-outputs', 'stderr'],
      ],
    });
  }

  const ordererAddrs = ordererOrgs.map((org) => ({
    id: `${org}.orderer0`,
    org,
    address: `${host}:${port()}`,
  }));
  const peerAddrs = appOrgs.map((org) => ({ id: `${org}.peer0`, org, address: `${host}:${port()}` }));

  // The channel of the embedded default network (contracts, collections, policies), ordered on etcd.
  const base = channelConfigFor(network, network.channels[0]!, cas);
  const endpoint = (node: string, role: 'peer' | 'orderer', address: string) => [{ node, role, address }];
  const config: ChannelConfig = validateChannelConfig({
    ...base,
    orgs: base.orgs.map((o) => ({
      ...o,
      tlsRootCerts: [tlsCas.get(o.mspId)!.certPem],
      endpoints: endpoint('peer0', 'peer', peerAddrs.find((p) => p.org === o.mspId)!.address),
    })),
    ordererOrgs: ordererOrgs.map((o) => ({
      mspId: o,
      rootCerts: [cas.get(o)!.certPem],
      tlsRootCerts: [tlsCas.get(o)!.certPem],
      endpoints: endpoint('orderer0', 'orderer', ordererAddrs.find((p) => p.org === o)!.address),
    })),
    batch: { ...base.batch, timeoutMs: opts.batchTimeoutMs ?? 100 },
    ordering: { type: 'etcd', signaturesRequired: required },
  });
  const signers = ordererOrgs.map((o) =>
    readIdentityDirFiles(
      join(dataDir, o, 'orderer0', 'cert.pem'),
      join(dataDir, o, 'orderer0', 'key.pem'),
      `${o}.orderer0`,
    ),
  );
  mkdirSync(join(dataDir, 'channels', channel), { recursive: true });
  const genesisPath = join(dataDir, 'channels', channel, 'genesis.block');
  writeFileSync(genesisPath, genesisBlock(config, signers[0]!, ...signers.slice(1)));

  const common = (org: string, node: string, listen: string) => {
    const dir = join(dataDir, org, node);
    return {
      id: `${org}.${node}`,
      mspId: org,
      name: node,
      dataDir: '.',
      identity: { cert: 'cert.pem', key: 'key.pem' },
      tls: { cert: 'tls/cert.pem', key: 'tls/key.pem', caCerts: allTlsRoots(dir) },
      listen,
      channels: [{ genesis: relative(dir, genesisPath) }],
      runDir: relative(dir, join(dataDir, 'run')),
    };
  };
  ordererAddrs.forEach((o, i) => {
    const dir = join(dataDir, o.org, 'orderer0');
    const member = members[i]!;
    const cfg: OrdererNodeConfig = {
      kind: 'orderer',
      ...common(o.org, 'orderer0', o.address),
      etcd: {
        // Its own org's member first; the others for failover.
        endpoints: [member.clientUrl, ...members.filter((m) => m !== member).map((m) => m.clientUrl)],
        tls: {
          cert: 'tls/cert.pem',
          key: 'tls/key.pem',
          caCerts: ordererOrgs.map((x) => relative(dir, join(dataDir, 'tls-roots', `${x}.pem`))),
        },
        prefix: '/consortia',
      },
    };
    writeJson(join(dir, 'node.json'), cfg);
    nodes.push({
      id: o.id,
      kind: 'orderer',
      org: o.org,
      address: o.address,
      config: relative(dataDir, join(dir, 'node.json')),
    });
  });
  peerAddrs.forEach((p, i) => {
    const dir = join(dataDir, p.org, 'peer0');
    // Each peer prefers a different orderer, so the Deliver load spreads.
    const preferred = ordererAddrs.map((_, k) => ordererAddrs[(i + k) % ordererAddrs.length]!);
    const cfg: PeerNodeConfig = {
      kind: 'peer',
      ...common(p.org, 'peer0', p.address),
      orderers: preferred.map((o) => ({ id: o.id, address: o.address })),
      contracts: {},
    };
    writeJson(join(dir, 'node.json'), cfg);
    nodes.push({
      id: p.id,
      kind: 'peer',
      org: p.org,
      address: p.address,
      config: relative(dataDir, join(dir, 'node.json')),
    });
  });
  const gwDir = join(dataDir, 'gateway');
  const gwOrg = appOrgs[0]!;
  await enrollTo(tlsCas.get(gwOrg)!, join(gwDir, 'tls'), { name: 'gateway', role: 'client', tlsHost: host });
  const gatewayAddress = `${host}:${opts.gatewayPort ?? 7070}`;
  const gw: GatewayNodeConfig = {
    kind: 'gateway',
    id: 'gateway',
    listen: gatewayAddress,
    tls: { cert: 'tls/cert.pem', key: 'tls/key.pem', caCerts: allTlsRoots(gwDir) },
    walletDir: '..',
    peers: peerAddrs.map((p) => ({ id: p.id, mspId: p.org, address: p.address })),
    orderers: ordererAddrs.map((o) => ({ id: o.id, address: o.address })),
    runDir: '../run',
  };
  writeJson(join(gwDir, 'node.json'), gw);
  nodes.push({
    id: 'gateway',
    kind: 'gateway',
    org: gwOrg,
    address: gatewayAddress,
    config: 'gateway/node.json',
  });

  // Save the CAs again now that they issued everything: revoking a certificate later needs the
  // CA's record of it.
  for (const [org, ca] of cas) await ca.save(join(dataDir, org, 'ca'));
  for (const [org, ca] of tlsCas) await ca.save(join(dataDir, org, 'tlsca'));

  const manifest: DistributedManifest = {
    format: 1,
    kind: 'consortia-distributed',
    createdAt: new Date().toISOString(),
    channel,
    appOrgs: [...appOrgs],
    ordererOrgs: [...ordererOrgs],
    nodes,
  };
  writeJson(join(dataDir, MANIFEST_FILE), manifest);
  return manifest;
}
