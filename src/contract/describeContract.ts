import { z } from 'zod';
import type { ContractDefinition, FunctionSpec } from './defineContract.js';

/** A function's public description: text and the JSON Schema of its arguments. */
export interface FunctionDescription {
  readonly description: string | undefined;
  /** JSON Schema (draft 2020-12) of the arguments object, as input. */
  readonly argsJsonSchema: Record<string, unknown>;
}

/** A contract's public description, for OpenAPI documents and typed SDK calls. */
export interface ContractDescription {
  readonly name: string;
  readonly version: string;
  readonly description: string | undefined;
  readonly transactions: Readonly<Record<string, FunctionDescription>>;
  readonly queries: Readonly<Record<string, FunctionDescription>>;
}

/**
 * Describes a contract's functions with JSON Schemas of their arguments (zod's `toJSONSchema`;
 * parts JSON Schema cannot express, such as transforms, become `{}`).
 *
 * @example
 * const d = describeContract(assetRegistry);
 * d.transactions.createAsset?.argsJsonSchema; // { type: 'object', properties: { id: ... }, ... }
 */
export function describeContract(def: ContractDefinition): ContractDescription {
  return {
    name: def.name,
    version: def.version,
    description: def.description,
    transactions: describeFunctions(def.transactions),
    queries: describeFunctions(def.queries),
  };
}

function describeFunctions(fns: Readonly<Record<string, FunctionSpec>>): Record<string, FunctionDescription> {
  const out: Record<string, FunctionDescription> = {};
  for (const [fn, spec] of Object.entries(fns)) {
    out[fn] = {
      description: spec.description,
      argsJsonSchema: z.toJSONSchema(spec.args, { io: 'input', unrepresentable: 'any' }) as Record<
        string,
        unknown
      >,
    };
  }
  return out;
}
