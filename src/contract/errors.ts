import { ConsortiaError } from '../common/index.js';

/** Stable error codes of the contract layer. */
export const ContractErrorCodes = {
  /** The arguments do not match the function's schema. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** The contract has no such function (of the requested kind). */
  UNKNOWN_FUNCTION: 'UNKNOWN_FUNCTION',
  /** No contract of that name is registered with the runtime. */
  UNKNOWN_CONTRACT: 'UNKNOWN_CONTRACT',
  /** A contract definition or contract module is malformed. */
  INVALID_CONTRACT: 'INVALID_CONTRACT',
  /** A query tried to write, delete, emit or set a key policy. */
  READ_ONLY: 'READ_ONLY',
  /** A state key is empty, too long or contains U+0000. */
  INVALID_KEY: 'INVALID_KEY',
  /** A value to store or emit is not JSON-serialisable. */
  INVALID_VALUE: 'INVALID_VALUE',
  /** A stored value is not JSON; read it with the *Bytes variant. */
  NOT_JSON: 'NOT_JSON',
  /** The contract threw something that is not a ConsortiaError, or returned a non-JSON result. */
  CONTRACT_FAILED: 'CONTRACT_FAILED',
  /** The contract ran past its time budget and was stopped. */
  CONTRACT_TIMEOUT: 'CONTRACT_TIMEOUT',
  /** The contract read the clock or a source of randomness. */
  NONDETERMINISM: 'NONDETERMINISM',
  /** The contract asked for key history but the peer supplied none. */
  HISTORY_UNAVAILABLE: 'HISTORY_UNAVAILABLE',
  /** Reading world state failed (a ledger problem, not a contract one). */
  STATE_READ_FAILED: 'STATE_READ_FAILED',
  /** The contract used ctx after its function had returned. */
  SIMULATION_CLOSED: 'SIMULATION_CLOSED',
  /** The runtime was closed. */
  RUNTIME_CLOSED: 'RUNTIME_CLOSED',
} as const;

export type ContractErrorCode = (typeof ContractErrorCodes)[keyof typeof ContractErrorCodes];

/**
 * A contract refusing a request, with a stable code of the contract's own choosing
 * (e.g. `NOT_OWNER`). The simulator reports it as the transaction's error.
 *
 * @example
 * throw new ContractError('NOT_OWNER', `asset ${id} belongs to ${asset.ownerOrg}; only that org may transfer it`);
 */
export class ContractError<
  D extends Record<string, unknown> = Record<string, unknown>,
> extends ConsortiaError<D> {
  constructor(code: string, message: string, detail?: D) {
    super(code, message, detail);
    this.name = 'ContractError';
  }
}
