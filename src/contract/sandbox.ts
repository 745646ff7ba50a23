import nodeCrypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { ConsortiaError } from '../common/index.js';
import { ContractErrorCodes } from './errors.js';

const INSTALLED = Symbol.for('consortia.contract.sandbox');

/**
 * Makes the current thread unable to read the clock or randomness, so contracts stay
 * deterministic: `Date.now()`, `new Date()` (no arguments), `Date()`, `Math.random()`,
 * `crypto.getRandomValues()`, `crypto.randomUUID()`, `performance.now()`, `process.hrtime()`
 * (and `node:crypto`'s random functions) throw `NONDETERMINISM`. `new Date(x)`, `Date.UTC` and
 * `Date.parse` keep working. Install it once, in a contract worker, before loading contracts;
 * never in a thread that runs anything else. Installing twice does nothing.
 *
 * `globalThis.Date` becomes a constructor that derives from the original (it shares
 * `Date.prototype`, so `instanceof Date` holds for every date, also those made by Node itself).
 *
 * @example
 * installDeterminismSandbox();
 * new Date(0).toISOString(); // '1970-01-01T00:00:00.000Z'
 * Date.now(); // throws ConsortiaError NONDETERMINISM
 */
export function installDeterminismSandbox(): void {
  const g = globalThis as typeof globalThis & { [INSTALLED]?: boolean };
  if (g[INSTALLED]) return;
  g[INSTALLED] = true;

  const OriginalDate = globalThis.Date;
  const SandboxDate = function SandboxDate(this: unknown, ...args: unknown[]) {
    if (new.target === undefined) throw clock('Date()');
    if (args.length === 0) throw clock('new Date()');
    return Reflect.construct(OriginalDate, args, new.target);
  } as unknown as DateConstructor;
  Object.defineProperties(SandboxDate, {
    prototype: { value: OriginalDate.prototype, writable: false },
    length: { value: 7 },
    name: { value: 'Date' },
    UTC: { value: OriginalDate.UTC, writable: true, configurable: true },
    parse: { value: OriginalDate.parse, writable: true, configurable: true },
    now: { value: thrower(() => clock('Date.now()')), writable: true, configurable: true },
  });
  // So that `new (someDate.constructor)()` cannot reach the real clock.
  Object.defineProperty(OriginalDate.prototype, 'constructor', {
    value: SandboxDate,
    writable: true,
    configurable: true,
  });
  globalThis.Date = SandboxDate;

  replace(Math, 'random', () => random('Math.random()'));
  replace(globalThis.crypto, 'getRandomValues', () => random('crypto.getRandomValues()'));
  replace(globalThis.crypto, 'randomUUID', () => random('crypto.randomUUID()'));
  replace(globalThis.performance, 'now', () => clock('performance.now()'));
  const hrtime = thrower(() => clock('process.hrtime()')) as unknown as NodeJS.HRTime;
  hrtime.bigint = thrower(() => clock('process.hrtime.bigint()'));
  process.hrtime = hrtime;

  // node:crypto's own random functions, also for `import { randomBytes } from 'node:crypto'`.
  // (its getRandomValues is not replaceable, but it calls the global crypto's, replaced above)
  for (const fn of ['randomBytes', 'randomFill', 'randomFillSync', 'randomInt', 'randomUUID']) {
    replace(nodeCrypto, fn, () => random(`crypto.${fn}()`));
  }
  syncBuiltinESMExports();
}

function clock(api: string): ConsortiaError {
  return new ConsortiaError(
    ContractErrorCodes.NONDETERMINISM,
    `contracts cannot read the clock; use ctx.timestamp (${api})`,
    {
      api,
    },
  );
}

function random(api: string): ConsortiaError {
  return new ConsortiaError(
    ContractErrorCodes.NONDETERMINISM,
    `contracts cannot use randomness; derive values from ctx.txId or the arguments (${api})`,
    { api },
  );
}

function thrower(make: () => Error): () => never {
  return () => {
    throw make();
  };
}

function replace(target: object | undefined, name: string, make: () => Error): void {
  if (target === undefined) return;
  const descriptor = Object.getOwnPropertyDescriptor(target, name);
  if (descriptor !== undefined && !descriptor.configurable) {
    if (descriptor.writable) (target as Record<string, unknown>)[name] = thrower(make);
    return;
  }
  Object.defineProperty(target, name, { value: thrower(make), writable: true, configurable: true });
}
