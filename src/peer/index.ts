export {
  ChannelContext,
  type ChannelPolicyName,
  type ContractEntry,
  toPolicySigner,
} from './channelContext.js';
export { Endorser, type EndorserOptions, statusForCode } from './endorser.js';
export { PeerErrorCodes } from './errors.js';
export { type BlockEvent, EventHub } from './eventHub.js';
export { Peer, type PeerOptions, storedBlockEvent, type TxStatus } from './peer.js';
export {
  disseminateWrites,
  PrivateDataCodes,
  PrivateDataService,
  type PrivateDataServiceOptions,
  type ReconcileResult,
} from './privateData.js';
export type { PrivateDataPeer, PrivateDataTransport } from './privateDataTransport.js';
export {
  inlineVerifier,
  type SignatureCheck,
  type SignatureVerifier,
  sharedSignatureVerifier,
  WorkerSignatureVerifier,
  type WorkerSignatureVerifierOptions,
} from './signatureVerifier.js';
export { TransientStore, type TransientStoreOptions } from './transientStore.js';
export {
  type ContractEventRecord,
  type ContractExecutor,
  type PeerLedger,
  runtimeExecutor,
} from './types.js';
export {
  type BlockSignaturePrefetch,
  type BlockValidation,
  prefetchBlockSignatures,
  type ValidationLedger,
  validateBlock,
} from './validateBlock.js';
export { checkContractSequences, requiredConfigPolicy, validateConfigTx } from './validateConfigTx.js';
export { type VerifyLedgerOptions, type VerifyLedgerResult, verifyLedger } from './verifyLedger.js';
