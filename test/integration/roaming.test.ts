import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runRoamingDemo } from '../../src/cli/demos/roaming.js';
import { removeDir, tempDir } from '../support/network.js';
import { filesContaining } from '../support/scan.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeDir(d);
});

describe('demo roaming', () => {
  it('passes every step, keeps usage records on the two carriers only, and runs again in the same data dir', async () => {
    const root = tempDir();
    dirs.push(root);
    const dataDir = join(root, 'net');
    const lines: string[] = [];
    const result = await runRoamingDemo({ dataDir, out: (l) => lines.push(l) });
    expect(result.steps.map((s) => s.status)).toEqual(Array(8).fill('passed'));
    const text = lines.join('\n');
    expect(text).toContain('demo roaming: 8/8 steps passed');
    expect(text).toMatch(/batch BATCH_ROOT_MISMATCH, proof RECORD_NOT_IN_BATCH, contract RECORD_MISMATCH/);
    expect(text).toMatch(/TelcoA: receives €5\.11, pays €13\.38, net −€8\.27/);
    expect(text).toMatch(/carried forward \(disputed\): €0\.09; Σ nets = 0/);
    // An undisputed record of TelcoA's batch for TelcoB is on their peers' disks only.
    const run = /batch ab-([0-9a-f]{8})/.exec(text)?.[1];
    expect(run).toBeDefined();
    const holders = filesContaining(dataDir, `cdr-${run}-0`).map((f) =>
      f
        .slice(dataDir.length + 1)
        .split('/')
        .slice(0, 2)
        .join('/'),
    );
    expect([...new Set(holders)].sort()).toEqual(['TelcoA/peer0', 'TelcoB/peer0']);

    const again: string[] = [];
    const second = await runRoamingDemo({ dataDir, out: (l) => again.push(l) });
    expect(second.failed).toBe(0);
    expect(again.join('\n')).toMatch(/billing period 2025-02/);
  }, 180_000);
});
