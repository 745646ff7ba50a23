import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCarsharingDemo } from '../../src/cli/demos/carsharing.js';
import { runPrivateDataDemo } from '../../src/cli/demos/privateData.js';
import { removeDir, tempDir } from '../support/network.js';
import { filesContaining } from '../support/scan.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeDir(d);
});

describe('demo private-data', () => {
  it('passes every step, prints the marker, and leaves it nowhere after the purge', async () => {
    const root = tempDir();
    dirs.push(root);
    const dataDir = join(root, 'net');
    const lines: string[] = [];
    const result = await runPrivateDataDemo({ dataDir, out: (l) => lines.push(l) });
    expect(result.steps.map((s) => s.status)).toEqual(Array(6).fill('passed'));
    expect(lines).toContain('demo private-data: 6/6 steps passed');
    const text = lines.join('\n');
    const marker = /stored privately: (CONSORTIA-SECRET-[0-9a-f]{24})/.exec(text)?.[1];
    const kept = /kept marker: (CONSORTIA-KEPT-[0-9a-f]{24})/.exec(text)?.[1];
    expect(marker).toBeDefined();
    expect(kept).toBeDefined();
    expect(text).toMatch(/TelcoC reading → NOT_A_COLLECTION_MEMBER/);
    expect(text).toMatch(/Regulator reading → NOT_A_COLLECTION_MEMBER/);
    // The data dir was kept: search it independently of the demo.
    expect(filesContaining(dataDir, marker!)).toEqual([]);
    const holders = filesContaining(dataDir, kept!).map((f) =>
      f
        .slice(dataDir.length + 1)
        .split('/')
        .slice(0, 2)
        .join('/'),
    );
    expect([...new Set(holders)].sort()).toEqual(['TelcoA/peer0', 'TelcoB/peer0']);
  }, 90_000);
});

describe('demo carsharing', () => {
  it('passes every step: encrypted per customer, verified by the insurer, tampering detected', async () => {
    const lines: string[] = [];
    const result = await runCarsharingDemo({ out: (l) => lines.push(l) });
    expect(result.steps.map((s) => s.status)).toEqual(Array(5).fill('passed'));
    expect(lines).toContain('demo carsharing: 5/5 steps passed');
    const text = lines.join('\n');
    expect(text).toContain('decrypting → NOT_A_RECIPIENT');
    expect(text).toContain('2025-03: 412 km in 17 trips with EV-1042');
    expect(text).toMatch(/km changed to 41 → the signature does not match the record/);
    expect(text).toMatch(
      /re-signed by TelcoC → the signer certificate was not issued by the provider's root CA/,
    );
  }, 90_000);
});
