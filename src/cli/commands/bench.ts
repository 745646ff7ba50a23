import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConsortiaError } from '../../common/index.js';
import {
  defaultOutPath,
  formatTable,
  progressBar,
  runBench,
  runPeerBench,
  storeBreakdown,
  summaryRows,
  WORKLOADS,
  type WorkloadName,
  writeResult,
} from '../bench/index.js';
import { action } from '../output.js';
import { Progress } from '../progress.js';

interface BenchCliOptions {
  workload: string;
  duration: string;
  rate?: string;
  outstanding?: string;
  out?: string;
  dataDir?: string;
  workers: string;
  hotKeys?: string;
  readShare?: string;
  contractThreads?: string;
  warmup?: string;
}

interface PeerBenchCliOptions {
  txs: string;
  blockSize: string;
  out?: string;
  sourceDir?: string;
}

function num(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) {
    throw new ConsortiaError('INVALID_ARGUMENT', `${name} must be a number, got '${text}'`);
  }
  return n;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(
      'benchmark an embedded 4-org network: committed tx/s, invalid codes, latency, CPU and the signature bound',
    )
    .requiredOption('--workload <name>', `workload: ${WORKLOADS.join(' | ')}`)
    .option('--duration <seconds>', 'length of the measured window', '30')
    .option('--rate <tx/s>', 'fixed rate (open loop)')
    .option('--outstanding <n>', 'max rate (closed loop) with n operations in flight (default 64)')
    .option('--workers <n>', 'client workers the load is spread over', '4')
    .option(
      '--out <file.json>',
      'result file (default .bench-out/<workload>-<time>.json); the chart goes beside it',
    )
    .option('--data-dir <dir>', "keep the network's data here, for `consortia verify` (default: a temp dir)")
    .option('--hot-keys <share>', 'hot: share of writes that go to the hot keys (default 0.1)')
    .option('--read-share <share>', 'hot: share of operations that are reads (default 0.5)')
    .option('--contract-threads <n>', 'most contract worker threads (default 2, 1 on one core)')
    .option('--warmup <seconds>', 'the same load before the measured window, not counted', '5')
    .action(
      action(async (o: BenchCliOptions) => {
        if (!(WORKLOADS as readonly string[]).includes(o.workload)) {
          throw new ConsortiaError(
            'INVALID_ARGUMENT',
            `unknown workload '${o.workload}'; use one of ${WORKLOADS.join(', ')}`,
          );
        }
        const rate = num('--rate', o.rate);
        const outstanding = num('--outstanding', o.outstanding);
        const hotKeyShare = num('--hot-keys', o.hotKeys);
        const readShare = num('--read-share', o.readShare);
        const contractThreads = num('--contract-threads', o.contractThreads);
        const warmupS = num('--warmup', o.warmup);
        const progress = new Progress('bench');
        const result = await runBench({
          workload: o.workload as WorkloadName,
          durationS: num('--duration', o.duration)!,
          workers: num('--workers', o.workers)!,
          ...(rate !== undefined ? { rate } : {}),
          ...(outstanding !== undefined ? { outstanding } : {}),
          ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
          ...(hotKeyShare !== undefined ? { hotKeyShare } : {}),
          ...(readShare !== undefined ? { readShare } : {}),
          ...(contractThreads !== undefined ? { contractThreads } : {}),
          ...(warmupS !== undefined ? { warmupS } : {}),
          onPhase: (p) => progress.update(p),
          onProgress: (p) =>
            progress.update(
              `${progressBar(p.elapsedS / p.durationS)} ${p.elapsedS.toFixed(0)}/${p.durationS} s  committed ${p.committed}  ${p.tps} tx/s  in flight ${p.inFlight}`,
            ),
        });
        progress.done();
        const rows = summaryRows(result);
        const out = o.out ? resolve(o.out) : defaultOutPath(result.workload, new Date(), process.cwd());
        const title = `consortia bench: ${result.workload}, ${result.mode === 'fixed-rate' ? `${result.rate} tx/s` : `${result.outstanding} in flight`}`;
        const files = writeResult(out, title, result, result.timeSeries, rows);
        process.stdout.write(`${formatTable(rows)}\n`);
        process.stdout.write(`  result: ${files.json}\n  chart:  ${files.html}\n`);
        if (result.dataDir)
          process.stdout.write(
            `  data:   ${result.dataDir} (audit: consortia verify --data-dir ${result.dataDir})\n`,
          );
      }),
    );

  program
    .command('bench-peer')
    .description('benchmark one committing peer fed pre-ordered blocks of endorsed register transactions')
    .option('--txs <n>', 'transactions to pre-build and commit', '5000')
    .option('--block-size <n>', 'transactions per block', '100')
    .option('--out <file.json>', 'result file (default .bench-out/peer-<time>.json)')
    .option(
      '--source-dir <dir>',
      'keep the network that endorses the transactions here, and reuse its transactions in later runs',
    )
    .action(
      action(async (o: PeerBenchCliOptions) => {
        const progress = new Progress('bench-peer');
        const result = await runPeerBench({
          txs: num('--txs', o.txs)!,
          blockSize: num('--block-size', o.blockSize)!,
          ...(o.sourceDir !== undefined ? { sourceDir: resolve(o.sourceDir) } : {}),
          onPhase: (p) => progress.update(p),
        });
        progress.done();
        const rows = peerRows(result);
        const out = o.out ? resolve(o.out) : defaultOutPath('peer', new Date(), process.cwd());
        const files = writeResult(out, 'consortia bench-peer', result, result.timeSeries, rows);
        process.stdout.write(`${formatTable(rows)}\n`);
        process.stdout.write(`  result: ${files.json}\n  chart:  ${files.html}\n`);
      }),
    );
}

function peerRows(r: Awaited<ReturnType<typeof runPeerBench>>): [string, string][] {
  return [
    ['transactions', `${r.txs} in ${r.blocks} blocks of ${r.blockSize}`],
    ['committed valid', `${r.committed} (${r.committedTps} tx/s over ${r.elapsedS} s)`],
    [
      'invalid',
      `${
        Object.entries(r.invalidByCode)
          .map(([c, n]) => `${c} ${n}`)
          .join(', ') || 'none'
      }`,
    ],
    [
      'CPU',
      `${r.cpu.percentOfCores}% of ${r.machine.cores} cores, ${r.cpu.msPerTx} CPU ms per valid tx (load average before: ${r.machine.loadAverage1m})`,
    ],
    [
      'P-256 per core',
      `${r.crypto.verifiesPerSecondPerCore} verify/s (all ${r.machine.cores} cores at once: ${r.crypto.allCoresVerifiesPerSecond} verify/s)`,
    ],
    ['peer bound', `${r.peerBoundTps} tx/s (${r.verifiesPerTx} verifies per tx)`],
    ['of the bound', `${(r.boundRatio * 100).toFixed(1)}%`],
    ['disk per tx', `${r.disk.bytesPerTx} B (${r.disk.allocatedBytesPerTx} B allocated)`],
    ['  by store', storeBreakdown(r.disk.byStorePerTx)],
    [
      'envelope per tx',
      `${r.envelopes.envelopeBytes} B, of which ${r.envelopes.certificateBytes} B certificates (${r.envelopes.endorsements} endorsements)`,
    ],
  ];
}
