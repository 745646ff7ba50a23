import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConsortiaError } from '../../common/index.js';
import {
  generateDistributedNetwork,
  readManifest,
  startDistributedNetwork,
  stopDistributedNetwork,
  verifyDistributedDataDir,
} from '../../network/index.js';
import { action } from '../output.js';
import { quietTlsWarnings } from './node.js';

/** The command line that runs this CLI again (the same Node flags, e.g. tsx in development). */
function selfCommand(): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1]!];
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConsortiaError('INVALID_ARGUMENT', `--port ${text} is not a port number (0-65535)`);
  return port;
}

export function registerNetwork(program: Command): void {
  const network = program
    .command('network')
    .description('a distributed network: each node its own process, gRPC with mutual TLS, ordering on etcd');

  network
    .command('up')
    .description('generate (first time) and start etcd members, orderers, peers and a gateway as processes')
    .option(
      '--distributed',
      'run every node as its own process (required; `consortia up` runs the embedded network)',
    )
    .option('--data-dir <dir>', 'where keys, configs, ledgers, PIDs and logs live', './data')
    .option('--port <port>', 'gateway REST port on 127.0.0.1 (first time only)', '7070')
    .option('--etcd <path>', 'the etcd executable', 'etcd')
    .action(
      action(async (opts: { distributed?: boolean; dataDir: string; port: string; etcd: string }) => {
        if (!opts.distributed) {
          throw new ConsortiaError(
            'INVALID_ARGUMENT',
            'consortia network up needs --distributed; for everything in one process use consortia up',
          );
        }
        quietTlsWarnings();
        const dataDir = resolve(opts.dataDir);
        const port = parsePort(opts.port);
        const created = !readManifest(dataDir);
        if (created) process.stdout.write(`Generating keys, certificates and node configs in ${dataDir}\n`);
        await generateDistributedNetwork({ dataDir, gatewayPort: port });
        const { manifest, endpoints } = await startDistributedNetwork({
          dataDir,
          cli: selfCommand(),
          etcdBinary: opts.etcd,
        });
        const lines = [`Consortia distributed network is up (data: ${dataDir})`];
        for (const kind of ['etcd', 'orderer', 'peer', 'gateway'] as const) {
          for (const n of manifest.nodes.filter((x) => x.kind === kind)) {
            lines.push(`  ${kind.padEnd(8)} ${n.id.padEnd(20)} ${endpoints.get(n.id) ?? '?'}`);
          }
        }
        const gw = endpoints.get('gateway');
        lines.push(
          `  gateway:  ${gw}   (health: ${gw}/healthz)`,
          `  PIDs in ${resolve(dataDir, 'run')}, logs in ${resolve(dataDir, 'logs')}`,
          `Stop with: consortia network down --data-dir ${opts.dataDir}`,
        );
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );

  network
    .command('generate')
    .description(
      'only generate keys, certificates, genesis block and node configs (to copy to other machines)',
    )
    .option('--data-dir <dir>', 'where to write them', './data')
    .option('--port <port>', 'gateway REST port', '7070')
    .action(
      action(async (opts: { dataDir: string; port: string }) => {
        const dataDir = resolve(opts.dataDir);
        if (readManifest(dataDir)) {
          throw new ConsortiaError('DATA_DIR_EXISTS', `${dataDir} already holds a distributed network`);
        }
        const manifest = await generateDistributedNetwork({ dataDir, gatewayPort: parsePort(opts.port) });
        const lines = [`Generated a distributed network in ${dataDir}:`];
        for (const n of manifest.nodes) {
          lines.push(
            `  ${n.kind.padEnd(8)} ${n.id.padEnd(20)} ${n.kind === 'etcd' ? n.clientUrl : n.config}`,
          );
        }
        lines.push(
          'Start it with consortia network up --distributed, or each node with consortia node <kind> --config <file>.',
        );
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );

  network
    .command('down')
    .description('stop the processes of a distributed network (by the PIDs it recorded)')
    .option('--data-dir <dir>', 'the distributed network data dir', './data')
    .action(
      action(async (opts: { dataDir: string }) => {
        const stopped = await stopDistributedNetwork(resolve(opts.dataDir));
        process.stdout.write(
          stopped.length > 0 ? `Stopped ${stopped.join(', ')}\n` : 'No node of this network was running.\n',
        );
      }),
    );

  network
    .command('verify')
    .description('audit every ledger of a stopped distributed network and compare the nodes')
    .option('--data-dir <dir>', 'the distributed network data dir', './data')
    .action(
      action(async (opts: { dataDir: string }) => {
        const nodes = await verifyDistributedDataDir(resolve(opts.dataDir));
        for (const n of nodes) {
          process.stdout.write(
            `${n.node}: ${n.blocks} blocks${n.mode === 'peer' ? `, ${n.valid} valid, ${n.invalid} invalid` : ''}: ok\n`,
          );
        }
        process.stdout.write('All ledgers verify and agree.\n');
      }),
    );
}
