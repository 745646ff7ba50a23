import type { ContractDefinition } from './defineContract.js';
import { MemoryState } from './memoryState.js';
import { simulate } from './simulator.js';
import type { CallerInfo, CallerRole, FunctionKind, SimulationResult } from './types.js';

/**
 * A caller for contract tests: `mspId`'s identity `name`, with the id a peer would give it.
 *
 * @example
 * const telcoA = testCaller('TelcoA', 'ann', '01'); // { mspId: 'TelcoA', role: 'client', id: 'TelcoA::ann::01', ... }
 */
export function testCaller(
  mspId: string,
  name: string,
  serial: string,
  role: CallerRole = 'client',
  attributes: Readonly<Record<string, string>> = {},
): CallerInfo {
  return { mspId, role, id: `${mspId}::${name}::${serial}`, name, attributes };
}

export interface ContractTestBenchOptions {
  readonly definition: ContractDefinition;
  /** The caller when a call names none. */
  readonly caller: CallerInfo;
  readonly channel?: string;
  /** Proposal time of the first call (ms); each call is `stepMs` later. */
  readonly start?: number;
  readonly stepMs?: number;
  /** Transaction id of the n-th call (from 1); default `tx<n>`. */
  readonly txId?: (n: number) => string;
}

/**
 * A bench for contract unit tests: each call is simulated against an in-memory state and, when it
 * is a valid transaction, committed to it, as a peer would, with a clock that moves forward.
 *
 * @example
 * const bench = new ContractTestBench({ definition: assetRegistry, caller: telcoA });
 * await bench.call('createAsset', { id: 'a1', owner: 'Ann', value: 1 });
 * (await bench.call('readAsset', { id: 'a1' }, { kind: 'query' })).result;
 */
export class ContractTestBench {
  readonly state = new MemoryState();
  readonly #opts: ContractTestBenchOptions;
  #clock: number;
  #count = 0;

  constructor(opts: Readonly<ContractTestBenchOptions>) {
    this.#opts = opts;
    this.#clock = opts.start ?? Date.UTC(2025, 0, 1);
  }

  async call(
    fn: string,
    argsJson: Record<string, unknown>,
    opts: { caller?: CallerInfo; kind?: FunctionKind } = {},
  ): Promise<SimulationResult> {
    const kind = opts.kind ?? 'transaction';
    this.#clock += this.#opts.stepMs ?? 60_000;
    this.#count++;
    const txId = this.#opts.txId?.(this.#count) ?? `tx${this.#count}`;
    const timestamp = this.#clock;
    const sim = await simulate({
      definition: this.#opts.definition,
      fn,
      argsJson,
      kind,
      info: {
        txId,
        channel: this.#opts.channel ?? 'telecom',
        timestamp,
        caller: opts.caller ?? this.#opts.caller,
      },
      state: this.state,
      history: this.state.history,
    });
    if (sim.ok && kind === 'transaction') this.state.commit(sim.rwset, { txId, timestamp });
    return sim;
  }
}
