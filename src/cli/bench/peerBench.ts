import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsortiaError, type DiskUsage, diskUsage } from '../../common/index.js';
import { connect, GatewayService } from '../../gateway/index.js';
import {
  EmbeddedNetwork,
  layout,
  readDataDirMarker,
  readIdentityDir,
  type WalletIdentity,
} from '../../network/index.js';
import { type ContractExecutor, Peer } from '../../peer/index.js';
import {
  blockSigningBytes,
  decodeIdentity,
  encodeBlock,
  encodeEnvelope,
  encodeIdentity,
  newBlockHeader,
  parseBlock,
  parseEnvelope,
  validationCodeName,
} from '../../protocol/index.js';
import { BENCH_CHANNEL, benchNetworkConfig, requireBenchContract } from './benchNetwork.js';
import type { SecondStats } from './benchRecorder.js';
import { type CpuReport, cpuReport, type MachineInfo, machineInfo, runConcurrently } from './benchRun.js';
import { peerLedgerDir, storageGrowthPerTx } from './diskUsage.js';
import { type CryptoSpeed, calibrateCrypto, calibrateParallelVerify, meanSpeed } from './signatureBound.js';
import { round1 } from './stats.js';
import { REGISTER_OP, registerHash } from './workloads.js';

const CHANNEL = BENCH_CHANNEL;
const CLIENTS = ['TelcoA.admin', 'TelcoB.admin', 'TelcoC.admin', 'Regulator.admin'];

export interface PeerBenchOptions {
  /** Transactions to pre-build and commit. */
  readonly txs: number;
  /** Transactions per block. */
  readonly blockSize: number;
  readonly calibrationMs?: number;
  /**
   * Where the throw-away network that endorses the transactions lives; given, it is kept, and
   * its endorsed transactions are reused by later runs (so repeated runs skip endorsement).
   */
  readonly sourceDir?: string;
  readonly onPhase?: (phase: string) => void;
}

export interface PeerBenchResult {
  readonly tool: 'consortia bench-peer';
  readonly formatVersion: 1;
  readonly machine: MachineInfo;
  readonly txs: number;
  readonly blockSize: number;
  readonly blocks: number;
  readonly committed: number;
  readonly committedTps: number;
  readonly elapsedS: number;
  readonly invalidByCode: Record<string, number>;
  readonly cpu: CpuReport;
  /** P-256 speed: the mean of calibrations just before and just after the commits. */
  readonly crypto: CryptoSpeed & {
    readonly before: CryptoSpeed;
    readonly after: CryptoSpeed;
    /** Verifications per second of all cores verifying at once (measured after the commits). */
    readonly allCoresVerifiesPerSecond: number;
  };
  /**
   * A committing peer verifies the creator's envelope signature and each endorsement: 1 + 3
   * (proof-registry's MAJORITY of 4 orgs) = 4.
   */
  readonly verifiesPerTx: number;
  /** verifications/s per core × cores ÷ verifiesPerTx. */
  readonly peerBoundTps: number;
  readonly boundRatio: number;
  /** The peer's channel stores (block files + LMDB) after joining and after the last block. */
  readonly disk: {
    readonly before: DiskUsage;
    readonly after: DiskUsage;
    readonly bytesPerTx: number;
    readonly allocatedBytesPerTx: number;
    /** Growth per transaction of each store (see `storageGrowthPerTx`). */
    readonly byStorePerTx: Readonly<Record<string, number>>;
  };
  /** What the transactions weigh on the wire (means per transaction). */
  readonly envelopes: EnvelopeAnatomy;
  readonly timeSeries: SecondStats[];
}

/** Mean sizes of a transaction's envelope and of the certificates its identities carry. */
export interface EnvelopeAnatomy {
  readonly envelopeBytes: number;
  /** X.509 bytes in the creator and endorser identities (0 once they name certificates by hash). */
  readonly certificateBytes: number;
  readonly endorsements: number;
}

function anatomyOf(envelopes: readonly Uint8Array[]): EnvelopeAnatomy {
  let bytes = 0;
  let certs = 0;
  let endorsements = 0;
  for (const e of envelopes) {
    bytes += e.byteLength;
    const tx = parseEnvelope(e);
    if (tx.type !== 'endorser') continue;
    certs += decodeIdentity(tx.creatorBytes).cert.byteLength;
    for (const en of tx.endorsements) certs += decodeIdentity(en.endorser).cert.byteLength;
    endorsements += tx.endorsements.length;
  }
  const n = Math.max(1, envelopes.length);
  return {
    envelopeBytes: Math.round(bytes / n),
    certificateBytes: Math.round(certs / n),
    endorsements: Math.round((endorsements / n) * 10) / 10,
  };
}

/** A peer that only commits: it is never asked to endorse. */
const noExecutor: ContractExecutor = {
  execute: () => Promise.reject(new ConsortiaError('NOT_SUPPORTED', 'this peer does not endorse')),
  kindOf: () => undefined,
};

/**
 * Endorses `txs` register transactions (proof-registry `register` of distinct hashes, the
 * `register` workload's shape) on an embedded network without ordering them, cuts them into
 * signed blocks of `blockSize` as the orderer would, then times a fresh peer validating and
 * committing those blocks.
 *
 * @example
 * const r = await runPeerBench({ txs: 5000, blockSize: 100 });
 * console.log(r.committedTps, r.peerBoundTps);
 */
export async function runPeerBench(opts: Readonly<PeerBenchOptions>): Promise<PeerBenchResult> {
  if (!Number.isInteger(opts.txs) || opts.txs < 1) {
    throw new ConsortiaError('INVALID_ARGUMENT', '--txs must be a positive integer');
  }
  if (!Number.isInteger(opts.blockSize) || opts.blockSize < 1) {
    throw new ConsortiaError('INVALID_ARGUMENT', '--block-size must be a positive integer');
  }
  const phase = opts.onPhase ?? (() => undefined);
  const machine = machineInfo();
  const sourceDir = opts.sourceDir ?? mkdtempSync(join(tmpdir(), 'consortia-bench-src-'));
  const peerDir = mkdtempSync(join(tmpdir(), 'consortia-bench-peer-'));
  try {
    const { prefix, blocks, genesis, peerId, envelopes } = await buildBlocks(sourceDir, opts, phase);
    const peer = new Peer({
      mspId: peerId.mspId,
      name: peerId.name,
      certDer: peerId.certDer,
      signer: peerId.signer,
      dataDir: peerDir,
      executor: noExecutor,
    });
    await peer.joinChannel(genesis);
    // The warm-up blocks register the certificates; the measured blocks name them by hash.
    for (const b of prefix) await peer.deliverBlock(CHANNEL, b);
    phase('calibrating P-256');
    const cryptoBefore = calibrateCrypto(opts.calibrationMs);
    const ledgerDir = peerLedgerDir(peerDir, CHANNEL);
    const before = diskUsage(ledgerDir);
    const storesBefore = peer.ledger(CHANNEL).storageBytes();
    const invalid = new Map<string, number>();
    let committed = 0;
    const perSecond: number[] = [];
    phase(`committing ${blocks.length} blocks`);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const off = peer.events.onBlock((e) => {
      const second = Math.floor((performance.now() - t0) / 1000);
      for (const tx of e.txs) {
        if (tx.validationCode === 0) {
          committed++;
          perSecond[second] = (perSecond[second] ?? 0) + 1;
        } else {
          const name = validationCodeName(tx.validationCode);
          invalid.set(name, (invalid.get(name) ?? 0) + 1);
        }
      }
    });
    await Promise.all(blocks.map((b) => peer.deliverBlock(CHANNEL, b)));
    const elapsedS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    off();
    const storesAfter = peer.ledger(CHANNEL).storageBytes();
    await peer.close();
    const after = diskUsage(ledgerDir);
    const cryptoAfter = calibrateCrypto(opts.calibrationMs);
    const crypto = meanSpeed([cryptoBefore, cryptoAfter]);
    const allCores = await calibrateParallelVerify(opts.calibrationMs, crypto.cores);
    // The envelope signature and each endorsement (3 for proof-registry's MAJORITY of 4 orgs).
    const verifiesPerTx = 1 + Math.round(envelopes.endorsements);
    const peerBoundTps = round1((crypto.verifiesPerSecondPerCore * crypto.cores) / verifiesPerTx);
    const committedTps = round1(committed / elapsedS);
    return {
      tool: 'consortia bench-peer',
      formatVersion: 1,
      machine,
      txs: opts.txs,
      blockSize: opts.blockSize,
      blocks: blocks.length,
      committed,
      committedTps,
      elapsedS: Math.round(elapsedS * 1000) / 1000,
      invalidByCode: Object.fromEntries(invalid),
      cpu: cpuReport(cpu, elapsedS, crypto.cores, committed),
      crypto: { ...crypto, before: cryptoBefore, after: cryptoAfter, allCoresVerifiesPerSecond: allCores },
      verifiesPerTx,
      peerBoundTps,
      boundRatio: Math.round((committedTps / peerBoundTps) * 1000) / 1000,
      disk: {
        before,
        after,
        bytesPerTx: Math.round((after.bytes - before.bytes) / opts.txs),
        allocatedBytesPerTx: Math.round((after.allocatedBytes - before.allocatedBytes) / opts.txs),
        byStorePerTx: storageGrowthPerTx(storesBefore, storesAfter, opts.txs),
      },
      envelopes,
      timeSeries: Array.from({ length: perSecond.length }, (_, t) => ({
        t,
        tps: perSecond[t] ?? 0,
        invalid: 0,
        reads: 0,
        p50: 0,
        p99: 0,
      })),
    };
  } finally {
    if (opts.sourceDir === undefined) rmSync(sourceDir, { recursive: true, force: true });
    rmSync(peerDir, { recursive: true, force: true });
  }
}

/** Endorses the transactions on a throw-away network and cuts them into orderer-signed blocks. */
async function buildBlocks(
  dataDir: string,
  opts: Readonly<PeerBenchOptions>,
  phase: (p: string) => void,
): Promise<{
  prefix: Uint8Array[];
  blocks: Uint8Array[];
  genesis: Uint8Array;
  peerId: WalletIdentity;
  envelopes: EnvelopeAnatomy;
}> {
  const { prefix, envelopes } =
    (await loadEnvelopes(dataDir, opts.txs)) ?? (await endorseEnvelopes(dataDir, opts.txs, phase));
  const { org, nodes } = readDataDirMarker(dataDir)!.network.orderer;
  const orderer = readIdentityDir(layout.nodeDir(dataDir, org, nodes[0]!), `${org}.${nodes[0]!}`);
  const ordererBytes = encodeIdentity(orderer.mspId, orderer.certDer);
  const genesis = new Uint8Array(readFileSync(layout.genesis(dataDir, CHANNEL)));
  let previousHash = parseBlock(prefix.at(-1) ?? genesis).hash;
  const blocks: Uint8Array[] = [];
  let timestamp = Date.now();
  for (let i = 0, number = prefix.length + 1; i < envelopes.length; i += opts.blockSize, number++) {
    const batch = envelopes.slice(i, i + opts.blockSize);
    const header = newBlockHeader({
      channel: CHANNEL,
      number,
      previousHash,
      envelopes: batch,
      timestamp: timestamp++,
    });
    const signature = await orderer.signer(blockSigningBytes(header, ordererBytes));
    const block = encodeBlock(header, batch, [{ signer: ordererBytes, signature }]);
    previousHash = parseBlock(block).hash;
    blocks.push(block);
  }
  const peerId = readIdentityDir(layout.nodeDir(dataDir, 'TelcoA', 'peer0'), 'TelcoA.peer0');
  return { prefix, blocks, genesis, peerId, envelopes: anatomyOf(envelopes) };
}

/**
 * Named after the transaction shape and layout, so files of older versions are not reused:
 * the warm-up blocks (a count, then each block), then the envelopes, each with a 4-byte length.
 */
const ENVELOPES_FILE = 'bench-peer-proof-registry-by-hash.bin';

/** Warm-up blocks and at least `n` envelopes saved by an earlier run in `dataDir`. */
async function loadEnvelopes(
  dataDir: string,
  n: number,
): Promise<{ prefix: Uint8Array[]; envelopes: Uint8Array[] } | undefined> {
  const file = join(dataDir, ENVELOPES_FILE);
  if (!existsSync(file)) return undefined;
  const buf = readFileSync(file);
  const read = (at: number): [Uint8Array, number] => {
    const len = buf.readUInt32BE(at);
    return [new Uint8Array(buf.subarray(at + 4, at + 4 + len)), at + 4 + len];
  };
  if (buf.byteLength < 4) return undefined;
  const prefixCount = buf.readUInt32BE(0);
  let at = 4;
  const prefix: Uint8Array[] = [];
  for (let i = 0; i < prefixCount && at + 4 <= buf.byteLength; i++) {
    const [block, next] = read(at);
    prefix.push(block);
    at = next;
  }
  const envelopes: Uint8Array[] = [];
  while (at + 4 <= buf.byteLength && envelopes.length < n) {
    const [envelope, next] = read(at);
    envelopes.push(envelope);
    at = next;
  }
  return prefix.length === prefixCount && envelopes.length >= n ? { prefix, envelopes } : undefined;
}

/**
 * Endorses `n` proof-registry registrations on the network in `dataDir` and saves their
 * envelopes. First each client commits one registration, so the blocks that carry its
 * certificate (and its endorsers') come first and the `n` envelopes name them by hash, as a
 * running network's do (decision 0007); those warm-up blocks are returned as `prefix`.
 */
async function endorseEnvelopes(
  dataDir: string,
  n: number,
  phase: (p: string) => void,
): Promise<{ prefix: Uint8Array[]; envelopes: Uint8Array[] }> {
  phase('starting the source network');
  const network = await EmbeddedNetwork.start({ dataDir, config: benchNetworkConfig() });
  const envelopes: Uint8Array[] = new Array(n);
  const prefix: Uint8Array[] = [];
  try {
    requireBenchContract(network.config, REGISTER_OP.contract, dataDir);
    const gateway = new GatewayService({ peers: network.peerHandles(), orderers: network.ordererHandles() });
    const clients = CLIENTS.map((label) => {
      const id = network.identity(label);
      const gw = connect({
        identity: { mspId: id.mspId, credentials: id.certDer },
        signer: id.signer,
        gateway,
      });
      return { contract: gw.network(CHANNEL).contract(REGISTER_OP.contract), sign: id.signer };
    });
    phase('registering the certificates');
    for (const [k, c] of clients.entries()) {
      await c.contract.submit(REGISTER_OP.fn, { arguments: { hash: registerHash('bench-peer-warm-up', k) } });
    }
    await network.settle();
    for (let b = 1; b < network.orderer.height(CHANNEL); b++)
      prefix.push(network.orderer.getBlock(CHANNEL, b)!);
    let done = 0;
    await runConcurrently(
      Array.from({ length: n }, (_, i) => i),
      64,
      async (i) => {
        const c = clients[i % clients.length]!;
        const proposal = c.contract.newProposal(REGISTER_OP.fn, {
          arguments: { hash: registerHash('bench-peer', i) },
        });
        const tx = await proposal.endorse(await c.sign(proposal.bytes));
        envelopes[i] = encodeEnvelope(tx.bytes, await c.sign(tx.bytes));
        if (++done % 500 === 0) phase(`endorsed ${done}/${n}`);
      },
    );
  } finally {
    await network.stop();
  }
  const parts: Uint8Array[] = [];
  const count = Buffer.alloc(4);
  count.writeUInt32BE(prefix.length, 0);
  parts.push(count);
  for (const e of [...prefix, ...envelopes]) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(e.byteLength, 0);
    parts.push(len, e);
  }
  writeFileSync(join(dataDir, ENVELOPES_FILE), Buffer.concat(parts));
  return { prefix, envelopes };
}
