export { ContractTestBench, type ContractTestBenchOptions, testCaller } from './contractTestBench.js';
export {
  type ArgsSchema,
  type ContractDefinition,
  type ContractSpec,
  defineContract,
  type FunctionSpec,
  isContractDefinition,
} from './defineContract.js';
export { type ContractDescription, describeContract, type FunctionDescription } from './describeContract.js';
export { ContractError, type ContractErrorCode, ContractErrorCodes } from './errors.js';
export { decodeJson, encodeJson, toJsonValue } from './jsonValue.js';
export { loadContract } from './loadContract.js';
export { type MemoryCommitOptions, MemoryState } from './memoryState.js';
export {
  PrivateDataErrorCodes,
  PrivateRecorder,
  PrivateStates,
  type PrivateStatesOptions,
} from './privateState.js';
export type {
  CollectionAccess,
  PrivateEntry,
  PrivateEntryReader,
  PrivateState,
} from './privateTypes.js';
export { ContractRuntime, type ContractRuntimeOptions, type ExecuteRequest } from './runtime.js';
export { RwSetRecorder } from './rwSetRecorder.js';
export { type SimulateOptions, simulate } from './simulator.js';
export type {
  Caller,
  CallerInfo,
  CallerRole,
  Context,
  ContractState,
  FunctionKind,
  HistoryEntry,
  HistoryReader,
  HistorySource,
  KeyModification,
  KeyValue,
  SimulationError,
  SimulationInfo,
  SimulationResult,
  StateEntry,
  StateReader,
  StateSource,
  VersionRef,
} from './types.js';
export { compareKeys, MAX_KEY_LENGTH, validateKey } from './validateKey.js';
