import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCliNetwork } from '../support/cli.js';
import { removeDir, tempDir } from '../support/network.js';

let dataDir: string;
let net: Awaited<ReturnType<typeof startCliNetwork>>;

beforeAll(async () => {
  dataDir = tempDir();
  net = await startCliNetwork(dataDir);
}, 90_000);

afterAll(async () => {
  if (net && net.child.exitCode === null) {
    net.child.kill('SIGTERM');
    await once(net.child, 'exit');
  }
  removeDir(dataDir);
});

const common = () => ['--url', net.url, '--data-dir', dataDir];

describe('contract lifecycle from the command line, with private data collections', () => {
  it('defines an upgrade with a collections file, shows approvals, commits it, and config show reads it back', async () => {
    const collections = join(dataDir, 'collections.json');
    writeFileSync(
      collections,
      JSON.stringify([
        { name: 'telco-ab', memberOrgs: ['TelcoA', 'TelcoB'], requiredPeerCount: 1 },
        { name: 'telco-bc', memberOrgs: ['TelcoB', 'TelcoC'], blockToLive: 10 },
      ]),
    );
    const update = join(dataDir, 'define.json');
    const define = await runCli([
      'contract',
      'define',
      'private-notes',
      '--version',
      '1.1',
      '--policy',
      "OutOf(1, 'TelcoA.member', 'TelcoB.member', 'TelcoC.member')",
      '--collections',
      collections,
      '--as',
      'TelcoA.admin',
      '--out',
      update,
      ...common(),
    ]);
    expect(define.stderr).toBe('');
    expect(define.code).toBe(0);
    expect(define.stdout).toContain('change contract private-notes');
    const file = JSON.parse(readFileSync(update, 'utf8'));
    expect(JSON.stringify(file)).toContain('telco-bc');

    // The file says what changes, collections and their orgs included, for the admins who sign.
    expect(define.stdout).toContain('telco-bc (TelcoB, TelcoC; blockToLive 10)');

    const first = await runCli(['config', 'sign', update, '--as', 'TelcoA.admin', ...common()]);
    expect(first.code, first.stderr).toBe(0);
    const before = await runCli(['contract', 'approvals', update, '--as', 'TelcoC.user1', ...common()]);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/TelcoA\s+approved/);
    expect(before.stdout).toMatch(/TelcoB\s+-/);
    expect(before.stdout).toContain('not met yet');

    for (const admin of ['TelcoB.admin', 'TelcoC.admin']) {
      const sign = await runCli(['config', 'sign', update, '--as', admin, ...common()]);
      expect(sign.code, sign.stderr).toBe(0);
    }
    const after = await runCli(['contract', 'approvals', update, '--as', 'TelcoC.user1', ...common()]);
    expect(after.stdout).toContain('met — ready to commit');
    const submit = await runCli(['config', 'submit', update, '--as', 'TelcoA.admin', ...common()]);
    expect(submit.code, submit.stderr).toBe(0);

    const show = await runCli(['config', 'show', '--as', 'TelcoB.user1', ...common()]);
    expect(show.code).toBe(0);
    const config = JSON.parse(show.stdout);
    const notes = config.contracts.find((c: { name: string }) => c.name === 'private-notes');
    expect(notes.version).toBe('1.1');
    expect(notes.collections).toEqual([
      expect.objectContaining({ name: 'telco-ab', memberOrgs: ['TelcoA', 'TelcoB'], requiredPeerCount: 1 }),
      expect.objectContaining({ name: 'telco-bc', memberOrgs: ['TelcoB', 'TelcoC'], blockToLive: 10 }),
    ]);
  });

  it('refuses a bad collections file, and a config read without an identity, with one clear line', async () => {
    const bad = join(dataDir, 'bad.json');
    const define = (file: string) =>
      runCli([
        'contract',
        'define',
        'private-notes',
        '--version',
        '1.2',
        '--policy',
        "OR('TelcoA.member')",
        '--collections',
        file,
        '--as',
        'TelcoA.admin',
        '--out',
        join(dataDir, 'never.json'),
        ...common(),
      ]);
    writeFileSync(bad, '{"collections": "telco-ab"}');
    const notArray = await define(bad);
    expect(notArray.code).toBe(1);
    expect(notArray.stderr).toMatch(/^error INVALID_ARGUMENT: .*JSON array of collections/);

    writeFileSync(bad, JSON.stringify([{ name: 'x', memberOrgs: ['TelcoA'], requiredPeerCount: -1 }]));
    const invalid = await define(bad);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^error INVALID_CONFIG: collection x: requiredPeerCount/);

    writeFileSync(bad, JSON.stringify([{ name: 'x', memberOrgs: ['Nobody'] }]));
    const unknownOrg = await define(bad);
    expect(unknownOrg.code).toBe(1);
    expect(unknownOrg.stderr).toMatch(/^error \w+: .*Nobody/);

    const missing = await define(join(dataDir, 'nope.json'));
    expect(missing.stderr).toMatch(/^error FILE_NOT_FOUND/);

    const res = await fetch(`${net.url}/api/v1/channels/telecom/config`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('IDENTITY_REQUIRED');
  });
});
