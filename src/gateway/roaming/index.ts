export { type RoamingErrorCode, RoamingErrorCodes } from './errors.js';
export { encryptImsi, encryptServices, hashImsi, type RoamingServices } from './imsi.js';
export {
  assertRecordInBatch,
  buildDisputes,
  buildUsageBatch,
  type MerkleStepJson,
  type PreparedUsageBatch,
  parseMerklePath,
  type RecordProof,
  recordLeafHash,
  recordProof,
  type UsageRecord,
  type UsageTotals,
  usageMerkleRoot,
  usageTotals,
  verifyRecordProof,
  verifyUsageBatch,
} from './usageBatch.js';
