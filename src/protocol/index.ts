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
  type ConfigTransaction,
  ConfigTransactionSchema,
  type ContractEvent,
  ContractEventSchema,
  type Endorsement,
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
