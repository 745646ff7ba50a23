export { blockView, transactionView } from './blockView.js';
export {
  type ClientIdentity,
  Commit,
  type ConnectOptions,
  Contract,
  connect,
  Gateway,
  Network,
  Proposal,
  type ProposalOptions,
  type SubmitResult,
  Transaction,
} from './client.js';
export { type ConfigSigner, proposeConfigUpdate, submitConfigUpdate } from './configUpdate.js';
export { CommitError, CommitStatusError, EndorseError, SubmitError } from './errors.js';
export { GatewayService, type GatewayServiceOptions } from './gatewayService.js';
export { createRestServer, type IdentityResolver, type RestServerOptions } from './restServer.js';
