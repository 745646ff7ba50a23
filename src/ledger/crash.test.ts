import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseBlock } from '../protocol/index.js';
import { Ledger, readBlockFiles } from './index.js';
import { scenarioBlocks } from './testBlocks.js';

const script = fileURLToPath(new URL('./testdata/crashChild.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const dirs: string[] = [];

function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-'));
  dirs.push(d);
  return d;
}

afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function runChild(dir: string, count: number, fault?: string) {
  const env = { ...process.env };
  if (fault === undefined) delete env.CONSORTIA_FAULT;
  else env.CONSORTIA_FAULT = fault;
  return spawnSync(process.execPath, ['--import', 'tsx', script, dir, String(count)], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
  });
}

async function normalDigest(count: number): Promise<string> {
  const ledger = await Ledger.open({ dir: tmpDir(), channel: 'testchannel' });
  for (const b of scenarioBlocks(count)) await ledger.commitBlock(b);
  const digest = ledger.stateDigest();
  await ledger.close();
  return digest;
}

describe('Ledger crash between append and index commit (real process)', () => {
  it('replays the appended block after SIGKILL and ends with the state of a normal commit', async () => {
    const dir = tmpDir();
    const child = runChild(dir, 4, 'crash-after-append:2');
    expect(child.stderr).toBe('');
    expect(child.signal).toBe('SIGKILL');
    expect(child.stdout).toBe('');
    expect([...readBlockFiles(dir)].map((r) => parseBlock(r.bytes).number)).toEqual([0, 1, 2]);

    const ledger = await Ledger.open({ dir, channel: 'testchannel' });
    try {
      expect(ledger.recoveryReport).toEqual({ replayedBlocks: [2], truncatedBytes: 0 });
      expect(ledger.height).toBe(3);
      for (const n of [0, 1, 2]) expect(parseBlock(ledger.getBlock(n)!).number).toBe(n);
      expect(ledger.stateDigest()).toBe(await normalDigest(3));
    } finally {
      await ledger.close();
    }
  });

  it('runs to the end without the fault', () => {
    const dir = tmpDir();
    const child = runChild(dir, 4);
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('committed 4\n');
    expect([...readBlockFiles(dir)]).toHaveLength(4);
  });
});
