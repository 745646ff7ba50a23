import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SecondStats } from './benchRecorder.js';
import type { BenchResult } from './benchRun.js';
import { renderChartHtml } from './chart.js';

/** `blockFiles 481, state 169, txIndex 46 B/tx`, largest first. */
export function storeBreakdown(perTx: Readonly<Record<string, number>> | undefined): string {
  const entries = Object.entries(perTx ?? {}).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? '—' : `${entries.map(([k, v]) => `${k} ${v}`).join(', ')} B/tx`;
}

/**
 * The default result file: `.bench-out/<name>-<UTC timestamp>.json` under `cwd`.
 *
 * @example
 * defaultOutPath('register', new Date('2026-01-02T03:04:05Z'), '/w') // '/w/.bench-out/register-20260102-030405.json'
 */
export function defaultOutPath(name: string, at: Date, cwd: string): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return join(cwd, '.bench-out', `${name}-${stamp}.json`);
}

/**
 * The chart page written next to a result file: same name, `.html`.
 *
 * @example
 * chartPathFor('.bench-out/run.json') // '.bench-out/run.html'
 */
export function chartPathFor(jsonPath: string): string {
  return `${jsonPath.replace(/\.json$/i, '')}.html`;
}

/**
 * Aligns `[label, value]` rows into a two-column text table.
 *
 * @example
 * formatTable([['a', '1'], ['longer', '2']]) // '  a       1\n  longer  2'
 */
export function formatTable(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}

function codes(byCode: Readonly<Record<string, number>>): string {
  const entries = Object.entries(byCode);
  return entries.length === 0 ? 'none' : entries.map(([c, n]) => `${c} ${n}`).join(', ');
}

/**
 * The rows of the final table of a `consortia bench` run.
 *
 * @example
 * process.stdout.write(formatTable(summaryRows(result)));
 */
export function summaryRows(r: Readonly<BenchResult>): [string, string][] {
  const load = r.mode === 'fixed-rate' ? `fixed rate ${r.rate} tx/s` : `max rate, ${r.outstanding} in flight`;
  const rows: [string, string][] = [
    [
      'workload',
      `${r.workload} on ${r.contract} (${load}, ${r.workers} workers, ${r.durationS} s after ${r.warmupS} s of warm-up)`,
    ],
    ['committed valid', `${r.committed} (${r.committedTps} tx/s)`],
    ['invalid', `${r.invalid} (${codes(r.invalidByCode)})`],
    ['failed before commit', `${r.failed} (${codes(r.failedByCode)})`],
    ['latency p50/p95/p99', `${r.latencyMs.p50} / ${r.latencyMs.p95} / ${r.latencyMs.p99} ms`],
    ['endorse / order p50', `${r.phasesMs.endorseP50} / ${r.phasesMs.orderP50} ms`],
  ];
  if (r.reads.count > 0) {
    rows.push(['reads', `${r.reads.count} (${r.reads.tps}/s, p99 ${r.reads.latencyMs.p99} ms)`]);
  }
  if (r.skipped > 0) rows.push(['skipped arrivals', String(r.skipped)]);
  rows.push(
    [
      'CPU',
      `${r.cpu.percentOfCores}% of ${r.machine.cores} cores, ${r.cpu.msPerTx} CPU ms per valid tx (load average before: ${r.machine.loadAverage1m})`,
    ],
    [
      'P-256 per core',
      `${r.crypto.verifiesPerSecondPerCore} verify/s, ${r.crypto.signsPerSecondPerCore} sign/s (all ${r.machine.cores} cores at once: ${r.crypto.allCoresVerifiesPerSecond} verify/s)`,
    ],
    [
      'verifies per tx',
      `${r.verifiesPerTx} (${r.topology.endorsers} endorsers, ${r.topology.orderers} orderer, ${r.topology.peers} peers)`,
    ],
    [
      'signature bound',
      `${r.signatureBoundTps} tx/s (${r.signatureBoundWithSigningTps} counting ${r.signsPerTx} signs/tx)`,
    ],
    ['of the bound', `${(r.boundRatio * 100).toFixed(1)}%`],
    ['blocks', `${r.blocks.count} (${r.blocks.txPerBlock} tx/block)`],
    ['throughput early/late', `${r.drift.earlyTps} / ${r.drift.lateTps} tx/s (${r.drift.changePercent}%)`],
    [
      'disk per tx',
      `${r.disk.bytesPerTx} B (${r.disk.allocatedBytesPerTx} B allocated) on ${r.disk.peer}, ${r.disk.txs} txs`,
    ],
    ['  by store', storeBreakdown(r.disk.byStorePerTx)],
  );
  return rows;
}

/**
 * Writes a result as JSON and its chart page beside it; returns both paths.
 *
 * @example
 * const { json, html } = writeResult('.bench-out/register.json', 'register', result, result.timeSeries, summaryRows(result));
 */
export function writeResult(
  jsonPath: string,
  title: string,
  result: unknown,
  series: readonly SecondStats[],
  rows: readonly (readonly [string, string])[],
): { json: string; html: string } {
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
  const html = chartPathFor(jsonPath);
  writeFileSync(html, renderChartHtml(title, series, rows));
  return { json: jsonPath, html };
}
