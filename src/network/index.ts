export {
  bootstrapDataDir,
  channelConfigFor,
  type DataDirMarker,
  genesisBlock,
  layout,
  readDataDirMarker,
} from './bootstrap.js';
export { resolveContractModule } from './contractModules.js';
export { EmbeddedNetwork, type EmbeddedNetworkOptions, localPeerHandle } from './embeddedNetwork.js';
export {
  DEFAULT_NETWORK,
  type NetworkConfig,
  type NetworkConfigInput,
  NetworkConfigSchema,
  parseNetworkConfig,
} from './networkConfig.js';
export type { OrdererHandle, PeerHandle } from './types.js';
export { type DataDirVerification, type NodeVerification, verifyDataDir } from './verifyDataDir.js';
export { listWalletIdentities, loadWalletIdentity, readIdentityDir, type WalletIdentity } from './wallet.js';
