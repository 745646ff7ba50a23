import { randomBytes } from 'node:crypto';
import { ConsortiaError, toHex } from '../../common/index.js';
import { type CallerInfo, type ContractDefinition, MemoryState, simulate } from '../../contract/index.js';

/** Named arguments of a contract call. */
export interface LedgerCallOptions {
  readonly arguments: Record<string, unknown>;
}

/**
 * What the identity agents need from a deployed contract: submit a transaction and evaluate a
 * query. The SDK's `Contract` (from `connect(...).network(ch).contract(name)`) is one;
 * {@link InMemoryLedger} gives another, for offline agents and tests.
 */
export interface LedgerContract {
  submit<T = unknown>(fn: string, opts: LedgerCallOptions): Promise<{ result: T; transactionId: string }>;
  evaluate<T = unknown>(fn: string, opts: LedgerCallOptions): Promise<T>;
}

export interface InMemoryLedgerOptions {
  readonly contracts: readonly ContractDefinition[];
  readonly channel?: string;
  /** The proposal timestamp of each call (ms since the epoch). Default Date.now. */
  readonly now?: () => number;
}

/**
 * Runs contracts in-process against one shared in-memory world state, committing every
 * successful transaction at once (no endorsement policy, ordering or MVCC). For tests and
 * offline demos of the identity agents; a network gives the same answers.
 *
 * @example
 * const ledger = new InMemoryLedger({ contracts: [didRegistry] });
 * const registry = new DidRegistryClient({ contract: ledger.contract('did-registry', caller) });
 */
export class InMemoryLedger {
  readonly #state = new MemoryState();
  readonly #contracts: Map<string, ContractDefinition>;
  readonly #channel: string;
  readonly #now: () => number;

  constructor(opts: Readonly<InMemoryLedgerOptions>) {
    this.#contracts = new Map(opts.contracts.map((c) => [c.name, c]));
    this.#channel = opts.channel ?? 'telecom';
    this.#now = opts.now ?? Date.now;
  }

  /** The contract `name` as called by `caller`. */
  contract(name: string, caller: CallerInfo): LedgerContract {
    const definition = this.#contracts.get(name);
    if (!definition) {
      throw new ConsortiaError('UNKNOWN_CONTRACT', `the in-memory ledger has no contract ${name}`, {
        contract: name,
      });
    }
    const run = async (fn: string, opts: LedgerCallOptions, kind: 'transaction' | 'query') => {
      const txId = toHex(randomBytes(32));
      const timestamp = this.#now();
      const sim = await simulate({
        definition,
        fn,
        argsJson: opts.arguments,
        kind,
        info: { txId, channel: this.#channel, timestamp, caller },
        state: this.#state,
        history: this.#state.history,
      });
      if (!sim.ok) {
        const e = sim.error ?? { code: 'CONTRACT_FAILED', message: `${name}.${fn} failed` };
        throw new ConsortiaError(e.code, e.message, e.detail);
      }
      if (kind === 'transaction') this.#state.commit(sim.rwset, { txId, timestamp });
      return { result: sim.result, transactionId: txId };
    };
    return {
      submit: async <T>(fn: string, opts: LedgerCallOptions) => {
        const r = await run(fn, opts, 'transaction');
        return { result: r.result as T, transactionId: r.transactionId };
      },
      evaluate: async <T>(fn: string, opts: LedgerCallOptions) => (await run(fn, opts, 'query')).result as T,
    };
  }
}
