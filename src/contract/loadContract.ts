import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConsortiaError } from '../common/index.js';
import { type ContractDefinition, isContractDefinition } from './defineContract.js';
import { ContractErrorCodes } from './errors.js';
import { isConsortiaErrorLike } from './isConsortiaErrorLike.js';

/**
 * The URL to import for a contract module given as a file path (absolute, or relative to the
 * working directory) or as a URL (`file:`, `data:`).
 *
 * @example
 * contractModuleUrl('/srv/contracts/assets.js'); // 'file:///srv/contracts/assets.js'
 */
export function contractModuleUrl(specifier: string): string {
  if (/^[a-z][a-z0-9+.-]+:/i.test(specifier)) return specifier;
  return pathToFileURL(path.resolve(specifier)).href;
}

/**
 * Imports a contract module and returns its default export, checking that it is a
 * `defineContract()` value (and, when given, that its name is `expectedName`). Throws
 * `INVALID_CONTRACT`; an error the module throws while loading keeps its code when it is a
 * ConsortiaError (e.g. NONDETERMINISM).
 *
 * @example
 * const def = await loadContract('./contracts/asset-registry/index.js', 'asset-registry');
 */
export async function loadContract(specifier: string, expectedName?: string): Promise<ContractDefinition> {
  return checkContractModule(await importContractModule(specifier), specifier, expectedName);
}

/**
 * Imports a contract module without checking it; load failures become `INVALID_CONTRACT`
 * (a ConsortiaError thrown while loading keeps its code).
 *
 * @example
 * const mod = await importContractModule('/srv/contracts/assets.js');
 */
export async function importContractModule(specifier: string): Promise<{ default?: unknown }> {
  try {
    return (await import(contractModuleUrl(specifier))) as { default?: unknown };
  } catch (err) {
    if (isConsortiaErrorLike(err)) throw err;
    throw new ConsortiaError(
      ContractErrorCodes.INVALID_CONTRACT,
      `could not load contract module ${specifier}: ${err instanceof Error ? err.message : String(err)}`,
      { module: specifier },
      { cause: err },
    );
  }
}

/**
 * Checks an imported contract module (see {@link loadContract}).
 *
 * @example
 * checkContractModule(await import('./assets.js'), './assets.js', 'assets');
 */
export function checkContractModule(
  mod: { default?: unknown },
  specifier: string,
  expectedName?: string,
): ContractDefinition {
  const def = mod.default;
  if (!isContractDefinition(def)) {
    throw new ConsortiaError(
      ContractErrorCodes.INVALID_CONTRACT,
      `contract module ${specifier} must default-export defineContract({ ... })`,
      { module: specifier },
    );
  }
  if (expectedName !== undefined && def.name !== expectedName) {
    throw new ConsortiaError(
      ContractErrorCodes.INVALID_CONTRACT,
      `contract module ${specifier} defines contract '${def.name}' but is registered as '${expectedName}'; use the same name`,
      { module: specifier, name: def.name, expected: expectedName },
    );
  }
  return def;
}
