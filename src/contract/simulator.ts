import { z } from 'zod';
import { ConsortiaError } from '../common/index.js';
import { emptyRwSet } from '../protocol/index.js';
import { ContextState } from './contextState.js';
import type { ContractDefinition, FunctionSpec } from './defineContract.js';
import { ContractErrorCodes } from './errors.js';
import { errorToJson } from './isConsortiaErrorLike.js';
import { encodeJson, toJsonValue } from './jsonValue.js';
import { PrivateRecorder, PrivateStates } from './privateState.js';
import { RwSetRecorder } from './rwSetRecorder.js';
import type {
  Caller,
  Context,
  ContractState,
  FunctionKind,
  HistorySource,
  SimulationError,
  SimulationInfo,
  SimulationResult,
  StateSource,
} from './types.js';

/** What {@link simulate} runs, and against which state. */
export interface SimulateOptions {
  readonly definition: ContractDefinition;
  readonly fn: string;
  /** The named arguments, as decoded from the proposal's JSON. */
  readonly argsJson: Record<string, unknown>;
  /** Default 'transaction'. */
  readonly kind?: FunctionKind;
  readonly info: SimulationInfo;
  /** Committed world state (a ledger's StateReader, or an asynchronous source). */
  readonly state: StateSource;
  readonly history?: HistorySource | undefined;
}

/**
 * Runs one contract function against committed state without changing it, and returns its
 * result, the read–write set (namespace = contract name) and its events. A refusal or failure is
 * returned as `error` (never thrown), with an empty read–write set.
 *
 * @example
 * const sim = await simulate({
 *   definition: assetRegistry, fn: 'createAsset', argsJson: { id: 'a1', owner: 'ann', value: 5 },
 *   info: { txId, channel: 'telecom', timestamp: Date.UTC(2025, 0, 1), caller }, state: ledger,
 * });
 * if (sim.ok) sim.rwset.ns[0]?.writes; // [{ key: 'a1', value: ..., isDelete: false }]
 */
export async function simulate(opts: Readonly<SimulateOptions>): Promise<SimulationResult> {
  const def = opts.definition;
  const kind = opts.kind ?? 'transaction';
  const label = `${def.name}.${opts.fn}`;
  const spec = lookupFunction(def, opts.fn, kind);
  if (!spec.ok) return failure(spec.error);

  const parsed = await z.safeParseAsync(spec.fn.args, opts.argsJson ?? {});
  if (!parsed.success) return failure(argumentError(opts.fn, parsed.error.issues, spec.fn.argumentCodes));

  const recorder = new RwSetRecorder({ namespace: def.name });
  const state = new ContextState({
    recorder,
    source: opts.state,
    history: opts.history,
    readOnly: kind === 'query',
    label,
  });
  const pvt = new PrivateRecorder();
  const privates = new PrivateStates({
    recorder: pvt,
    namespace: def.name,
    read: opts.state.getPrivateEntry?.bind(opts.state),
    collections: opts.info.collections ?? [],
    callerMspId: opts.info.caller.mspId,
    readOnly: kind === 'query',
    label,
    isClosed: () => state.closed,
  });
  try {
    const ctx = createContext(opts.info, def.name, label, kind, state, recorder, privates);
    const returned = await spec.fn.run(ctx, parsed.data);
    state.close();
    const result =
      returned === undefined
        ? undefined
        : toJsonValue(returned, `the result of ${label}`, ContractErrorCodes.CONTRACT_FAILED);
    const rwset = recorder.toRwSet();
    pvt.attach(rwset);
    const privateWrites = pvt.privateWrites(def.name);
    const done = { ok: true, rwset, events: recorder.events(), ...(privateWrites ? { privateWrites } : {}) };
    return result === undefined ? done : { ...done, result };
  } catch (err) {
    state.close();
    return failure(errorToJson(err, ContractErrorCodes.CONTRACT_FAILED, `${label} failed`));
  }
}

function failure(error: SimulationError): SimulationResult {
  return { ok: false, error, rwset: emptyRwSet(), events: [] };
}

function lookupFunction(
  def: ContractDefinition,
  fn: string,
  kind: FunctionKind,
): { ok: true; fn: FunctionSpec } | { ok: false; error: SimulationError } {
  const table = kind === 'query' ? def.queries : def.transactions;
  const found = typeof fn === 'string' && Object.hasOwn(table, fn) ? table[fn] : undefined;
  if (found) return { ok: true, fn: found };
  const other = kind === 'query' ? def.transactions : def.queries;
  const available = Object.keys(table).sort();
  const hint =
    typeof fn === 'string' && Object.hasOwn(other, fn)
      ? `${fn} is a ${kind === 'query' ? 'transaction: submit it' : 'query: evaluate it'} instead`
      : `available ${kind === 'query' ? 'queries' : 'transactions'}: ${available.join(', ') || '(none)'}`;
  return {
    ok: false,
    error: {
      code: ContractErrorCodes.UNKNOWN_FUNCTION,
      message: `contract ${def.name} has no ${kind} named '${String(fn)}'; ${hint}`,
      detail: { contract: def.name, fn: String(fn), kind, available },
    },
  };
}

function argumentError(
  fn: string,
  issues: readonly z.core.$ZodIssue[],
  codes: Readonly<Record<string, string>> | undefined,
): SimulationError {
  const list = issues.map((i) => ({ path: i.path.map(pathPart), code: i.code, message: i.message }));
  const first = list[0];
  const where = first && first.path.length > 0 ? `argument '${formatPath(first.path)}'` : 'arguments';
  const top = first?.path[0];
  return {
    code:
      (typeof top === 'string' && codes && Object.hasOwn(codes, top) ? codes[top] : undefined) ??
      ContractErrorCodes.INVALID_ARGUMENT,
    message: `invalid ${where} of ${fn}: ${first?.message ?? 'the arguments do not match the schema'}`,
    detail: { fn, issues: list },
  };
}

function pathPart(p: PropertyKey): string | number {
  return typeof p === 'number' ? p : String(p);
}

function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** `ctx.state` for the contract: the state's methods, bound (so they can be destructured), nothing else. */
function facade(state: ContextState): ContractState {
  return Object.freeze({
    get: state.get.bind(state),
    getBytes: state.getBytes.bind(state),
    put: state.put.bind(state),
    putBytes: state.putBytes.bind(state),
    delete: state.delete.bind(state),
    range: state.range.bind(state),
    rangeBytes: state.rangeBytes.bind(state),
    history: state.history.bind(state),
    historyBytes: state.historyBytes.bind(state),
    setKeyPolicy: state.setKeyPolicy.bind(state),
    getKeyPolicy: state.getKeyPolicy.bind(state),
  });
}

function createContext(
  info: SimulationInfo,
  contract: string,
  label: string,
  kind: FunctionKind,
  state: ContextState,
  recorder: RwSetRecorder,
  privates: PrivateStates,
): Context {
  if (typeof info.timestamp !== 'number' || !Number.isFinite(info.timestamp)) {
    throw new ConsortiaError(
      ContractErrorCodes.CONTRACT_FAILED,
      'the proposal timestamp is not a finite number',
    );
  }
  const attributes: Readonly<Record<string, string>> = Object.freeze({ ...info.caller.attributes });
  const caller: Caller = Object.freeze({
    mspId: info.caller.mspId,
    role: info.caller.role,
    id: info.caller.id,
    name: info.caller.name,
    attributes,
    attr: (name: string) => (Object.hasOwn(attributes, name) ? attributes[name] : undefined),
  });
  const transient: ReadonlyMap<string, Uint8Array> = new Map(info.transient ?? []);
  const timestamp = info.timestamp;
  return Object.freeze({
    txId: info.txId,
    channel: info.channel,
    get timestamp() {
      return new Date(timestamp);
    },
    contract,
    caller,
    state: facade(state),
    transient,
    private: (collection: string) => privates.of(collection),
    emit(name: string, payload: unknown): void {
      if (state.closed) {
        throw new ConsortiaError(
          ContractErrorCodes.SIMULATION_CLOSED,
          `${label} emitted an event after it returned; emit before returning`,
        );
      }
      if (kind === 'query') {
        throw new ConsortiaError(
          ContractErrorCodes.READ_ONLY,
          `${label} is a query and cannot emit events; make it a transaction to emit`,
          { op: 'emit' },
        );
      }
      if (typeof name !== 'string' || name.length === 0 || name.length > 256) {
        throw new ConsortiaError(
          ContractErrorCodes.CONTRACT_FAILED,
          'an event name must be a string of 1-256 characters',
        );
      }
      recorder.emit(
        name,
        encodeJson(payload, `the payload of event '${name}'`, ContractErrorCodes.CONTRACT_FAILED),
      );
    },
  });
}
