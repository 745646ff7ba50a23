import pino from 'pino';
import { type Logger, toConsortiaError } from '../common/index.js';

/** Prints one clear line for an error and sets a non-zero exit code. */
export function fail(err: unknown): never {
  const e = toConsortiaError(err);
  process.stderr.write(`error ${e.code}: ${e.message}\n`);
  process.exit(1);
}

/** Runs a command action, turning any error into one line on stderr and exit code 1. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      fail(err);
    }
  };
}

/** A pino logger: JSON lines by default, or readable lines with `pretty`. */
export function createLogger(level: string, format: 'json' | 'pretty'): Logger {
  if (format === 'pretty') {
    return pino(
      { level },
      pino.transport({ target: 'pino-pretty', options: { colorize: process.stderr.isTTY, destination: 2 } }),
    ) as unknown as Logger;
  }
  return pino({ level }, pino.destination(2)) as unknown as Logger;
}
