import { readFileSync } from 'node:fs';
import { type Logger, silentLogger } from '../../common/index.js';
import { ContractRuntime } from '../../contract/index.js';
import { Peer, runtimeExecutor } from '../../peer/index.js';
import { parseBlock } from '../../protocol/index.js';
import { builtinContracts, resolveContractModule } from '../contractModules.js';
import { BlockPuller } from '../grpc/blockPuller.js';
import { GrpcServer } from '../grpc/grpcServer.js';
import { peerService } from '../grpc/peerService.js';
import { grpcPrivateDataTransport } from '../grpc/privateDataLink.js';
import { RemoteOrderer } from '../grpc/remoteOrderer.js';
import { loadTlsMaterial, TlsTrust } from '../grpc/tlsConfig.js';
import type { PeerNodeConfig } from './nodeConfig.js';
import { readIdentityDirFiles, writeReadyFile } from './nodeFiles.js';

/** A running peer node. */
export interface RunningNode {
  readonly id: string;
  /** The gRPC address it serves on. */
  readonly address: string;
  stop(): Promise<void>;
}

/**
 * Runs one peer as its own node: the same Peer class as the embedded network, served over gRPC
 * with mutual TLS, and fed by block pullers that stream from the orderers in the config (failing
 * over to the next one) starting at the peer's height, so a restarted peer catches up. Private
 * data goes to the other member peers over gRPC too.
 *
 * @example
 * const node = await startPeerNode(loadNodeConfig('TelcoA/peer0/node.json', 'peer'), logger);
 */
export async function startPeerNode(
  config: PeerNodeConfig,
  logger: Logger = silentLogger,
): Promise<RunningNode> {
  const log = logger.child({ node: config.id });
  const id = readIdentityDirFiles(config.identity.cert, config.identity.key, config.id);
  const tls = loadTlsMaterial(config.tls);
  const contracts = new Map<string, string>(builtinContracts().map((n) => [n, resolveContractModule(n)]));
  for (const [name, path] of Object.entries(config.contracts))
    contracts.set(name, resolveContractModule(name, path));
  const runtime = new ContractRuntime({ contracts });
  const overrides = new Map((config.peers ?? []).map((p) => [p.id, p]));
  const privateData = grpcPrivateDataTransport({
    tls,
    // The peer endpoints the orgs declare in the channel config, unless the node config says otherwise.
    directory: (channel) => {
      const declared = peer
        .context(channel)
        .config.orgs.flatMap((o) =>
          (o.endpoints ?? [])
            .filter((e) => e.role === 'peer')
            .map((e) => ({ id: `${o.mspId}.${e.node}`, mspId: o.mspId, address: e.address })),
        );
      const extra = [...overrides.values()].filter((p) => !declared.some((d) => d.id === p.id));
      return [...declared.map((d) => overrides.get(d.id) ?? d), ...extra];
    },
  });
  const peer: Peer = new Peer({
    mspId: config.mspId,
    name: config.name,
    certDer: id.certDer,
    signer: id.signer,
    dataDir: config.dataDir,
    executor: runtimeExecutor(runtime),
    privateDataTransport: privateData,
  });
  const orderers = config.orderers.map((o) => new RemoteOrderer({ id: o.id, address: o.address, tls }));
  const pullers: BlockPuller[] = [];
  let server: GrpcServer | undefined;
  const stop = async () => {
    await server?.close(500);
    for (const p of pullers) await p.stop();
    for (const o of orderers) o.close();
    privateData.close();
    await peer.close();
    await runtime.close();
  };
  try {
    for (const ch of config.channels) {
      const genesis = new Uint8Array(readFileSync(ch.genesis));
      await peer.joinChannel(genesis);
      const channel = parseBlock(genesis).channel;
      pullers.push(new BlockPuller({ channel, sink: peer, orderers, logger: log }));
    }
    server = await GrpcServer.start({
      address: config.listen,
      tls,
      services: [peerService(peer, new TlsTrust({ caPems: tls.caPems }))],
    });
    for (const p of pullers) p.start();
  } catch (err) {
    await stop();
    throw err;
  }
  if (config.runDir) writeReadyFile(config.runDir, config.id, server.address);
  log.info({ address: server.address, channels: peer.channels() }, 'peer node serving');
  return { id: config.id, address: server.address, stop };
}
