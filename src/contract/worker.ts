/**
 * The contract worker (a piscina task module). It installs the determinism sandbox once, loads
 * contract modules on demand and runs `simulate`, reading state from the main thread over the
 * MessagePort that comes with each task.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { toBinary } from '@bufbuild/protobuf';
import { ContractEventSchema, type NsPvtWrites, TxRwSetSchema } from '../protocol/index.js';
import type { ContractDefinition } from './defineContract.js';
import { ContractErrorCodes } from './errors.js';
import { errorToJson } from './isConsortiaErrorLike.js';
import { checkContractModule, importContractModule } from './loadContract.js';
import { installDeterminismSandbox } from './sandbox.js';
import { simulate } from './simulator.js';
import { PortStateClient } from './stateBridge.js';
import type { FunctionKind, SimulationError, SimulationInfo } from './types.js';

/** One contract run, as the runtime posts it to a worker. */
export interface WorkerTask {
  readonly module: string;
  readonly contract: string;
  readonly fn: string;
  readonly argsJson: Record<string, unknown>;
  readonly kind: FunctionKind;
  readonly info: SimulationInfo;
  readonly hasHistory: boolean;
  readonly port: MessagePort;
}

/** A worker's answer: the simulation result with protobuf messages as bytes. */
export interface WorkerOutput {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: SimulationError;
  readonly rwset: Uint8Array;
  readonly events: Uint8Array[];
  /** Plaintext private writes (structured-cloned). */
  readonly privateWrites?: NsPvtWrites;
}

/** What the runtime passes to every worker it starts. */
export interface ContractWorkerData {
  /** URL of tsx's ESM API, when contracts are TypeScript run from source (tests, tsx). */
  readonly tsxEsmApi?: string;
}

const ready = boot(workerData as ContractWorkerData | undefined);

/** Registers the TypeScript loader if asked, then installs the sandbox, before any contract loads. */
async function boot(data: ContractWorkerData | undefined): Promise<void> {
  if (data?.tsxEsmApi !== undefined) {
    type Api = { register?: () => unknown; default?: { register?: () => unknown } };
    const api = (await import(data.tsxEsmApi)) as Api;
    (api.register ?? api.default?.register)?.();
  }
  installDeterminismSandbox();
  // A contract that forgets to await a promise must not bring the worker down.
  process.on('unhandledRejection', () => undefined);
}

const modules = new Map<string, Promise<{ default?: unknown }>>();

/**
 * Runs one task.
 *
 * @example
 * // piscina calls it: pool.run(task, { transferList: [task.port] })
 */
export default async function runContractTask(task: WorkerTask): Promise<WorkerOutput> {
  await ready;
  const client = new PortStateClient({ port: task.port });
  try {
    client.phase('loading');
    let definition: ContractDefinition;
    try {
      definition = await load(task.module, task.contract);
    } catch (err) {
      return {
        ok: false,
        error: errorToJson(err, ContractErrorCodes.INVALID_CONTRACT, 'loading failed'),
        ...empty(),
      };
    }
    client.phase('running');
    const sim = await simulate({
      definition,
      fn: task.fn,
      argsJson: task.argsJson,
      kind: task.kind,
      info: task.info,
      state: client,
      history: task.hasHistory ? client.history : undefined,
    });
    const out = {
      ok: sim.ok,
      rwset: toBinary(TxRwSetSchema, sim.rwset),
      events: sim.events.map((e) => toBinary(ContractEventSchema, e)),
      ...(sim.privateWrites ? { privateWrites: sim.privateWrites } : {}),
    };
    if (sim.error !== undefined) return { ...out, error: sim.error };
    return sim.result === undefined ? out : { ...out, result: sim.result };
  } finally {
    client.close();
  }
}

async function load(module: string, contract: string): Promise<ContractDefinition> {
  let p = modules.get(module);
  if (p === undefined) {
    p = importContractModule(module);
    modules.set(module, p);
  }
  return checkContractModule(await p, module, contract);
}

function empty(): { rwset: Uint8Array; events: Uint8Array[] } {
  return { rwset: new Uint8Array(0), events: [] };
}
