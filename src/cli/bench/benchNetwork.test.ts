import { describe, expect, it } from 'vitest';
import { DEFAULT_NETWORK, parseNetworkConfig } from '../../network/index.js';
import { benchNetworkConfig, requireBenchContract } from './benchNetwork.js';

describe('benchNetworkConfig', () => {
  it('is the default network plus proof-registry (MAJORITY) on telecom, leaving the default as it was', () => {
    const before = JSON.stringify(DEFAULT_NETWORK);
    const cfg = parseNetworkConfig(benchNetworkConfig());
    expect(JSON.stringify(DEFAULT_NETWORK)).toBe(before);
    const defaults = parseNetworkConfig(DEFAULT_NETWORK);
    expect(defaults.channels[0]!.contracts.some((c) => c.name === 'proof-registry')).toBe(false);
    expect(cfg.orgs).toEqual(defaults.orgs);
    const telecom = cfg.channels.find((c) => c.name === 'telecom')!;
    expect(telecom.contracts.slice(0, -1)).toEqual(defaults.channels[0]!.contracts);
    expect(telecom.contracts.at(-1)).toEqual({
      name: 'proof-registry',
      version: '1.0',
      endorsementPolicy: 'MAJORITY Endorsement',
    });
  });
});

describe('requireBenchContract', () => {
  it('accepts a contract on the bench channel and names the data dir for one that is not', () => {
    const cfg = parseNetworkConfig(benchNetworkConfig());
    expect(() => requireBenchContract(cfg, 'proof-registry', '/d')).not.toThrow();
    expect(() => requireBenchContract(parseNetworkConfig(DEFAULT_NETWORK), 'proof-registry', '/d')).toThrow(
      expect.objectContaining({
        code: 'UNKNOWN_CONTRACT',
        detail: expect.objectContaining({ dataDir: '/d' }),
      }),
    );
  });
});
