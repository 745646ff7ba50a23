import { ConsortiaError } from '../../common/index.js';
import { DEFAULT_NETWORK, type NetworkConfig, type NetworkConfigInput } from '../../network/index.js';

/** The channel every benchmark runs on. */
export const BENCH_CHANNEL = 'telecom';

/** The put-only contract of the `register` workloads, and its endorsement policy (3 of 4 orgs). */
export const REGISTER_CONTRACT = {
  name: 'proof-registry',
  version: '1.0',
  endorsementPolicy: 'MAJORITY Endorsement',
} as const;

/**
 * The benchmark network: the default 4-org network, plus proof-registry on channel `telecom`
 * (it is not in the default network, so other networks' genesis blocks stay as they are).
 *
 * @example
 * const network = await EmbeddedNetwork.start({ dataDir, config: benchNetworkConfig() });
 */
export function benchNetworkConfig(): NetworkConfigInput {
  return {
    ...DEFAULT_NETWORK,
    channels: DEFAULT_NETWORK.channels.map((ch) =>
      ch.name === BENCH_CHANNEL && !(ch.contracts ?? []).some((c) => c.name === REGISTER_CONTRACT.name)
        ? { ...ch, contracts: [...(ch.contracts ?? []), { ...REGISTER_CONTRACT }] }
        : ch,
    ),
  };
}

/**
 * Throws UNKNOWN_CONTRACT when `contract` is not on the bench channel of `config`: a data dir
 * made before the benchmark defined it keeps the network config it was created with.
 *
 * @example
 * requireBenchContract(network.config, 'proof-registry', dataDir);
 */
export function requireBenchContract(config: NetworkConfig, contract: string, dataDir: string): void {
  const ch = config.channels.find((c) => c.name === BENCH_CHANNEL);
  if (ch?.contracts.some((c) => c.name === contract)) return;
  throw new ConsortiaError(
    'UNKNOWN_CONTRACT',
    `contract ${contract} is not on channel ${BENCH_CHANNEL} of the network in ${dataDir}, which was made by an older version; use a new data dir`,
    { contract, channel: BENCH_CHANNEL, dataDir },
  );
}
