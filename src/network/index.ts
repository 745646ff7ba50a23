export {
  bootstrapDataDir,
  channelConfigFor,
  type DataDirMarker,
  genesisBlock,
  layout,
  readDataDirMarker,
} from './bootstrap.js';
export { resolveContractModule } from './contractModules.js';
export {
  type DistributedManifest,
  type ManifestNode,
  readManifest,
} from './distributed/distributedManifest.js';
export {
  etcdAdminClient,
  type StartedNetwork,
  startDistributedNetwork,
  stopDistributedNetwork,
  waitEtcd,
} from './distributed/distributedNetwork.js';
export { DistributedErrorCodes } from './distributed/errors.js';
export {
  type DistributedNetworkOptions,
  generateDistributedNetwork,
} from './distributed/generateDistributed.js';
export {
  type LaunchOptions,
  logTail,
  nodeCommand,
  runningPid,
  startNode,
  stopNode,
  waitReady,
} from './distributed/launcher.js';
export {
  type GatewayNodeConfig,
  loadNodeConfig,
  type NodeConfig,
  type OrdererNodeConfig,
  type PeerNodeConfig,
} from './distributed/nodeConfig.js';
export { readIdentityDirFiles, writeReadyFile } from './distributed/nodeFiles.js';
export { startOrdererNode } from './distributed/ordererNode.js';
export { type RunningNode, startPeerNode } from './distributed/peerNode.js';
export {
  type DistributedNodeVerification,
  verifyDistributedDataDir,
} from './distributed/verifyDistributed.js';
export { EmbeddedNetwork, type EmbeddedNetworkOptions, localPeerHandle } from './embeddedNetwork.js';
export {
  BlockPuller,
  type BlockPullerOptions,
  type BlockSink,
  type BlockSourceNode,
} from './grpc/blockPuller.js';
export { GrpcErrorCodes } from './grpc/errors.js';
export { GrpcServer, type GrpcServerOptions } from './grpc/grpcServer.js';
export { fromServiceError, toServiceError } from './grpc/grpcStatus.js';
export { NodeClient, type NodeClientOptions, type NodeStream } from './grpc/nodeClient.js';
export {
  type BroadcastOptions,
  type OrdererBackend,
  type OrdererInfo,
  ordererService,
  soloOrdererBackend,
} from './grpc/ordererService.js';
export { type PeerInfo, peerService } from './grpc/peerService.js';
export {
  type GrpcPrivateDataOptions,
  grpcPrivateDataTransport,
  type PrivateDataEndpoint,
} from './grpc/privateDataLink.js';
export { failoverOrderer, RemoteOrderer, type RemoteOrdererOptions } from './grpc/remoteOrderer.js';
export { RemotePeer, type RemotePeerOptions } from './grpc/remotePeer.js';
export { encodeJson, MAX_GRPC_MESSAGE_BYTES, ORDERER_SERVICE, PEER_SERVICE } from './grpc/services.js';
export {
  clientCredentials,
  loadTlsMaterial,
  serverCredentials,
  type TlsFiles,
  type TlsMaterial,
  TlsTrust,
} from './grpc/tlsConfig.js';
export {
  DEFAULT_NETWORK,
  type NetworkConfig,
  type NetworkConfigInput,
  NetworkConfigSchema,
  parseNetworkConfig,
} from './networkConfig.js';
export {
  type EmbeddedPrivateDataTransportOptions,
  embeddedPrivateDataTransport,
  type PrivateDataFilter,
} from './privateDataTransport.js';
export type { OrdererHandle, PeerHandle } from './types.js';
export { type DataDirVerification, type NodeVerification, verifyDataDir } from './verifyDataDir.js';
export { listWalletIdentities, loadWalletIdentity, readIdentityDir, type WalletIdentity } from './wallet.js';
