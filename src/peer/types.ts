import type { ContractRuntime } from '../contract/index.js';
import type { Ledger } from '../ledger/index.js';

/** The ledger a peer keeps per channel. */
export type PeerLedger = Ledger;

/** A contract event of a committed valid transaction. */
export interface ContractEventRecord {
  readonly contract: string;
  readonly name: string;
  readonly payload: unknown;
}

type ExecuteRequest = Parameters<ContractRuntime['execute']>[0];
type ExecuteResult = Awaited<ReturnType<ContractRuntime['execute']>>;

/** What the endorser needs of the contract runtime. */
export interface ContractExecutor {
  execute(
    req: ExecuteRequest,
    state: Parameters<ContractRuntime['execute']>[1],
    history: Parameters<ContractRuntime['execute']>[2],
  ): Promise<ExecuteResult>;
  /** Whether `fn` of `contract` (at `version`) is a transaction or a query; undefined when unknown. */
  kindOf(contract: string, fn: string, version?: string): 'transaction' | 'query' | undefined;
}

/** Adapts a ContractRuntime to the endorser. */
export function runtimeExecutor(runtime: ContractRuntime): ContractExecutor {
  return {
    execute: (req, state, history) => runtime.execute(req, state, history),
    kindOf(contract, fn, version) {
      try {
        const d = runtime.describe(contract, version);
        if (Object.hasOwn(d.transactions, fn)) return 'transaction';
        if (Object.hasOwn(d.queries, fn)) return 'query';
      } catch {
        // unknown contract: the runtime reports it on execute
      }
      return undefined;
    },
  };
}
