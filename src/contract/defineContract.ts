import type { z } from 'zod';
import { ConsortiaError } from '../common/index.js';
import { ContractErrorCodes } from './errors.js';
import type { Context } from './types.js';

/** Any zod schema (classic or mini) for a function's named arguments. */
export type ArgsSchema = z.core.$ZodType;

/** One contract function: its argument schema, a description and the code to run. */
export interface FunctionSpec<S extends ArgsSchema = ArgsSchema> {
  /** Schema of the named-arguments object; it validates input and documents the REST API. */
  readonly args: S;
  readonly description?: string;
  /**
   * Stable error codes for invalid top-level arguments, by argument name, for example
   * `{ number: 'INVALID_NUMBER' }`; other invalid input gets INVALID_ARGUMENT.
   */
  readonly argumentCodes?: Readonly<Record<string, string>>;
  /** The function body. Its return value must be JSON-serialisable. */
  run(ctx: Context, args: z.output<S>): unknown;
}

/** What a contract author passes to {@link defineContract}. */
export interface ContractSpec<T extends Record<string, ArgsSchema>, Q extends Record<string, ArgsSchema>> {
  /** Contract name; also the world-state namespace. Letters, digits, '-', '_' and '.'. */
  readonly name: string;
  /** Contract version, recorded in every endorsement. Default '0.0.0'. */
  readonly version?: string;
  readonly description?: string;
  /** Functions that may change state (submitted, endorsed, ordered, committed). */
  readonly transactions?: { readonly [K in keyof T]: FunctionSpec<T[K]> };
  /** Read-only functions (evaluated on one peer; writes are refused with READ_ONLY). */
  readonly queries?: { readonly [K in keyof Q]: FunctionSpec<Q[K]> };
}

/** A validated contract, as {@link defineContract} returns it. */
export interface ContractDefinition {
  readonly name: string;
  readonly version: string;
  readonly description: string | undefined;
  readonly transactions: Readonly<Record<string, FunctionSpec>>;
  readonly queries: Readonly<Record<string, FunctionSpec>>;
}

/** Marks values made by defineContract (a registered symbol, so it survives duplicate module copies). */
export const CONTRACT_BRAND: unique symbol = Symbol.for('consortia.contract.definition') as never;

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const FN_RE = /^[A-Za-z_$][A-Za-z0-9_$]{0,127}$/;

/**
 * Defines a contract: named transactions and queries, each with a zod schema for its arguments.
 * Contracts default-export the result.
 *
 * @example
 * export default defineContract({
 *   name: 'asset-registry',
 *   version: '1.0',
 *   transactions: {
 *     createAsset: { args: z.object({ id: z.string().min(1) }), run: async (ctx, a) => ctx.state.put(a.id, a) },
 *   },
 *   queries: {
 *     readAsset: { args: z.object({ id: z.string() }), run: async (ctx, a) => ctx.state.get(a.id) },
 *   },
 * });
 */
export function defineContract<
  T extends Record<string, ArgsSchema> = Record<never, ArgsSchema>,
  Q extends Record<string, ArgsSchema> = Record<never, ArgsSchema>,
>(spec: ContractSpec<T, Q>): ContractDefinition {
  if (typeof spec?.name !== 'string' || !NAME_RE.test(spec.name)) {
    throw invalid(
      `contract name ${JSON.stringify(spec?.name)} is not valid; use 1-64 letters, digits, '-', '_' or '.'`,
    );
  }
  const version = spec.version ?? '0.0.0';
  if (typeof version !== 'string' || version.length === 0) {
    throw invalid(`contract ${spec.name} has an empty or non-string version`);
  }
  const transactions = checkFunctions(spec.name, 'transaction', spec.transactions ?? {});
  const queries = checkFunctions(spec.name, 'query', spec.queries ?? {});
  for (const fn of Object.keys(queries)) {
    if (Object.hasOwn(transactions, fn)) {
      throw invalid(`contract ${spec.name} defines ${fn} both as a transaction and as a query; rename one`);
    }
  }
  if (Object.keys(transactions).length + Object.keys(queries).length === 0) {
    throw invalid(`contract ${spec.name} defines no transactions and no queries`);
  }
  const def: ContractDefinition = {
    name: spec.name,
    version,
    description: spec.description,
    transactions: Object.freeze(transactions),
    queries: Object.freeze(queries),
  };
  Object.defineProperty(def, CONTRACT_BRAND, { value: true, enumerable: false });
  return Object.freeze(def);
}

/**
 * True when `value` was made by {@link defineContract} (in this or another copy of the module).
 *
 * @example
 * isContractDefinition((await import('./contract.js')).default); // true
 */
export function isContractDefinition(value: unknown): value is ContractDefinition {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CONTRACT_BRAND] === true
  );
}

function checkFunctions(
  contract: string,
  kind: 'transaction' | 'query',
  fns: Readonly<Record<string, FunctionSpec<ArgsSchema>>>,
): Record<string, FunctionSpec> {
  if (typeof fns !== 'object' || fns === null)
    throw invalid(`contract ${contract}: ${kind} functions must be an object`);
  const out: Record<string, FunctionSpec> = Object.create(null);
  for (const [fn, spec] of Object.entries(fns)) {
    if (!FN_RE.test(fn))
      throw invalid(`contract ${contract}: ${kind} name '${fn}' is not a valid identifier`);
    if (typeof spec?.run !== 'function')
      throw invalid(`contract ${contract}: ${kind} ${fn} has no run function`);
    if (typeof spec.args !== 'object' || spec.args === null || !('_zod' in spec.args)) {
      throw invalid(`contract ${contract}: ${kind} ${fn} needs a zod schema as args (e.g. z.object({}))`);
    }
    out[fn] = Object.freeze({ ...spec }) as FunctionSpec;
  }
  return out;
}

function invalid(message: string): ConsortiaError {
  return new ConsortiaError(ContractErrorCodes.INVALID_CONTRACT, message);
}
