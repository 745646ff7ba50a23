import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBench } from './benchRun.js';
import { runPeerBench } from './peerBench.js';
import { summaryRows, writeResult } from './report.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('consortia bench (smoke)', () => {
  it('runs a short register load and writes the result JSON and chart', async () => {
    const out = mkdtempSync(join(tmpdir(), 'consortia-'));
    dirs.push(out);
    const dataDir = join(out, 'data');
    const result = await runBench({
      workload: 'register',
      durationS: 2,
      warmupS: 1,
      outstanding: 8,
      workers: 2,
      calibrationMs: 50,
      dataDir,
    });
    const files = writeResult(join(out, 'r.json'), 'smoke', result, result.timeSeries, summaryRows(result));
    const json = JSON.parse(readFileSync(files.json, 'utf8'));
    expect(json).toMatchObject({
      workload: 'register',
      contract: 'proof-registry',
      mode: 'max-rate',
      warmupS: 1,
      verifiesPerTx: 20,
      topology: { endorsers: 3, peers: 4, orderers: 1 },
      invalidByCode: {},
      dataDir,
    });
    for (const key of ['committedTps', 'signatureBoundTps', 'committed', 'cpu', 'disk', 'blocks']) {
      expect(json).toHaveProperty(key);
    }
    expect(json.committed).toBeGreaterThan(0);
    expect(json.latencyMs.p50).toBeGreaterThan(0);
    expect(json.latencyMs.p99).toBeGreaterThanOrEqual(json.latencyMs.p95);
    expect(json.timeSeries).toHaveLength(2);
    // The disk figure covers the warm-up's transactions too; the committed count does not.
    expect(json.disk.txs).toBeGreaterThan(json.committed);
    // Block files and state grew; the split by store is there.
    expect(json.disk.byStorePerTx.blockFiles).toBeGreaterThan(0);
    expect(json.disk.byStorePerTx.state).toBeGreaterThan(0);
    expect(readFileSync(files.html, 'utf8')).toContain('<svg');
  });

  it('times a fresh peer committing pre-ordered blocks', async () => {
    const r = await runPeerBench({ txs: 24, blockSize: 10, calibrationMs: 50 });
    expect(r.blocks).toBe(3);
    expect(r.committed).toBe(24);
    expect(r.invalidByCode).toEqual({});
    expect(r.envelopes.endorsements).toBe(3);
    // After the warm-up blocks register them, identities name their certificates by hash.
    expect(r.envelopes.certificateBytes).toBe(0);
    expect(r.verifiesPerTx).toBe(4);
    expect(r.disk.bytesPerTx).toBeGreaterThan(0);
    // Blocks are stored compressed: fewer bytes of block file per transaction than its envelope.
    expect(r.disk.byStorePerTx.blockFiles).toBeGreaterThan(0);
    expect(r.disk.byStorePerTx.blockFiles).toBeLessThan(r.envelopes.envelopeBytes);
  });
});
