import fs from 'node:fs';
import { ConsortiaError } from '../common/index.js';
import { LedgerErrorCodes } from './errors.js';

/** The LMDB data file of a ledger directory. */
export const INDEX_FILE = 'ledger.mdb';
/** The folder of segment files. */
export const BLOCKS_DIR = 'blocks';
const KNOWN_ENTRIES = new Set([INDEX_FILE, `${INDEX_FILE}-lock`, BLOCKS_DIR, 'LOCK']);

/**
 * Creates a new ledger directory, or checks that an existing one can be a ledger: it must be a
 * directory holding a ledger index or block files, or nothing else. Throws LEDGER_CORRUPT.
 */
export function prepareDir(dir: string): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (stat === undefined) {
    fs.mkdirSync(dir, { recursive: true });
    return;
  }
  const notLedger = (why: string) =>
    new ConsortiaError(
      LedgerErrorCodes.LEDGER_CORRUPT,
      `${dir} is not a Consortia ledger directory (${why}); choose an empty or new directory`,
      { file: dir },
    );
  if (!stat.isDirectory()) throw notLedger('not a directory');
  const entries = fs.readdirSync(dir);
  if (
    !entries.includes(INDEX_FILE) &&
    !entries.includes(BLOCKS_DIR) &&
    entries.some((e) => !KNOWN_ENTRIES.has(e))
  ) {
    throw notLedger('it holds other files');
  }
}
