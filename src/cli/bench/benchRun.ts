import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConsortiaError, type DiskUsage, diskUsage } from '../../common/index.js';
import { GatewayService } from '../../gateway/index.js';
import { EmbeddedNetwork, layout } from '../../network/index.js';
import { minimalSignerSets, parsePolicy } from '../../policy/index.js';
import { parseBlock } from '../../protocol/index.js';
import { BENCH_CHANNEL, benchNetworkConfig, requireBenchContract } from './benchNetwork.js';
import { BenchRecorder, type RecordedStats } from './benchRecorder.js';
import { ClientPool } from './clientPool.js';
import { peerLedgerDir, storageGrowthPerTx } from './diskUsage.js';
import { RateSchedule, splitSlots } from './rateSchedule.js';
import {
  type CryptoSpeed,
  calibrateCrypto,
  calibrateParallelVerify,
  meanSpeed,
  type SignatureCost,
  signatureBound,
  signatureCost,
  type Topology,
} from './signatureBound.js';
import { round1 } from './stats.js';
import { type BenchOp, createWorkload, type WorkloadName } from './workloads.js';

const CHANNEL = BENCH_CHANNEL;
/** The peer whose stores are measured for bytes per transaction. */
const DISK_PEER = { org: 'TelcoA', node: 'peer0' };
/** Seconds of load before the measured window, by default. */
export const DEFAULT_WARMUP_S = 5;

export interface BenchOptions {
  readonly workload: WorkloadName;
  readonly durationS: number;
  /** Fixed rate (open loop), tx/s. Exclusive with `outstanding`. */
  readonly rate?: number;
  /** Max rate (closed loop): operations kept in flight. Default 64 when no rate is given. */
  readonly outstanding?: number;
  /** Client workers the load is spread over. */
  readonly workers: number;
  /** Keep the network's data here (for `consortia verify`); a temp dir is used and removed otherwise. */
  readonly dataDir?: string;
  readonly hotKeyShare?: number;
  readonly readShare?: number;
  /** Most contract worker threads of the network (default: the runtime's). */
  readonly contractThreads?: number;
  /**
   * Seconds of the same load before the measured window (default 5), not counted: a cold
   * start (JIT, contract threads starting, first LMDB pages) is not the steady state.
   */
  readonly warmupS?: number;
  /** Length of each P-256 calibration, per operation (ms; default 500, taken before and after the window). */
  readonly calibrationMs?: number;
  /** Called about 4 times a second during the measured window. */
  readonly onProgress?: (p: BenchProgress) => void;
  /** Called with a phase name as setup proceeds. */
  readonly onPhase?: (phase: string) => void;
}

export interface BenchProgress {
  readonly elapsedS: number;
  readonly durationS: number;
  readonly committed: number;
  readonly tps: number;
  readonly inFlight: number;
}

/** Everything one `consortia bench` run measured (the JSON file holds this). */
export interface BenchResult extends Omit<RecordedStats, 'timeSeries'> {
  readonly tool: 'consortia bench';
  readonly formatVersion: 1;
  readonly workload: WorkloadName;
  /** The contract whose endorsement policy sets the topology (proof-registry for `register`). */
  readonly contract: string;
  readonly mode: 'fixed-rate' | 'max-rate';
  readonly rate?: number;
  readonly outstanding?: number;
  readonly workers: number;
  readonly durationS: number;
  /** Seconds of the same load before the window, not counted. */
  readonly warmupS: number;
  readonly options: { readonly hotKeyShare?: number; readonly readShare?: number };
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly submitted: number;
  /** Fixed rate only: arrivals not sent because no key was free or too many were in flight. */
  readonly skipped: number;
  readonly cpu: CpuReport;
  readonly topology: Topology;
  /** P-256 speed: the mean of calibrations just before and just after the window. */
  readonly crypto: CryptoSpeed & {
    readonly before: CryptoSpeed;
    readonly after: CryptoSpeed;
    /** Verifications per second of all cores verifying at once (measured after the window). */
    readonly allCoresVerifiesPerSecond: number;
  };
  readonly verifiesPerTx: number;
  readonly signsPerTx: number;
  readonly signatureBoundTps: number;
  readonly signatureBoundWithSigningTps: number;
  /** committedTps ÷ signatureBoundTps. */
  readonly boundRatio: number;
  readonly blocks: { readonly count: number; readonly txPerBlock: number };
  readonly disk: DiskReport;
  readonly dataDir?: string;
  readonly timeSeries: RecordedStats['timeSeries'];
}

/** CPU the whole process (all threads) used during the measured window. */
export interface CpuReport {
  readonly percentOfCores: number;
  readonly userS: number;
  readonly systemS: number;
  /**
   * CPU milliseconds per valid commit. Unlike tx/s it does not depend on how much of the
   * machine other processes took, so it compares runs on a busy shared machine.
   */
  readonly msPerTx: number;
}

/**
 * What process.cpuUsage measured over `wallS` seconds, for `committed` valid transactions.
 *
 * @example
 * cpuReport({ user: 3e6, system: 1e6 }, 2, 2, 400) // { percentOfCores: 100, userS: 3, systemS: 1, msPerTx: 10 }
 */
export function cpuReport(cpu: NodeJS.CpuUsage, wallS: number, cores: number, committed: number): CpuReport {
  const seconds = (cpu.user + cpu.system) / 1e6;
  return {
    percentOfCores: round1((seconds / wallS / cores) * 100),
    userS: round1(cpu.user / 1e6),
    systemS: round1(cpu.system / 1e6),
    msPerTx: committed > 0 ? Math.round((seconds * 1000 * 100) / committed) / 100 : 0,
  };
}

export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly platform: string;
  readonly memoryGiB: number;
  /** 1-minute load average when the run started: other work on the machine skews results. */
  readonly loadAverage1m: number;
}

/** Bytes one peer stores for the channel (block files + LMDB), before and after the window. */
export interface DiskReport {
  readonly peer: string;
  readonly before: DiskUsage;
  readonly after: DiskUsage;
  /** Transactions (valid or not) the peer committed between the two measurements. */
  readonly txs: number;
  readonly bytesPerTx: number;
  readonly allocatedBytesPerTx: number;
  /** Growth per transaction of each store (block files, index tables, free pages), non-zero ones only. */
  readonly byStorePerTx: Readonly<Record<string, number>>;
}

/**
 * This machine, for the record.
 *
 * @example
 * machineInfo().cores // 2
 */
export function machineInfo(): MachineInfo {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    memoryGiB: round1(totalmem() / 2 ** 30),
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/**
 * Checks option values; throws INVALID_ARGUMENT naming the option.
 *
 * @example
 * checkBenchOptions({ workload: 'register', durationS: 0, workers: 1 }) // throws: --duration must be …
 */
export function checkBenchOptions(o: Readonly<BenchOptions>): void {
  const bad = (msg: string) => new ConsortiaError('INVALID_ARGUMENT', msg);
  if (!(o.durationS > 0) || !Number.isFinite(o.durationS))
    throw bad('--duration must be a positive number of seconds');
  if (o.rate !== undefined && o.outstanding !== undefined) {
    throw bad('give either --rate (fixed rate) or --outstanding (max rate), not both');
  }
  if (o.rate !== undefined && (!(o.rate > 0) || !Number.isFinite(o.rate))) {
    throw bad('--rate must be a positive number of transactions per second');
  }
  if (o.outstanding !== undefined && (!Number.isInteger(o.outstanding) || o.outstanding < 1)) {
    throw bad('--outstanding must be a positive integer');
  }
  if (!Number.isInteger(o.workers) || o.workers < 1) throw bad('--workers must be a positive integer');
  if (o.warmupS !== undefined && !(o.warmupS >= 0 && Number.isFinite(o.warmupS)))
    throw bad('--warmup must be 0 or a positive number of seconds');
  for (const [name, v] of [
    ['--hot-keys', o.hotKeyShare],
    ['--read-share', o.readShare],
  ] as const) {
    if (v !== undefined && !(v >= 0 && v <= 1)) throw bad(`${name} must be a share between 0 and 1`);
  }
}

/** The endorsement topology of `contract` on the channel, as the gateway would pick endorsers. */
function topologyOf(network: EmbeddedNetwork, contract: string): Topology {
  const peer = network.peers[0]!;
  const ctx = peer.context(CHANNEL);
  const entry = ctx.contract(contract);
  if (!entry)
    throw new ConsortiaError('UNKNOWN_CONTRACT', `contract ${contract} is not on channel ${CHANNEL}`);
  const orgs = [...new Set(network.peers.map((p) => p.mspId))];
  const sets = minimalSignerSets(
    parsePolicy(entry.definition.endorsementPolicy),
    orgs.map((mspId) => ({ mspId, role: 'peer' as const })),
    64,
    { orgs: ctx.appOrgs },
  );
  const endorsers = Math.min(...sets.map((s) => s.length));
  return {
    endorsers,
    peers: network.peers.filter((p) => p.channels().includes(CHANNEL)).length,
    orderers: 1,
  };
}

/** Transactions in blocks [from, to) of a peer's channel ledger. */
function txsInBlocks(network: EmbeddedNetwork, peerId: string, from: number, to: number): number {
  const ledger = network.peer(peerId).ledger(CHANNEL);
  let n = 0;
  for (let b = from; b < to; b++) n += parseBlock(ledger.getBlock(b)!).envelopes.length;
  return n;
}

/**
 * Runs one benchmark: calibrates P-256 on this machine, starts the embedded 4-org network (the
 * default one plus proof-registry, {@link benchNetworkConfig}), sets the workload up (not
 * measured), drives the measured window at a fixed rate or with N operations in flight, drains,
 * and returns what it measured.
 *
 * @example
 * const r = await runBench({ workload: 'register', durationS: 30, outstanding: 64, workers: 4 });
 * console.log(r.committedTps, r.signatureBoundTps);
 */
export async function runBench(opts: Readonly<BenchOptions>): Promise<BenchResult> {
  checkBenchOptions(opts);
  const phase = opts.onPhase ?? (() => undefined);
  const mode = opts.rate !== undefined ? 'fixed-rate' : 'max-rate';
  const outstanding = opts.outstanding ?? 64;
  const machine = machineInfo();

  const keep = opts.dataDir !== undefined;
  const dataDir = keep ? resolve(opts.dataDir!) : mkdtempSync(join(tmpdir(), 'consortia-bench-'));
  phase('starting the network');
  const network = await EmbeddedNetwork.start({
    dataDir,
    config: benchNetworkConfig(),
    ...(opts.contractThreads !== undefined ? { contractThreads: opts.contractThreads } : {}),
  });
  try {
    const gateway = new GatewayService({
      peers: network.peerHandles(),
      orderers: network.ordererHandles(),
      commitTimeoutMs: 60_000,
    });
    const clients = new ClientPool({ network, gateway, channel: CHANNEL });
    const poolSize =
      mode === 'max-rate' ? outstanding + opts.workers : Math.max(64, Math.ceil(opts.rate! * 3));
    const workload = createWorkload(opts.workload, {
      poolSize,
      ...(opts.hotKeyShare !== undefined ? { hotKeyShare: opts.hotKeyShare } : {}),
      ...(opts.readShare !== undefined ? { readShare: opts.readShare } : {}),
    });
    requireBenchContract(network.config, workload.contract, dataDir);
    const topology = topologyOf(network, workload.contract);
    const cost: SignatureCost = signatureCost(topology);

    await workload.setup(async (ops, label) => {
      phase(`setup: ${label} (${ops.length})`);
      const failures = new Map<string, number>();
      await runConcurrently(ops, 64, async (op) => {
        const r = await clients.run(op);
        if (r.code !== 'VALID') failures.set(r.code, (failures.get(r.code) ?? 0) + 1);
        op.done(r.code === 'VALID' ? { ok: true, result: r.result } : { ok: false, code: r.code });
      });
      if (failures.size > 0) {
        const codes = [...failures].map(([c, n]) => `${c} ×${n}`).join(', ');
        throw new ConsortiaError(
          'BENCH_SETUP_FAILED',
          `setup (${label}) failed: ${codes}; the network is not usable for this workload`,
        );
      }
    });
    await network.settle();
    const diskPeer = `${DISK_PEER.org}.${DISK_PEER.node}`;
    const diskDir = peerLedgerDir(layout.nodeDir(dataDir, DISK_PEER.org, DISK_PEER.node), CHANNEL);
    const diskBefore = diskUsage(diskDir);
    const storesBefore = network.peer(diskPeer).ledger(CHANNEL).storageBytes();
    const heightBefore = network.peer(diskPeer).height(CHANNEL);

    phase('calibrating P-256');
    const cryptoBefore = calibrateCrypto(opts.calibrationMs);
    const warmupMs = (opts.warmupS ?? DEFAULT_WARMUP_S) * 1000;
    phase(warmupMs > 0 ? `warming up (${warmupMs / 1000} s, not measured)` : 'measuring');
    const durationMs = opts.durationS * 1000;
    const loadStartMs = performance.now();
    const startMs = loadStartMs + warmupMs;
    const endMs = startMs + durationMs;
    const recorder = new BenchRecorder({ startMs, durationMs });
    const inFlight = new Set<Promise<void>>();
    let submitted = 0;
    let skipped = 0;
    const fire = (op: BenchOp, t0: number): Promise<void> => {
      submitted++;
      const p = clients.run(op).then((r) => {
        const end = performance.now();
        recorder.record({
          kind: op.kind,
          startMs: t0,
          endMs: end,
          code: r.code,
          ...(r.endorseMs !== undefined ? { endorseMs: r.endorseMs } : {}),
          ...(r.orderMs !== undefined ? { orderMs: r.orderMs } : {}),
        });
        op.done(r.code === 'VALID' ? { ok: true, result: r.result } : { ok: false, code: r.code });
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      return p;
    };
    let cpu0 = process.cpuUsage();
    const windowStarts = setTimeout(() => {
      cpu0 = process.cpuUsage();
      phase('measuring');
    }, warmupMs);
    const progress = setInterval(() => {
      const now = performance.now();
      if (now < startMs) return;
      opts.onProgress?.({
        elapsedS: Math.min(opts.durationS, (now - startMs) / 1000),
        durationS: opts.durationS,
        committed: recorder.committed,
        tps: recorder.recentTps(now),
        inFlight: inFlight.size,
      });
    }, 250);

    const loops: Promise<void>[] = [];
    if (mode === 'max-rate') {
      for (const slots of splitSlots(outstanding, opts.workers)) {
        for (let s = 0; s < slots; s++) {
          loops.push(
            (async () => {
              while (performance.now() < endMs) {
                const op = workload.next();
                if (!op) {
                  await sleep(1);
                  continue;
                }
                await fire(op, performance.now());
              }
            })(),
          );
        }
      }
    } else {
      const schedule = new RateSchedule({ rate: opts.rate!, workers: opts.workers, startMs: loadStartMs });
      const maxInFlight = Math.max(1000, Math.ceil(opts.rate! * 10));
      for (let w = 0; w < opts.workers; w++) {
        loops.push(
          (async () => {
            for (let k = 0; ; k++) {
              const due = schedule.timeOf(schedule.arrivalOf(w, k));
              if (due >= endMs) return;
              const wait = due - performance.now();
              if (wait > 1) await sleep(wait);
              const op = inFlight.size < maxInFlight ? workload.next() : undefined;
              if (!op) skipped++;
              else void fire(op, due);
            }
          })(),
        );
      }
    }
    await Promise.all(loops);
    clearTimeout(windowStarts);
    const remaining = endMs - performance.now();
    if (remaining > 0) await sleep(remaining);
    const cpu = process.cpuUsage(cpu0);
    const wallS = (performance.now() - startMs) / 1000;
    phase(`draining ${inFlight.size} in flight`);
    await Promise.all([...inFlight]);
    clearInterval(progress);
    await network.settle();
    phase('calibrating P-256');
    const cryptoAfter = calibrateCrypto(opts.calibrationMs);
    const crypto = meanSpeed([cryptoBefore, cryptoAfter]);
    const allCores = await calibrateParallelVerify(opts.calibrationMs, crypto.cores);

    const diskAfter = diskUsage(diskDir);
    const storesAfter = network.peer(diskPeer).ledger(CHANNEL).storageBytes();
    const heightAfter = network.peer(diskPeer).height(CHANNEL);
    const diskTxs = txsInBlocks(network, diskPeer, heightBefore, heightAfter);
    const stats = recorder.summary();
    const bound = signatureBound(crypto, cost);
    const cores = crypto.cores;
    const { timeSeries, ...rest } = stats;
    return {
      tool: 'consortia bench',
      formatVersion: 1,
      workload: opts.workload,
      contract: workload.contract,
      mode,
      ...(mode === 'fixed-rate' ? { rate: opts.rate! } : { outstanding }),
      workers: opts.workers,
      durationS: opts.durationS,
      warmupS: warmupMs / 1000,
      options: {
        ...(opts.workload === 'hot'
          ? { hotKeyShare: opts.hotKeyShare ?? 0.1, readShare: opts.readShare ?? 0.5 }
          : {}),
      },
      startedAt: new Date(Date.now() - wallS * 1000).toISOString(),
      machine,
      ...rest,
      submitted,
      skipped,
      cpu: cpuReport(cpu, wallS, cores, stats.committed),
      topology,
      crypto: { ...crypto, before: cryptoBefore, after: cryptoAfter, allCoresVerifiesPerSecond: allCores },
      verifiesPerTx: cost.verifiesPerTx,
      signsPerTx: cost.signsPerTx,
      signatureBoundTps: bound.signatureBoundTps,
      signatureBoundWithSigningTps: bound.withSigningTps,
      boundRatio: Math.round((stats.committedTps / bound.signatureBoundTps) * 1000) / 1000,
      blocks: {
        count: heightAfter - heightBefore,
        txPerBlock: heightAfter > heightBefore ? round1(diskTxs / (heightAfter - heightBefore)) : 0,
      },
      disk: {
        peer: diskPeer,
        before: diskBefore,
        after: diskAfter,
        txs: diskTxs,
        bytesPerTx: diskTxs > 0 ? Math.round((diskAfter.bytes - diskBefore.bytes) / diskTxs) : 0,
        allocatedBytesPerTx:
          diskTxs > 0 ? Math.round((diskAfter.allocatedBytes - diskBefore.allocatedBytes) / diskTxs) : 0,
        byStorePerTx: storageGrowthPerTx(storesBefore, storesAfter, diskTxs),
      },
      ...(keep ? { dataDir } : {}),
      timeSeries,
    };
  } finally {
    phase('stopping the network');
    await network.stop();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Runs `fn` over `items` with at most `limit` at a time.
 *
 * @example
 * await runConcurrently(ops, 64, (op) => clients.run(op).then(() => undefined));
 */
export async function runConcurrently<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
