import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCliNetwork } from '../support/cli.js';
import { removeDir, tempDir } from '../support/network.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeDir(d);
});

describe('the consortia command', () => {
  it('up, invoke, query, blocks, clean stop, verify, and a second start resuming the ledger', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const net = await startCliNetwork(dataDir);
    expect(net.output()).toContain('Regulator, TelcoA, TelcoB, TelcoC');
    expect(net.output()).toMatch(/channel:\s+telecom, height 1/);

    const health = await fetch(`${net.url}/healthz`);
    expect(health.status).toBe(200);

    const inv = await runCli([
      'invoke',
      'asset-registry',
      'createAsset',
      '{"id":"cli-1","owner":"Ann","value":3}',
      '--as',
      'TelcoB.admin',
      '--url',
      net.url,
    ]);
    expect(inv.stderr).toBe('');
    expect(inv.code).toBe(0);
    expect(JSON.parse(inv.stdout)).toMatchObject({ validationCode: 'VALID', blockNumber: 1 });

    const q = await runCli([
      'query',
      'asset-registry',
      'readAsset',
      '{"id":"cli-1"}',
      '--as',
      'TelcoC.user1',
      '--url',
      net.url,
    ]);
    expect(q.code).toBe(0);
    expect(JSON.parse(q.stdout).result).toMatchObject({ id: 'cli-1', owner: 'Ann', value: 3 });

    const blocks = await runCli(['blocks', '--url', net.url, '--as', 'TelcoC.user1']);
    expect(blocks.code).toBe(0);
    expect(blocks.stdout).toMatch(/block 1 .*\n\s+[0-9a-f]{64}\s+VALID\s+asset-registry\.createAsset/);

    const badJson = await runCli([
      'invoke',
      'asset-registry',
      'createAsset',
      '{oops',
      '--as',
      'TelcoB.admin',
      '--url',
      net.url,
    ]);
    expect(badJson.code).toBe(1);
    expect(badJson.stderr.trim().split('\n')).toHaveLength(1);
    expect(badJson.stderr).toMatch(/^error INVALID_ARGUMENT: /);

    const badId = await runCli([
      'invoke',
      'asset-registry',
      'createAsset',
      '{"id":"x","owner":"A","value":1}',
      '--as',
      'TelcoZ.admin',
      '--url',
      net.url,
    ]);
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/^error UNKNOWN_IDENTITY: /);

    const badArgs = await runCli([
      'invoke',
      'asset-registry',
      'createAsset',
      '{"id":"x"}',
      '--as',
      'TelcoA.admin',
      '--url',
      net.url,
    ]);
    expect(badArgs.code).toBe(1);
    expect(badArgs.stderr).toMatch(/^error INVALID_ARGUMENT: /);

    net.child.kill('SIGTERM');
    const [code] = await once(net.child, 'exit');
    expect(code).toBe(0);
    expect(net.output()).toContain('stopped cleanly');

    const v = await runCli(['verify', '--data-dir', dataDir]);
    expect(v.code).toBe(0);
    expect(v.stdout.trim().split('\n').at(-1)).toBe('verified 2 blocks, 2 valid transactions, 0 invalid');

    const again = await startCliNetwork(dataDir);
    expect(again.output()).toMatch(/channel:\s+telecom, height 2/);
    const q2 = await runCli([
      'query',
      'asset-registry',
      'readAsset',
      '{"id":"cli-1"}',
      '--as',
      'TelcoA.user1',
      '--url',
      again.url,
    ]);
    expect(JSON.parse(q2.stdout).result.owner).toBe('Ann');
    again.child.kill('SIGINT');
    await once(again.child, 'exit');
  }, 240_000);

  it('refuses a foreign data dir and a bad port with one clear line', async () => {
    const dir = tempDir();
    dirs.push(dir);
    writeFileSync(join(dir, 'something.txt'), 'not a ledger');
    const r = await runCli(['up', '--data-dir', dir, '--port', '7999']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error DATA_DIR_FOREIGN: /);
    const p = await runCli(['up', '--data-dir', tempDir(), '--port', 'eighty']);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/^error INVALID_ARGUMENT: /);
    const v = await runCli(['verify', '--data-dir', dir]);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/^error DATA_DIR_FOREIGN: /);
  }, 120_000);
});
