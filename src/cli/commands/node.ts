import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConsortiaError, type Logger } from '../../common/index.js';
import { ContractRuntime } from '../../contract/index.js';
import { createRestServer, GatewayService } from '../../gateway/index.js';
import {
  failoverOrderer,
  type GatewayNodeConfig,
  loadNodeConfig,
  loadTlsMaterial,
  loadWalletIdentity,
  RemoteOrderer,
  RemotePeer,
  type RunningNode,
  resolveContractModule,
  startOrdererNode,
  startPeerNode,
  writeReadyFile,
} from '../../network/index.js';
import { action, createLogger } from '../output.js';

interface NodeOpts {
  config: string;
  logLevel: string;
  logFormat: 'json' | 'pretty';
}

/**
 * Node warns when TLS is given an IP address as server name (RFC 6066); nodes on loopback are
 * addressed by IP, and their certificates carry the IP. Keep that warning out of the output.
 */
export function quietTlsWarnings(): void {
  process.noDeprecation = true;
}

/** Stops the node on SIGINT/SIGTERM and exits. */
function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

/** The REST gateway of a distributed network: GatewayService over remote peers and orderers. */
async function startGatewayNode(cfg: GatewayNodeConfig, logger: Logger): Promise<RunningNode> {
  const tls = loadTlsMaterial(cfg.tls);
  const peers = await Promise.all(
    cfg.peers.map((p) => RemotePeer.connect({ id: p.id, mspId: p.mspId, address: p.address, tls, logger })),
  );
  // Wait a while for every peer, but serve with those that answer: the others join when they do.
  await Promise.all(peers.map((p) => p.waitConnected(30_000).catch(() => undefined)));
  const orderers = cfg.orderers.map((o) => new RemoteOrderer({ id: o.id, address: o.address, tls }));
  const gateway = new GatewayService({ peers, orderers: [failoverOrderer(orderers)], logger });
  const contracts = new Map<string, string>();
  for (const p of peers) {
    for (const ch of p.channels()) {
      for (const c of p.channelConfig(ch).contracts) {
        try {
          contracts.set(c.name, resolveContractModule(c.name));
        } catch {
          // not a built-in contract: the OpenAPI document lists it without argument schemas
        }
      }
    }
  }
  const runtime = new ContractRuntime({ contracts });
  const walletDir = cfg.walletDir;
  const server = await createRestServer({
    gateway,
    identities: (label) => {
      const id = loadWalletIdentity(walletDir, label);
      return { mspId: id.mspId, certDer: id.certDer, signer: id.signer };
    },
    describeContract: (name) => runtime.describe(name),
    logger,
    health: () => Object.fromEntries(peers.map((p) => [p.id, { ok: p.connected }])),
  });
  const colon = cfg.listen.lastIndexOf(':');
  const host = cfg.listen.slice(0, colon);
  const port = Number(cfg.listen.slice(colon + 1));
  let address: string;
  try {
    address = await server.listen({ host, port });
  } catch (err) {
    throw new ConsortiaError('PORT_UNAVAILABLE', `cannot listen on ${cfg.listen}: ${(err as Error).message}`);
  }
  if (cfg.runDir) writeReadyFile(cfg.runDir, cfg.id, address);
  logger.info({ address }, 'gateway serving');
  return {
    id: cfg.id,
    address,
    stop: async () => {
      await server.close();
      for (const p of peers) p.close();
      for (const o of orderers) o.close();
      await runtime.close();
    },
  };
}

export function registerNode(program: Command): void {
  const node = program
    .command('node')
    .description('run one node of a distributed network (peer, orderer or gateway) from its config file');
  for (const kind of ['peer', 'orderer', 'gateway'] as const) {
    node
      .command(kind)
      .description(`run a ${kind} node`)
      .requiredOption('--config <file>', 'the node config (JSON)')
      .option('--log-level <level>', 'fatal|error|warn|info|debug', 'info')
      .option('--log-format <format>', 'json or pretty', process.stderr.isTTY ? 'pretty' : 'json')
      .action(
        action(async (opts: NodeOpts) => {
          quietTlsWarnings();
          const logger = createLogger(opts.logLevel, opts.logFormat);
          const file = resolve(opts.config);
          const running =
            kind === 'peer'
              ? await startPeerNode(loadNodeConfig(file, 'peer'), logger)
              : kind === 'orderer'
                ? await startOrdererNode(loadNodeConfig(file, 'orderer'), logger)
                : await startGatewayNode(loadNodeConfig(file, 'gateway'), logger);
          process.stdout.write(`${kind} ${running.id} serving on ${running.address}\n`);
          stopOnSignals(logger, running.stop);
        }),
      );
  }
}
