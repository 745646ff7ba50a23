import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConsortiaError } from '../common/index.js';

const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/**
 * The module path of a contract: `path` when given, else the built-in contract of that name
 * under `contracts/<name>/` of this package (TypeScript sources in development, compiled
 * JavaScript in the built package).
 */
export function resolveContractModule(name: string, path?: string): string {
  const file = path ?? fileURLToPath(new URL(`../../contracts/${name}/index${EXT}`, import.meta.url));
  if (!existsSync(file)) {
    throw new ConsortiaError(
      'UNKNOWN_CONTRACT',
      `contract ${name} has no module at ${file}; give its path in the network config`,
      { contract: name },
    );
  }
  return file;
}

/** Names of the built-in contracts shipped under `contracts/`. */
export function builtinContracts(): string[] {
  const dir = fileURLToPath(new URL('../../contracts/', import.meta.url));
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`${dir}${d.name}/index${EXT}`))
    .map((d) => d.name)
    .sort();
}
