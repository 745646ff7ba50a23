/**
 * Does a peer's ledger slow down as it grows? Commits millions of `register`-shaped transactions
 * into one Ledger (the peer's storage layer: block files, state, transaction index, history) and
 * prints the commit rate in windows along the way, so the rate after 5 million transactions can
 * be compared with the rate after 100,000 (the benchmark issue's target).
 *
 * What is timed per block: the duplicate-txId lookups validation makes (`hasTxId` for every
 * transaction) and `commitBlock` with the parsed transactions, as a peer commits after
 * validating. What is not timed: building and parsing the blocks, and signature checks, which
 * do not depend on the ledger's size (their signatures are random bytes; the ledger does not
 * look at them). The transactions are the shape `consortia bench --workload register` commits:
 * proof-registry `register` of a fresh document hash, creator and 3 endorsers named by
 * certificate hash, one 8-byte write of key `p:<64 hex>`.
 *
 * Usage:
 *   node --import tsx bench/ledger-growth.ts [--txs 5000000] [--block-size 100]
 *        [--window 100000] [--dir <ledger-dir>] [--out <file.json>]
 * Without --dir the ledger is written to a temporary directory and removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { utf8 } from '../src/common/index.js';
import { sha256, sha256Hex } from '../src/crypto/index.js';
import { Ledger } from '../src/ledger/index.js';
import {
  encodeBlock,
  encodeEnvelope,
  encodeIdentity,
  encodeResponsePayload,
  encodeTransactionPayload,
  KVWriteSchema,
  NsRwSetSchema,
  newBlockHeader,
  newProposal,
  type ParsedTx,
  parseBlock,
  parseEnvelope,
  TxRwSetSchema,
} from '../src/protocol/index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const TXS = Number(arg('txs') ?? 5_000_000);
const BLOCK_SIZE = Number(arg('block-size') ?? 100);
const WINDOW = Number(arg('window') ?? 100_000);
const CHANNEL = 'telecom';
const ORGS = ['Regulator', 'TelcoA', 'TelcoB', 'TelcoC'];

// Identities by certificate hash, as the network names them once their certificates are on the ledger.
const identities = ORGS.map((org) => encodeIdentity(org, sha256(utf8(`certificate of ${org}`)), true));
const signature = () => new Uint8Array(randomBytes(64));
/** Makes document hashes differ from those of earlier runs on the same --dir. */
const RUN = randomBytes(8).toString('hex');

function registerTx(i: number): Uint8Array {
  const creator = identities[i % identities.length]!;
  const hash = sha256Hex(utf8(`ledger-growth ${RUN} document ${i}`));
  const proposal = newProposal({
    channel: CHANNEL,
    contract: 'proof-registry',
    fn: 'register',
    args: { hash },
    creator,
  });
  const results = create(TxRwSetSchema, {
    ns: [
      create(NsRwSetSchema, {
        namespace: 'proof-registry',
        writes: [create(KVWriteSchema, { key: `p:${hash}`, value: utf8(JSON.stringify(ORGS[i % 4])) })],
      }),
    ],
  });
  const responsePayload = encodeResponsePayload({
    proposalHash: sha256(proposal.bytes),
    results,
    events: [],
    status: 200,
    message: 'OK',
    payload: utf8('null'),
    contractVersion: '1.0',
  });
  const endorsements = [1, 2, 3].map((k) => ({
    endorser: identities[(i + k) % identities.length]!,
    signature: signature(),
  }));
  const payload = encodeTransactionPayload(proposal.bytes, responsePayload, endorsements);
  return encodeEnvelope(payload, signature());
}

const dir = arg('dir') ?? mkdtempSync(join(tmpdir(), 'consortia-ledger-growth-'));
const ledger = await Ledger.open({ dir, channel: CHANNEL });
let previousHash = ledger.lastBlockHash ?? new Uint8Array(0);
const start = ledger.height;
const orderer = encodeIdentity('Orderer', sha256(utf8('certificate of the orderer')), true);

interface Window {
  readonly committedAfter: number;
  readonly txPerSecond: number;
  readonly hasTxIdUsPerTx: number;
  readonly commitUsPerTx: number;
  /** CPU time of the process (all threads) during the timed part, per transaction. */
  readonly cpuUsPerTx: number;
}
const windows: Window[] = [];
let windowTxs = 0;
let windowNs = 0n;
let windowLookupNs = 0n;
let windowCpuUs = 0;
let committed = 0;
const t0 = Date.now();
console.log(`ledger ${dir}: ${TXS} register transactions in blocks of ${BLOCK_SIZE}, windows of ${WINDOW}`);
for (let n = start; committed < TXS; n++) {
  const count = Math.min(BLOCK_SIZE, TXS - committed);
  const envelopes = Array.from({ length: count }, (_, k) => registerTx(committed + k));
  const header = newBlockHeader({
    channel: CHANNEL,
    number: n,
    previousHash,
    envelopes,
    timestamp: Date.now(),
  });
  const block = {
    ...parseBlock(
      encodeBlock(header, envelopes, [{ signer: orderer, signature: signature() }], new Uint8Array(count)),
    ),
  };
  const txs: ParsedTx[] = envelopes.map((e) => parseEnvelope(e));

  const cpu0 = process.cpuUsage();
  const a = process.hrtime.bigint();
  for (const tx of txs) if (ledger.hasTxId(tx.txId)) throw new Error(`duplicate ${tx.txId}`);
  const b = process.hrtime.bigint();
  await ledger.commitBlock(block, txs);
  const c = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  windowCpuUs += cpu.user + cpu.system;

  previousHash = block.hash;
  committed += count;
  windowTxs += count;
  windowNs += c - a;
  windowLookupNs += b - a;
  if (windowTxs >= WINDOW || committed === TXS) {
    const w: Window = {
      committedAfter: committed,
      cpuUsPerTx: Math.round((windowCpuUs / windowTxs) * 10) / 10,
      txPerSecond: Math.round(windowTxs / (Number(windowNs) / 1e9)),
      hasTxIdUsPerTx: Math.round((Number(windowLookupNs) / 1e3 / windowTxs) * 100) / 100,
      commitUsPerTx: Math.round((Number(windowNs - windowLookupNs) / 1e3 / windowTxs) * 10) / 10,
    };
    windows.push(w);
    const elapsed = Math.round((Date.now() - t0) / 1000);
    console.log(
      `  ${String(w.committedAfter).padStart(9)} txs  ${String(w.txPerSecond).padStart(6)} tx/s committed` +
        `  (hasTxId ${w.hasTxIdUsPerTx} µs, commit ${w.commitUsPerTx} µs, CPU ${w.cpuUsPerTx} µs a tx)  ${elapsed} s`,
    );
    windowTxs = 0;
    windowNs = 0n;
    windowLookupNs = 0n;
    windowCpuUs = 0;
  }
}
const storage = ledger.storageBytes();
await ledger.close();

const at = (txs: number) => windows.find((w) => w.committedAfter >= txs) ?? windows.at(-1)!;
const early = at(Math.min(100_000, TXS));
const late = windows.at(-1)!;
const changePercent = Math.round((late.txPerSecond / early.txPerSecond - 1) * 1000) / 10;
const total =
  storage.blockFiles + Object.values(storage.indexTables).reduce((x, y) => x + y, 0) + storage.indexFree;
console.log(
  `after ${early.committedAfter}: ${early.txPerSecond} tx/s; after ${late.committedAfter}: ${late.txPerSecond} tx/s (${changePercent}%)`,
);
console.log(`on disk: ${Math.round(total / TXS)} B per transaction committed in this run`, storage);
const out = arg('out');
if (out !== undefined) {
  writeFileSync(
    out,
    JSON.stringify(
      { txs: TXS, blockSize: BLOCK_SIZE, windows, early, late, changePercent, storage },
      null,
      2,
    ),
  );
}
if (arg('dir') === undefined) rmSync(dir, { recursive: true, force: true });
