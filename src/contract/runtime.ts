import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { fromBinary } from '@bufbuild/protobuf';
import { Piscina } from 'piscina';
import { ConsortiaError } from '../common/index.js';
import { ContractEventSchema, emptyRwSet, TxRwSetSchema } from '../protocol/index.js';
import type { ContractDefinition } from './defineContract.js';
import { type ContractDescription, describeContract } from './describeContract.js';
import { ContractErrorCodes } from './errors.js';
import { errorToJson } from './isConsortiaErrorLike.js';
import { checkContractModule, contractModuleUrl, loadContract } from './loadContract.js';
import { simulate } from './simulator.js';
import { serveState } from './stateBridge.js';
import type {
  FunctionKind,
  HistorySource,
  SimulationError,
  SimulationInfo,
  SimulationResult,
  StateSource,
} from './types.js';
import type { ContractWorkerData, WorkerOutput, WorkerTask } from './worker.js';

/** Options of {@link ContractRuntime}. */
export interface ContractRuntimeOptions {
  /** Contract name -> module path or file URL that default-exports a defineContract() value. */
  readonly contracts: ReadonlyMap<string, string>;
  /** Time budget of one run, in milliseconds. Default 3000. */
  readonly timeoutMs?: number;
  /** Time budget for loading a contract module in a worker (first use only). Default 15000. */
  readonly loadTimeoutMs?: number;
  /** How long a call may wait for a free worker before it is refused. Default 30000. */
  readonly queueTimeoutMs?: number;
  /**
   * Most worker threads; one starts with the first call and more start when calls queue up.
   * Default: 2, or 1 on a one-core machine.
   */
  readonly threads?: number;
  /** Run contracts in this thread, for tests: no sandbox, and no time budget for busy loops. */
  readonly inProcess?: boolean;
}

/** One contract call. */
export interface ExecuteRequest {
  readonly contract: string;
  readonly fn: string;
  readonly argsJson: Record<string, unknown>;
  readonly kind?: FunctionKind;
  readonly info: SimulationInfo;
  /** Run this version of the contract (installed with `install`); default: the registered module. */
  readonly version?: string;
}

const DEFAULT_TIMEOUT_MS = 3000;
const DEFAULT_LOAD_TIMEOUT_MS = 15_000;
const DEFAULT_QUEUE_TIMEOUT_MS = 30_000;
const TS_FILE = /\.[mc]?ts$/;

/**
 * Runs contracts in a pool of worker threads, each with the determinism sandbox and a time
 * budget per run; state reads go back to the calling thread. A run that exceeds the budget is
 * stopped (its worker is replaced) and reported as `CONTRACT_TIMEOUT`.
 *
 * @example
 * const runtime = new ContractRuntime({ contracts: new Map([['asset-registry', '/srv/contracts/asset-registry/index.js']]) });
 * const sim = await runtime.execute({ contract: 'asset-registry', fn: 'readAsset', argsJson: { id: 'a1' }, kind: 'query', info }, ledger);
 * await runtime.close();
 */
export class ContractRuntime {
  readonly #contracts: ReadonlyMap<string, string>;
  readonly #timeoutMs: number;
  readonly #loadTimeoutMs: number;
  readonly #queueTimeoutMs: number;
  readonly #threads: number;
  readonly #inProcess: boolean;
  /** Installed packages by `name@version`. */
  readonly #installed = new Map<string, string>();
  /** Loaded definitions and descriptions, by module path. */
  readonly #definitions = new Map<string, Promise<ContractDefinition>>();
  readonly #descriptions = new Map<string, ContractDescription>();
  #pool: Piscina | undefined;
  #closed = false;

  constructor(opts: Readonly<ContractRuntimeOptions>) {
    this.#contracts = new Map(opts.contracts);
    this.#timeoutMs = positive(opts.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs');
    this.#loadTimeoutMs = positive(opts.loadTimeoutMs, DEFAULT_LOAD_TIMEOUT_MS, 'loadTimeoutMs');
    this.#queueTimeoutMs = positive(opts.queueTimeoutMs, DEFAULT_QUEUE_TIMEOUT_MS, 'queueTimeoutMs');
    this.#threads = Math.floor(positive(opts.threads, Math.min(2, availableParallelism()), 'threads'));
    this.#inProcess = opts.inProcess === true;
  }

  /** The registered contract names. */
  get contracts(): string[] {
    return [...this.#contracts.keys()];
  }

  /**
   * Simulates one call. Never throws: refusals, failures, timeouts and unknown contracts come
   * back as `{ ok: false, error }` with an empty read–write set.
   *
   * @example
   * const sim = await runtime.execute({ contract: 'asset-registry', fn: 'createAsset', argsJson, kind: 'transaction', info }, ledger, ledger.getHistory.bind(ledger));
   */
  async execute(req: ExecuteRequest, state: StateSource, history?: HistorySource): Promise<SimulationResult> {
    if (this.#closed) return failure(ContractErrorCodes.RUNTIME_CLOSED, 'the contract runtime is closed');
    let module: string;
    try {
      module = this.#moduleFor(req.contract, req.version);
    } catch (err) {
      const e = err as ConsortiaError;
      return failure(e.code, e.message, {
        contract: req.contract,
        ...(req.version ? { version: req.version } : {}),
      });
    }
    const kind = req.kind ?? 'transaction';
    if (this.#inProcess) {
      let definition: ContractDefinition;
      try {
        definition = await this.#definition(module, req.contract);
      } catch (err) {
        const e = errorToJson(err, ContractErrorCodes.INVALID_CONTRACT, `loading ${req.contract} failed`);
        return { ok: false, error: e, rwset: emptyRwSet(), events: [] };
      }
      return simulate({
        definition,
        fn: req.fn,
        argsJson: req.argsJson,
        kind,
        info: req.info,
        state,
        history,
      });
    }
    return this.#runInWorker(module, { ...req, kind }, state, history);
  }

  /**
   * Describes a contract (function descriptions and argument JSON Schemas). Loads the module
   * in this thread on first use, synchronously; throws `UNKNOWN_CONTRACT` or `INVALID_CONTRACT`.
   *
   * @example
   * runtime.describe('asset-registry').transactions.createAsset?.argsJsonSchema;
   */
  describe(contract: string, version?: string): ContractDescription {
    const module = this.#moduleFor(contract, version);
    const cached = this.#descriptions.get(module);
    if (cached) return cached;
    const description = describeContract(checkContractModule(requireModule(module), module, contract));
    this.#descriptions.set(module, description);
    return description;
  }

  /**
   * Installs a contract package (a module that default-exports `defineContract(...)`) under its
   * own name and version, so a channel can move to it by a definition update. Returns its
   * description; throws INVALID_CONTRACT when the module is not a contract.
   *
   * @example
   * const d = runtime.install('/srv/contracts/counter-2.0.js'); // { name: 'counter', version: '2.0', ... }
   */
  install(modulePath: string): ContractDescription {
    const description = describeContract(checkContractModule(requireModule(modulePath), modulePath));
    this.#descriptions.set(modulePath, description);
    this.#installed.set(`${description.name}@${description.version}`, modulePath);
    return description;
  }

  /** Installed `name@version` pairs, the registered modules included. */
  installed(): { name: string; version: string }[] {
    const out = [...this.#installed.keys()].map((k) => {
      const at = k.lastIndexOf('@');
      return { name: k.slice(0, at), version: k.slice(at + 1) };
    });
    return out.sort((a, b) => `${a.name}@${a.version}`.localeCompare(`${b.name}@${b.version}`));
  }

  /** The module of a contract (of a given version when asked); throws UNKNOWN_CONTRACT / CONTRACT_NOT_INSTALLED. */
  #moduleFor(contract: string, version?: string): string {
    if (version !== undefined) {
      const installed = this.#installed.get(`${contract}@${version}`);
      if (installed) return installed;
    }
    const module = this.#contracts.get(contract);
    if (module === undefined && version === undefined) {
      const known = [...this.#contracts.keys()].sort().join(', ') || '(none)';
      throw new ConsortiaError(
        ContractErrorCodes.UNKNOWN_CONTRACT,
        `no contract named '${contract}' is installed; installed contracts: ${known}`,
        {
          contract,
        },
      );
    }
    if (module !== undefined && version !== undefined && this.describe(contract).version !== version) {
      throw new ConsortiaError(
        'CONTRACT_NOT_INSTALLED',
        `version ${version} of contract ${contract} is not installed on this peer; install its package first`,
        {
          contract,
          version,
        },
      );
    }
    if (module === undefined) {
      throw new ConsortiaError(
        'CONTRACT_NOT_INSTALLED',
        `version ${version} of contract ${contract} is not installed on this peer; install its package first`,
        {
          contract,
          version,
        },
      );
    }
    return module;
  }

  /** Stops the worker threads. Later calls of execute return RUNTIME_CLOSED. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.destroy();
  }

  #definition(module: string, contract: string): Promise<ContractDefinition> {
    let p = this.#definitions.get(module);
    if (p === undefined) {
      p = loadContract(module, contract);
      this.#definitions.set(module, p);
    }
    return p;
  }

  #getPool(): Piscina {
    if (this.#pool === undefined) {
      const self = import.meta.url;
      const ext = path.extname(fileURLToPath(self));
      this.#pool = new Piscina({
        filename: fileURLToPath(new URL(`./worker${ext}`, self)),
        minThreads: 1,
        maxThreads: this.#threads,
        // A worker started under load stays a while: with piscina's default (0) it exits as soon
        // as it is idle and the next burst pays for a new thread and its contract modules again,
        // which more than doubled the CPU per transaction in the register benchmark.
        idleTimeout: 60_000,
        // Calls carry an abort signal (their time budget), and piscina never gives a worker
        // running an abortable call a second one: one call per worker at a time.
        concurrentTasksPerWorker: 1,
        recordTiming: false,
        ...(TS_FILE.test(ext) ? tsxWorkerOptions() : {}),
      });
      // A worker that dies outside a task (e.g. while starting) fails the tasks it affects; the
      // pool's 'error' event must not crash the host process.
      this.#pool.on('error', () => undefined);
    }
    return this.#pool;
  }

  async #runInWorker(
    module: string,
    req: ExecuteRequest & { kind: FunctionKind },
    state: StateSource,
    history: HistorySource | undefined,
  ): Promise<SimulationResult> {
    const pool = this.#getPool();
    const label = `${req.contract}.${req.fn}`;
    const { port1, port2 } = new MessageChannel();
    const controller = new AbortController();
    type Phase = 'queued' | 'loading' | 'running';
    const budget: Record<Phase, number> = {
      queued: this.#queueTimeoutMs,
      loading: this.#loadTimeoutMs,
      running: this.#timeoutMs,
    };
    let timer: NodeJS.Timeout | undefined;
    let timedOut: Phase | undefined;
    const enter = (phase: Phase) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = phase;
        controller.abort();
      }, budget[phase]);
    };
    const bridge = serveState({ port: port1, source: state, history, onPhase: enter });
    enter('queued');
    const task: WorkerTask = {
      module: contractModuleUrl(module),
      contract: req.contract,
      fn: req.fn,
      argsJson: req.argsJson,
      kind: req.kind,
      info: req.info,
      hasHistory: history !== undefined,
      port: port2,
    };
    try {
      const out = (await pool.run(task, {
        transferList: [port2],
        signal: controller.signal,
      })) as WorkerOutput;
      return decodeOutput(out);
    } catch (err) {
      if (timedOut === 'running') {
        return failure(
          ContractErrorCodes.CONTRACT_TIMEOUT,
          `${label} ran longer than its ${this.#timeoutMs} ms budget and was stopped; make it do less per call`,
          { timeoutMs: this.#timeoutMs, phase: 'running' },
        );
      }
      if (timedOut === 'loading') {
        return failure(
          ContractErrorCodes.CONTRACT_TIMEOUT,
          `loading contract ${req.contract} took longer than ${this.#loadTimeoutMs} ms and was stopped`,
          { timeoutMs: this.#loadTimeoutMs, phase: 'loading' },
        );
      }
      if (timedOut === 'queued') {
        return failure(
          ContractErrorCodes.CONTRACT_TIMEOUT,
          `no contract worker was free for ${label} within ${this.#queueTimeoutMs} ms; the peer is overloaded or its workers cannot start`,
          { timeoutMs: this.#queueTimeoutMs, phase: 'queued' },
        );
      }
      if (this.#closed) return failure(ContractErrorCodes.RUNTIME_CLOSED, 'the contract runtime is closed');
      const e = errorToJson(err, ContractErrorCodes.CONTRACT_FAILED, `${label} failed in its worker`);
      return { ok: false, error: e, rwset: emptyRwSet(), events: [] };
    } finally {
      clearTimeout(timer);
      bridge.close();
    }
  }
}

function decodeOutput(out: WorkerOutput): SimulationResult {
  const base = {
    ok: out.ok,
    rwset: out.rwset.byteLength === 0 ? emptyRwSet() : fromBinary(TxRwSetSchema, out.rwset),
    events: out.events.map((e) => fromBinary(ContractEventSchema, e)),
    ...(out.privateWrites ? { privateWrites: out.privateWrites } : {}),
  };
  if (out.error !== undefined) return { ...base, error: out.error };
  return out.result === undefined ? base : { ...base, result: out.result };
}

function failure(code: string, message: string, detail?: Record<string, unknown>): SimulationResult {
  const error: SimulationError = detail === undefined ? { code, message } : { code, message, detail };
  return { ok: false, error, rwset: emptyRwSet(), events: [] };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConsortiaError('INVALID_ARGUMENT', `${name} must be a positive number; got ${String(value)}`);
  }
  return value;
}

/**
 * Worker options to run TypeScript from source (tsx is a devDependency). Node 20 ignores
 * `--import` in a worker's execArgv, so the worker gets tsx's require hook (to load worker.ts)
 * and registers tsx's ESM hooks itself (to import .ts contracts).
 */
function tsxWorkerOptions(): { execArgv: string[]; workerData: ContractWorkerData } {
  const req = createRequire(import.meta.url);
  let cjs: string;
  let esmApi: string;
  try {
    cjs = req.resolve('tsx/cjs');
    const pkgFile = req.resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
      exports: Record<string, { import: { default: string } }>;
    };
    esmApi = pathToFileURL(path.join(path.dirname(pkgFile), pkg.exports['./esm/api']!.import.default)).href;
  } catch (err) {
    throw new ConsortiaError(
      ContractErrorCodes.INVALID_CONTRACT,
      'running contracts from TypeScript source needs the tsx package; install it or run the built JavaScript',
      undefined,
      { cause: err },
    );
  }
  return { execArgv: ['--require', cjs], workerData: { tsxEsmApi: esmApi } };
}

/**
 * Loads a contract module synchronously (for describe): TypeScript through tsx's require hook,
 * JavaScript through Node's require of ES modules.
 */
function requireModule(module: string): { default?: unknown } {
  const url = contractModuleUrl(module);
  const file = url.startsWith('file:') ? fileURLToPath(url) : module;
  const req = createRequire(import.meta.url);
  try {
    if (TS_FILE.test(file)) {
      const tsx = req('tsx/cjs/api') as { require: (id: string, from: string) => unknown };
      return tsx.require(file, import.meta.url) as { default?: unknown };
    }
    return req(file) as { default?: unknown };
  } catch (err) {
    throw new ConsortiaError(
      ContractErrorCodes.INVALID_CONTRACT,
      `could not load contract module ${module}: ${err instanceof Error ? err.message : String(err)}`,
      { module },
      { cause: err },
    );
  }
}
