import { readFileSync } from 'node:fs';
import { type Logger, silentLogger } from '../../common/index.js';
import { EtcdOrderer } from '../../orderer/index.js';
import { GrpcServer } from '../grpc/grpcServer.js';
import { ordererService } from '../grpc/ordererService.js';
import { loadTlsMaterial, TlsTrust } from '../grpc/tlsConfig.js';
import type { OrdererNodeConfig } from './nodeConfig.js';
import { readIdentityDirFiles, writeReadyFile } from './nodeFiles.js';
import type { RunningNode } from './peerNode.js';

/**
 * Runs one orderer of the etcd ordering service as its own node, served over gRPC with mutual
 * TLS (Broadcast, Deliver, Info). It resumes from its block store and the etcd log.
 *
 * @example
 * const node = await startOrdererNode(loadNodeConfig('Orderer1/orderer0/node.json', 'orderer'), logger);
 */
export async function startOrdererNode(
  config: OrdererNodeConfig,
  logger: Logger = silentLogger,
): Promise<RunningNode> {
  const log = logger.child({ node: config.id });
  const id = readIdentityDirFiles(config.identity.cert, config.identity.key, config.id);
  const tls = loadTlsMaterial(config.tls);
  const etcdTls = config.etcd.tls ? loadTlsMaterial(config.etcd.tls) : undefined;
  const orderer = new EtcdOrderer({
    mspId: config.mspId,
    name: config.name,
    certDer: id.certDer,
    signer: id.signer,
    dataDir: config.dataDir,
    etcd: {
      hosts: config.etcd.endpoints,
      ...(etcdTls
        ? { tls: { caPem: etcdTls.caPems.join('\n'), certPem: etcdTls.certPem, keyPem: etcdTls.keyPem } }
        : {}),
    },
    prefix: config.etcd.prefix,
    logger: log,
    ...(config.limits ? { limits: stripUndefined(config.limits) } : {}),
  });
  let server: GrpcServer | undefined;
  const stop = async () => {
    await server?.close(500);
    await orderer.close();
  };
  try {
    for (const ch of config.channels) await orderer.joinChannel(new Uint8Array(readFileSync(ch.genesis)));
    server = await GrpcServer.start({
      address: config.listen,
      tls,
      services: [ordererService(orderer, new TlsTrust({ caPems: tls.caPems }))],
    });
  } catch (err) {
    await stop();
    throw err;
  }
  if (config.runDir) writeReadyFile(config.runDir, config.id, server.address);
  log.info({ address: server.address, channels: orderer.channels() }, 'orderer node serving');
  return { id: config.id, address: server.address, stop };
}

function stripUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}
