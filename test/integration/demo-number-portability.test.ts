import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNumberPortabilityDemo } from '../../src/cli/demos/numberPortability.js';
import { sha256Hex } from '../../src/crypto/index.js';
import { runCli } from '../support/cli.js';
import { removeDir, tempDir } from '../support/network.js';

describe('demo number-portability, in process', () => {
  let dataDir: string;
  let lines: string[];
  let result: Awaited<ReturnType<typeof runNumberPortabilityDemo>>;

  beforeAll(async () => {
    dataDir = join(tempDir(), 'net');
    lines = [];
    result = await runNumberPortabilityDemo({ dataDir, out: (line) => lines.push(line) });
  }, 60_000);

  afterAll(() => removeDir(join(dataDir, '..')));

  it('passes all 8 steps, each printed as a numbered ✓ line, and ends with the summary', () => {
    expect(result.steps.map((s) => [s.number, s.status])).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((n) => [n, 'passed']),
    );
    expect(result).toMatchObject({ passed: 8, failed: 0 });
    for (let n = 1; n <= 8; n++) expect(lines.some((l) => l.startsWith(`✓ ${n}. `))).toBe(true);
    expect(lines.some((l) => l.startsWith('✗'))).toBe(false);
    expect(lines).toContain('demo number-portability: 8/8 steps passed');
  });

  it('shows the failed decryption, the losing racer and the history table', () => {
    const text = lines.join('\n');
    expect(text).toContain('NOT_A_RECIPIENT');
    expect(text).toMatch(/Telco[BC]: MVCC_READ_CONFLICT in block (\d+)/);
    expect(text).toMatch(/Telco[BC]: VALID in block (\d+)/);
    const blocks = [...text.matchAll(/Telco[BC]: (?:VALID|MVCC_READ_CONFLICT) in block (\d+)/g)].map(
      (m) => m[1],
    );
    expect(new Set(blocks).size).toBe(1);
    expect(text).toContain('TelcoA reads: John Doe');
    expect(text).toContain('NOT_REGULATOR');
    expect(text).toMatch(/tx\s+time \(UTC\)\s+carrier\s+change/);
    expect(text).toMatch(/TelcoB\s+port confirmed/);
  });

  it('keeps a given data dir, and a second run on it picks numbers not yet registered', async () => {
    expect(existsSync(join(dataDir, 'consortia.json'))).toBe(true);
    const again: string[] = [];
    const second = await runNumberPortabilityDemo({ dataDir, out: (line) => again.push(line) });
    expect(second).toMatchObject({ passed: 8, failed: 0 });
    const registered = (out: string[]) =>
      out.flatMap((l) => /^\s+(\+\d+) → TelcoA \(block \d+\)$/.exec(l)?.[1] ?? []);
    expect(registered(lines)).toHaveLength(3);
    expect(registered(again)).toHaveLength(3);
    expect(registered(again).filter((n) => registered(lines).includes(n))).toEqual([]);
  }, 60_000);

  it('refuses a non-empty data dir that is not a Consortia data dir', async () => {
    const foreign = tempDir();
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    try {
      await expect(
        runNumberPortabilityDemo({ dataDir: foreign, out: () => undefined }),
      ).rejects.toMatchObject({
        code: 'DATA_DIR_FOREIGN',
      });
      expect(existsSync(join(foreign, 'notes.txt'))).toBe(true);
    } finally {
      removeDir(foreign);
    }
  });

  it('consortia encrypt / decrypt / hash work against the kept network', async () => {
    const secret = '{"name":"John Doe","birthDate":"1960-01-01"}';
    const enc = await runCli(['encrypt', '--for', 'TelcoA,TelcoB', '--data-dir', dataDir, secret]);
    expect(enc.code).toBe(0);
    const base64 = enc.stdout.trim();
    expect(base64).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const [asB, asC] = await Promise.all([
      runCli(['decrypt', '--as', 'TelcoB.admin', '--data-dir', dataDir, base64]),
      runCli(['decrypt', '--as', 'TelcoC.admin', '--data-dir', dataDir, base64]),
    ]);
    expect(asB).toMatchObject({ code: 0, stdout: `${secret}\n` });
    expect(asC.code).toBe(1);
    expect(asC.stderr.trim()).toMatch(/^error NOT_A_RECIPIENT: /);

    const file = join(dataDir, '..', 'contract.txt');
    writeFileSync(file, 'Signed: John Doe, TelcoB\n');
    const [hash, badHash, badFor] = await Promise.all([
      runCli(['hash', file]),
      runCli(['hash', join(dataDir, '..', 'missing.pdf')]),
      runCli(['encrypt', '--for', 'TelcoZ', '--data-dir', dataDir, 'x']),
    ]);
    expect(hash).toMatchObject({
      code: 0,
      stdout: `${sha256Hex(Buffer.from('Signed: John Doe, TelcoB\n'))}\n`,
    });
    expect(badHash.code).toBe(1);
    expect(badHash.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error FILE_UNREADABLE: .*missing\.pdf/),
    ]);
    expect(badFor.code).toBe(1);
    expect(badFor.stderr.trim()).toMatch(
      /^error UNKNOWN_ORG: .*TelcoZ.*orgs: Regulator, TelcoA, TelcoB, TelcoC$/,
    );
  }, 60_000);
});

describe('consortia demo (CLI)', () => {
  it('runs number-portability to the end and exits 0', async () => {
    const r = await runCli(['demo', 'number-portability']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('demo number-portability: 8/8 steps passed');
    const dir = /fresh embedded network in (\S+)/.exec(r.stdout)?.[1];
    expect(dir).toBeDefined();
    expect(existsSync(dir!)).toBe(false);
  }, 90_000);

  it('refuses an unknown demo with exit 1 and one line listing the demos', async () => {
    const r = await runCli(['demo', 'nonsense']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error UNKNOWN_DEMO: there is no demo 'nonsense'; available demos: .*number-portability/,
    );
  }, 30_000);
});
