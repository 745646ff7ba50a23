export {
  BENCH_CHANNEL,
  benchNetworkConfig,
  REGISTER_CONTRACT,
  requireBenchContract,
} from './benchNetwork.js';
export {
  BenchRecorder,
  driftOf,
  type OpSample,
  type RecordedStats,
  type SecondStats,
} from './benchRecorder.js';
export {
  type BenchOptions,
  type BenchProgress,
  type BenchResult,
  type CpuReport,
  checkBenchOptions,
  cpuReport,
  type DiskReport,
  type MachineInfo,
  machineInfo,
  runBench,
  runConcurrently,
} from './benchRun.js';
export { lineChart, niceMax, renderChartHtml } from './chart.js';
export { ClientPool, type OpResult } from './clientPool.js';
export { peerLedgerDir } from './diskUsage.js';
export {
  type EnvelopeAnatomy,
  type PeerBenchOptions,
  type PeerBenchResult,
  runPeerBench,
} from './peerBench.js';
export { progressBar } from './progressBar.js';
export { RateSchedule, splitSlots } from './rateSchedule.js';
export {
  chartPathFor,
  defaultOutPath,
  formatTable,
  storeBreakdown,
  summaryRows,
  writeResult,
} from './report.js';
export {
  type CryptoSpeed,
  calibrateCrypto,
  calibrateParallelVerify,
  meanSpeed,
  type SignatureBound,
  type SignatureCost,
  signatureBound,
  signatureCost,
  type Topology,
} from './signatureBound.js';
export { type LatencySummary, percentile, round1, summarize } from './stats.js';
export {
  type BenchOp,
  createWorkload,
  type OpOutcome,
  REGISTER_OP,
  registerHash,
  type SetupRunner,
  seededRandom,
  WORKLOADS,
  type Workload,
  type WorkloadName,
  type WorkloadOptions,
} from './workloads.js';
