import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packBlock } from '../../src/ledger/blockCompression.js';
import { readBlockFiles } from '../../src/ledger/index.js';
import { encodeSegmentRecord } from '../../src/ledger/segmentRecord.js';
import { verifyDataDir } from '../../src/network/index.js';
import { ValidationCode } from '../../src/protocol/index.js';
import { removeDir, startNetwork, tempDir } from '../support/network.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

function runChild(
  dataDir: string,
  count: number,
  fault: string,
): Promise<{ signal: NodeJS.Signals | null; code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, '../support/crashChild.ts'), dataDir, String(count)],
      {
        env: { ...process.env, CONSORTIA_FAULT: fault },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.on('exit', (code, signal) => resolve({ code, signal, stdout }));
  });
}

describe('crash between block append and state commit', () => {
  it('loses no committed transaction and recovers the state a replay gives', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    // TelcoB's peer dies right after appending block 3, before committing its state.
    const r = await runChild(dataDir, 6, 'crash-after-append:3:TelcoB');
    expect(r.signal).toBe('SIGKILL');
    const acknowledged = [...r.stdout.matchAll(/^committed ([0-9a-f]{64}) /gm)].map((m) => m[1]!);
    expect(acknowledged.length).toBeGreaterThanOrEqual(1);

    const t = await startNetwork({ dataDir });
    try {
      const telcoB = t.network.peer('TelcoB.peer0');
      expect(telcoB.ledger('telecom').recoveryReport.replayedBlocks).toContain(3);
      await t.network.settle();
      const heights = t.network.peers.map((p) => p.height('telecom'));
      expect(new Set(heights).size).toBe(1);
      for (const p of t.network.peers) {
        for (const txId of acknowledged)
          expect(p.txStatus('telecom', txId)?.validationCode).toBe(ValidationCode.VALID);
      }
      const digests = t.network.peers.map((p) => p.ledger('telecom').stateDigest());
      expect(new Set(digests).size).toBe(1);
    } finally {
      await t.stop();
    }
    // The whole data dir verifies: state equals a replay of the blocks on every peer.
    const v = await verifyDataDir(dataDir);
    expect(v.channels[0]!.invalid).toBe(0);
  });
});

describe('consortia verify', () => {
  it('passes on an untouched data dir and names the file and block of a tampered one', async () => {
    const t = await startNetwork();
    dirs.push(t.dataDir);
    const contract = t.client('TelcoA.admin').network('telecom').contract('asset-registry');
    for (let i = 0; i < 3; i++)
      await contract.submit('createAsset', { arguments: { id: `v-${i}`, owner: 'Ann', value: i } });
    await t.stop();

    const ok = await verifyDataDir(t.dataDir);
    const ch = ok.channels.find((c) => c.channel === 'telecom')!;
    expect(ch.blocks).toBeGreaterThanOrEqual(4);
    expect(ch.valid).toBe(4);
    expect(ch.invalid).toBe(0);

    const blocksDir = join(t.dataDir, 'TelcoC', 'peer0', 'ledgers', 'telecom', 'blocks');
    const seg = join(blocksDir, readdirSync(blocksDir).sort()[0]!);
    const original = readFileSync(seg);
    // Block records are compressed, so the asset id is found in the inflated block bytes.
    const rec = [...readBlockFiles(join(blocksDir, '..'))].find((r) => Buffer.from(r.bytes).includes('v-1'))!;
    expect(rec.storedLength).toBeLessThan(rec.bytes.byteLength);

    // A flipped byte: the record's checksum names it.
    const flipped = Buffer.from(original);
    flipped[rec.offset + 8 + (rec.storedLength >> 1)]! ^= 0x01;
    writeFileSync(seg, flipped);
    const crcErr = await verifyDataDir(t.dataDir).catch((e: unknown) => e);
    expect(crcErr).toMatchObject({ code: 'VERIFY_FAILED' });
    expect((crcErr as Error).message).toContain(seg);
    expect((crcErr as Error).message).toMatch(/block \d+: damaged record/);

    // A rewritten record with a fresh checksum: the block's data hash names it.
    const altered = Buffer.from(rec.bytes);
    altered[altered.indexOf('v-1') + 2] = '7'.charCodeAt(0);
    const forged = encodeSegmentRecord(altered, packBlock(altered));
    const recordEnd = rec.offset + 8 + rec.storedLength + 4;
    writeFileSync(
      seg,
      Buffer.concat([original.subarray(0, rec.offset), forged, original.subarray(recordEnd)]),
    );
    const err = await verifyDataDir(t.dataDir).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'VERIFY_FAILED' });
    expect((err as Error).message).toContain(seg);
    expect((err as Error).message).toMatch(/block \d+: .*data hash does not match/);
  });
});
