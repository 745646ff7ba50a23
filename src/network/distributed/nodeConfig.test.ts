import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConsortiaError } from '../../common/index.js';
import { loadNodeConfig } from './nodeConfig.js';

const dir = mkdtempSync(join(tmpdir(), 'consortia-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const peer = {
  kind: 'peer',
  id: 'TelcoA.peer0',
  mspId: 'TelcoA',
  name: 'peer0',
  dataDir: '.',
  identity: { cert: 'cert.pem', key: '/abs/key.pem' },
  tls: { cert: 'tls/cert.pem', key: 'tls/key.pem', caCerts: ['../../tls-roots/TelcoA.pem'] },
  listen: '127.0.0.1:7051',
  channels: [{ genesis: '../../channels/telecom/genesis.block' }],
  orderers: [{ id: 'Orderer1.orderer0', address: '127.0.0.1:7050' }],
  contracts: { mine: 'contracts/mine.js' },
};

function write(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConsortiaError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'none';
}

describe('node configs', () => {
  it('resolves relative paths against the config file, so a node folder can move as it is', () => {
    const cfg = loadNodeConfig(write('peer.json', peer), 'peer');
    expect(cfg.dataDir).toBe(dir);
    expect(cfg.identity).toEqual({ cert: join(dir, 'cert.pem'), key: '/abs/key.pem' });
    expect(cfg.tls.caCerts).toEqual([join(dir, '../../tls-roots/TelcoA.pem')]);
    expect(cfg.channels[0]!.genesis).toBe(join(dir, '../../channels/telecom/genesis.block'));
    expect(cfg.contracts).toEqual({ mine: join(dir, 'contracts/mine.js') });
    expect(cfg.listen).toBe('127.0.0.1:7051');
    expect(cfg.orderers[0]!.address).toBe('127.0.0.1:7050');
  });

  it('names the field of an invalid config, and a config of the wrong kind', () => {
    expect(codeOf(() => loadNodeConfig(write('bad.json', { ...peer, listen: 'nowhere' }), 'peer'))).toMatch(
      /^INVALID_NODE_CONFIG: .* at listen: addresses are host:port/,
    );
    expect(codeOf(() => loadNodeConfig(write('kind.json', peer), 'orderer'))).toMatch(
      /^INVALID_NODE_CONFIG: .*configures a peer node, not a node of kind orderer/,
    );
    expect(codeOf(() => loadNodeConfig(write('junk.json', '{not json'), 'peer'))).toMatch(
      /^INVALID_NODE_CONFIG: cannot read/,
    );
    expect(codeOf(() => loadNodeConfig(join(dir, 'missing.json'), 'peer'))).toMatch(/^INVALID_NODE_CONFIG/);
  });
});
