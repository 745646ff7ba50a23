/**
 * Bytes on disk per proof of delivery and receipt (seed 002 budgets 400 bytes per proof, two
 * proofs per document, 116 million documents in 50 years).
 *
 * Runs an embedded network in a temporary dir, registers and acknowledges N documents, and
 * measures the growth of one peer's ledger (TelcoA.peer0, channel telecom): block files, the
 * LMDB index file (apparent and allocated size) and the LMDB pages in use per sub-database.
 * Then it exports a proof bundle and reports its size.
 *
 * Usage:
 *   node --import tsx bench/proof-storage.ts [--proofs 500] [--batch 0] [--concurrency 50] [--json]
 * --batch N registers and acknowledges N documents per transaction (registerDeliveries /
 * acknowledgeReceipts) instead of one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { diskUsage, utf8 } from '../src/common/index.js';
import { sha256Hex } from '../src/crypto/index.js';
import {
  type Contract,
  connect,
  exportProofBundle,
  GatewayService,
  openDataDirProofSource,
  serializeProofBundle,
} from '../src/gateway/index.js';
import { EmbeddedNetwork, layout } from '../src/network/index.js';
import { decodeIdentity, type ParsedEndorserTx, parseBlock, parseEnvelope } from '../src/protocol/index.js';

const CHANNEL = 'telecom';
const PEER = { org: 'TelcoA', node: 'peer0' };
const SUB_DBS = ['meta', 'blockIndex', 'txIndex', 'state', 'keyPolicies', 'history', 'private'];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const PROOFS = arg('proofs', 500);
const BATCH = arg('batch', 0);
const CONCURRENCY = arg('concurrency', 50);
const JSON_OUT = process.argv.includes('--json');

interface Measure {
  blockFiles: number;
  mdbApparent: number;
  mdbAllocated: number;
  lmdbPages: Record<string, number>;
  lmdbUsed: number;
  height: number;
}

const ledgerDir = (dataDir: string) => join(layout.nodeDir(dataDir, PEER.org, PEER.node), 'ledgers', CHANNEL);

/** Measures the peer's ledger while the network is stopped (LMDB is opened read-only here). */
async function measure(dataDir: string): Promise<Measure> {
  const dir = ledgerDir(dataDir);
  const blocks = diskUsage(join(dir, 'blocks'));
  const mdb = diskUsage(dir);
  const root = open({ path: join(dir, 'ledger.mdb'), noSubdir: true, maxDbs: 8, readOnly: true });
  const lmdbPages: Record<string, number> = {};
  let lmdbUsed = 0;
  for (const name of SUB_DBS) {
    const s = root.openDB(name, { keyEncoding: 'binary', encoding: 'binary' }).getStats() as {
      pageSize: number;
      treeBranchPageCount: number;
      treeLeafPageCount: number;
      overflowPages: number;
    };
    const pages = s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages;
    lmdbPages[name] = pages;
    lmdbUsed += pages * s.pageSize;
  }
  await root.close();
  const source = await openDataDirProofSource({
    dataDir,
    channel: CHANNEL,
    peer: `${PEER.org}.${PEER.node}`,
  });
  let height = 0;
  while (source.block(height)) height++;
  await source.close();
  return {
    blockFiles: blocks.bytes,
    mdbApparent: mdb.bytes - blocks.bytes,
    mdbAllocated: mdb.allocatedBytes - blocks.allocatedBytes,
    lmdbPages,
    lmdbUsed,
    height,
  };
}

async function withNetwork<T>(
  dataDir: string,
  fn: (c: { a: Contract; b: Contract; network: EmbeddedNetwork }) => Promise<T>,
): Promise<T> {
  const network = await EmbeddedNetwork.start({ dataDir });
  const gateway = new GatewayService({
    peers: network.peerHandles(),
    orderers: network.ordererHandles(),
    commitTimeoutMs: 60_000,
  });
  const contract = (label: string) => {
    const id = network.identity(label);
    return connect({ identity: { mspId: id.mspId, credentials: id.certDer }, signer: id.signer, gateway })
      .network(CHANNEL)
      .contract('proof-of-delivery');
  };
  try {
    return await fn({ a: contract('TelcoA.admin'), b: contract('TelcoB.admin'), network });
  } finally {
    await network.stop();
  }
}

const docHash = (run: string, i: number) => sha256Hex(utf8(`bench ${run} document ${i}`));

async function runProofs(a: Contract, b: Contract, run: string, n: number): Promise<string[]> {
  const txIds: string[] = [];
  if (BATCH > 0) {
    for (let i = 0; i < n; i += BATCH) {
      const hashes = Array.from({ length: Math.min(BATCH, n - i) }, (_, j) => docHash(run, i + j));
      const d = await a.submit('registerDeliveries', {
        arguments: { deliveries: hashes.map((documentHash) => ({ documentHash, recipient: 'TelcoB' })) },
      });
      const r = await b.submit('acknowledgeReceipts', { arguments: { documentHashes: hashes } });
      txIds.push(d.transactionId, r.transactionId);
    }
    return txIds;
  }
  for (let i = 0; i < n; i += CONCURRENCY) {
    const hashes = Array.from({ length: Math.min(CONCURRENCY, n - i) }, (_, j) => docHash(run, i + j));
    const d = await Promise.all(
      hashes.map((documentHash) =>
        a.submit('registerDelivery', { arguments: { documentHash, recipient: 'TelcoB' } }),
      ),
    );
    const r = await Promise.all(
      hashes.map((documentHash) => b.submit('acknowledgeReceipt', { arguments: { documentHash } })),
    );
    txIds.push(...d.map((x) => x.transactionId), ...r.map((x) => x.transactionId));
  }
  return txIds;
}

/** Where the bytes of one transaction envelope go. */
function anatomy(envelope: Uint8Array) {
  const tx = parseEnvelope(envelope) as ParsedEndorserTx;
  const certs = [tx.creatorBytes, ...tx.endorsements.map((e) => e.endorser)].reduce(
    (s, b) => s + decodeIdentity(b).cert.byteLength,
    0,
  );
  const signatures = 64 * (1 + tx.endorsements.length);
  return {
    envelope: envelope.byteLength,
    certificates: certs,
    endorsements: tx.endorsements.length,
    signatures,
    proposalArgs: tx.proposal.argsBytes.byteLength,
    responsePayload: tx.responsePayloadBytes.byteLength,
  };
}

const GB = 1e9;
const DOCS_50_YEARS = Math.round(100_000 * ((1.1 ** 50 - 1) / 0.1));

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'consortia-proof-bench-'));
  try {
    // Warm up (contract workers, first blocks), then measure from a stopped network.
    await withNetwork(dataDir, ({ a, b }) => runProofs(a, b, 'warmup', Math.max(2, BATCH)));
    const before = await measure(dataDir);
    const started = Date.now();
    const txIds = await withNetwork(dataDir, ({ a, b }) => runProofs(a, b, 'run', PROOFS));
    const seconds = (Date.now() - started) / 1000;
    const after = await measure(dataDir);

    const source = await openDataDirProofSource({ dataDir, channel: CHANNEL });
    const delivery = exportProofBundle(source, txIds[0]!);
    const receipt = exportProofBundle(source, txIds[BATCH > 0 ? 1 : Math.min(CONCURRENCY, PROOFS)]!);
    let envelopes = 0;
    let txs = 0;
    for (let n = before.height; n < after.height; n++) {
      const block = parseBlock(source.block(n)!);
      txs += block.envelopes.length;
      envelopes += block.envelopes.reduce((s, e) => s + e.byteLength, 0);
    }
    await source.close();

    const per = (bytes: number) => Math.round(bytes / PROOFS);
    const blockPerDoc = per(after.blockFiles - before.blockFiles);
    const mdbPerDoc = per(after.mdbApparent - before.mdbApparent);
    const lmdbUsedPerDoc = per(after.lmdbUsed - before.lmdbUsed);
    const perDoc = blockPerDoc + Math.max(mdbPerDoc, lmdbUsedPerDoc);
    const report = {
      proofs: PROOFS,
      mode: BATCH > 0 ? `batches of ${BATCH} documents per transaction` : 'one document per transaction',
      peer: `${PEER.org}.${PEER.node}`,
      seconds,
      blocks: after.height - before.height,
      transactions: txs,
      perDocument: {
        blockFiles: blockPerDoc,
        lmdbFileGrowth: mdbPerDoc,
        lmdbPagesInUse: lmdbUsedPerDoc,
        total: perDoc,
        perProof: Math.round(perDoc / 2),
      },
      lmdbPagesAdded: Object.fromEntries(
        SUB_DBS.map((n) => [n, (after.lmdbPages[n] ?? 0) - (before.lmdbPages[n] ?? 0)]),
      ),
      envelope: {
        averageBytes: Math.round(envelopes / Math.max(1, txs)),
        sample: anatomy(delivery.transaction.envelope),
      },
      bundleBytes: {
        delivery: Buffer.byteLength(serializeProofBundle(delivery)),
        receipt: Buffer.byteLength(serializeProofBundle(receipt)),
      },
      projection: {
        documents: DOCS_50_YEARS,
        perNodeGB: Math.round((DOCS_50_YEARS * perDoc) / GB),
        seedBudgetPerNodeGB: Math.round((DOCS_50_YEARS * 800) / GB),
        nodes: 'each of n peers (and the orderer, blocks only) holds a copy: (n + 1) × per node',
      },
    };
    if (JSON_OUT) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const out = (s: string) => process.stdout.write(`${s}\n`);
    out(`proof storage, ${report.mode}: ${PROOFS} documents (delivery + receipt) in ${seconds.toFixed(1)} s`);
    out(
      `  ${report.blocks} blocks, ${txs} transactions, average envelope ${report.envelope.averageBytes} bytes`,
    );
    out(
      `  per document on ${report.peer}: block files ${blockPerDoc} B, LMDB file growth ${mdbPerDoc} B (pages in use ${lmdbUsedPerDoc} B)`,
    );
    out(
      `  total ≈ ${perDoc} B per document = ${report.perDocument.perProof} B per proof (seed budget: 400 B per proof)`,
    );
    out(`  LMDB pages added by sub-database: ${JSON.stringify(report.lmdbPagesAdded)}`);
    const s = report.envelope.sample;
    out(
      `  one delivery envelope: ${s.envelope} B, of which ${s.certificates} B certificates (creator + ${s.endorsements} endorsers), ${s.signatures} B signatures, ${s.proposalArgs} B arguments, ${s.responsePayload} B endorsed response`,
    );
    out(`  proof bundle: delivery ${report.bundleBytes.delivery} B, receipt ${report.bundleBytes.receipt} B`);
    out(
      `  50 years (${(DOCS_50_YEARS / 1e6).toFixed(0)} M documents): ≈ ${report.projection.perNodeGB} GB per peer; the seed's budget is ${report.projection.seedBudgetPerNodeGB} GB`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
