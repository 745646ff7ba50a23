export {
  blockDataHash,
  blockSigningBytes,
  encodeBlock,
  envelopeInclusionPath,
  type NewBlockOptions,
  newBlockHeader,
  type ParsedBlock,
  parseBlock,
  withValidationCodes,
} from './block.js';
export {
  type BatchConfig,
  type ChannelConfig,
  ChannelConfigSchema,
  type ContractDefinition,
  DEFAULT_BATCH,
  DEFAULT_POLICIES,
  decodeChannelConfig,
  encodeChannelConfig,
  type OrgConfig,
  validateChannelConfig,
} from './channelConfig.js';
export {
  type CollectionConfig,
  CollectionConfigSchema,
  checkCollections,
  DEFAULT_COLLECTION,
} from './collectionConfig.js';
export {
  assembleConfigTransaction,
  configSigningBytes,
  encodeConfigTransaction,
  newConfigUpdate,
  type UnsignedConfigUpdate,
} from './configTx.js';
export { decodeMessage, MAX_MESSAGE_BYTES } from './decode.js';
export {
  decodeConfigHeader,
  encodeConfigPayload,
  encodeEnvelope,
  encodeTransactionPayload,
  type ParsedConfigTx,
  type ParsedEndorserTx,
  type ParsedTx,
  parseEnvelope,
} from './envelope.js';
export { ProtocolErrorCodes } from './errors.js';
export {
  type BlockSignature,
  type CollectionHashedRwSet,
  CollectionHashedRwSetSchema,
  type ConfigTransaction,
  ConfigTransactionSchema,
  type ContractEvent,
  ContractEventSchema,
  type Endorsement,
  type HashedRead,
  type HashedWrite,
  type Identity,
  type KeyPolicyWrite,
  KeyPolicyWriteSchema,
  type KVRead,
  KVReadSchema,
  type KVWrite,
  KVWriteSchema,
  type NsRwSet,
  NsRwSetSchema,
  type ProposalResponsePayload,
  type RangeQueryInfo,
  RangeQueryInfoSchema,
  type TxRwSet,
  TxRwSetSchema,
  type Version,
  VersionSchema,
} from './gen/consortia_pb.js';
export { decodeIdentity, encodeIdentity } from './identity.js';
export {
  type CollectionPvtWrites,
  collectionPvtHash,
  encodeCollectionPvtWrites,
  hashedCollection,
  keyHashHex,
  matchesHashedWrites,
  type NsPvtWrites,
  type PvtReadInput,
  type PvtWrite,
  privateKeyHash,
  privateValueHash,
} from './privateData.js';
export {
  decodePrivateDataMessage,
  encodePrivateDataMessage,
  type PrivateDataMessage,
  type PrivateDataPull,
  type PrivateDataPulled,
  type PrivateDataPullItem,
  type PrivateDataPush,
  type PulledEntry,
  pushWrites,
} from './privateDataMessages.js';
export {
  computeTxId,
  decodeArgs,
  encodeArgs,
  encodeSignedProposal,
  type NewProposalOptions,
  newProposal,
  type ParsedProposal,
  parseProposal,
  parseSignedProposal,
  type TransientMap,
  transientHash,
} from './proposal.js';
export {
  decodeProposalResponse,
  decodeResponsePayload,
  emptyRwSet,
  encodeProposalResponse,
  encodeResponsePayload,
  endorsementSigningBytes,
  type ResponsePayloadInput,
} from './proposalResponse.js';
export {
  ValidationCode,
  type ValidationCodeName,
  type ValidationCodeValue,
  validationCodeName,
} from './validationCode.js';
