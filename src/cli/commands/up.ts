import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConsortiaError } from '../../common/index.js';
import {
  channelReadAccess,
  createRestServer,
  type DashboardHandle,
  GatewayMetrics,
  GatewayService,
  registerConfigRoutes,
  registerDashboardRoutes,
} from '../../gateway/index.js';
import { EmbeddedNetwork, listWalletIdentities, loadWalletIdentity } from '../../network/index.js';
import { sharedSignatureVerifier, WorkerSignatureVerifier } from '../../peer/index.js';
import { action, createLogger } from '../output.js';

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('start the embedded network (all orgs in this process) and its REST gateway')
    .option('--data-dir <dir>', 'where ledgers, keys and certificates live', './data')
    .option('--port <port>', 'gateway port on 127.0.0.1', '7070')
    .option('--host <host>', 'gateway address to listen on', '127.0.0.1')
    .option('--log-level <level>', 'fatal|error|warn|info|debug', 'info')
    .option('--log-format <format>', 'json or pretty', process.stderr.isTTY ? 'pretty' : 'json')
    .action(
      action(
        async (opts: {
          dataDir: string;
          port: string;
          host: string;
          logLevel: string;
          logFormat: 'json' | 'pretty';
        }) => {
          const port = Number(opts.port);
          if (!Number.isInteger(port) || port < 0 || port > 65535) {
            throw new ConsortiaError(
              'INVALID_ARGUMENT',
              `--port ${opts.port} is not a port number (0-65535)`,
            );
          }
          const logger = createLogger(opts.logLevel, opts.logFormat);
          const dataDir = resolve(opts.dataDir);
          const network = await EmbeddedNetwork.start({ dataDir, logger });
          const metrics = new GatewayMetrics();
          const verifier = sharedSignatureVerifier();
          if (verifier instanceof WorkerSignatureVerifier) {
            metrics.registerPool('signature_verification', () => verifier.poolStats());
          }
          const gateway = new GatewayService({
            peers: network.peerHandles().map((p) => metrics.instrumentPeer(p)),
            orderers: network.ordererHandles().map((o) => metrics.instrumentOrderer(o)),
            logger,
          });
          const identities = (label: string) => {
            const id = loadWalletIdentity(dataDir, label);
            return { mspId: id.mspId, certDer: id.certDer, signer: id.signer };
          };
          let dashboard: DashboardHandle | undefined;
          const server = await createRestServer({
            gateway,
            identities,
            describeContract: (name) => network.contractRuntime().describe(name),
            logger,
            health: () => dashboard?.healthChecks() ?? {},
          });
          registerConfigRoutes(server, {
            gateway,
            identities,
            install: (path) => network.installContract(path),
          });
          dashboard = registerDashboardRoutes(server, {
            gateway,
            canRead: channelReadAccess({ gateway, identities }),
            identityLabels: () => listWalletIdentities(dataDir),
            network,
            dataDir,
            metrics,
          });
          let address: string;
          try {
            address = await server.listen({ port, host: opts.host });
          } catch (err) {
            await network.stop();
            throw new ConsortiaError(
              'PORT_UNAVAILABLE',
              `cannot listen on ${opts.host}:${port}: ${(err as Error).message}`,
            );
          }
          const lines = [
            `Consortia embedded network is up (data: ${dataDir})`,
            `  orgs:     ${network.config.orgs.map((o) => o.name).join(', ')} (orderer: ${network.config.orderer.org})`,
            ...network.config.channels.map(
              (c) =>
                `  channel:  ${c.name}, height ${network.orderer.height(c.name)}, contracts: ${c.contracts.map((k) => k.name).join(', ') || '(none)'}`,
            ),
            `  gateway:  ${address}   (health: ${address}/healthz)`,
            `  dashboard: ${address}/   (API docs: ${address}/docs, metrics: ${address}/metrics)`,
            '  identities: pick one per request with the header X-Consortia-Identity, e.g. TelcoA.admin',
            'Press Ctrl+C to stop.',
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
          let stopping = false;
          const stop = async (signal: string) => {
            if (stopping) return;
            stopping = true;
            logger.info({ signal }, 'stopping');
            await server.close();
            await network.stop();
            process.stdout.write('Consortia stopped cleanly.\n');
            process.exit(0);
          };
          process.on('SIGINT', () => void stop('SIGINT'));
          process.on('SIGTERM', () => void stop('SIGTERM'));
        },
      ),
    );
}
