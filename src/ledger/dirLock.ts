import fs from 'node:fs';
import path from 'node:path';
import { ConsortiaError } from '../common/index.js';
import { LedgerErrorCodes } from './errors.js';

const LOCK_FILE = 'LOCK';

/** Ledger directories opened by this process (a pid check cannot tell two of them apart). */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockedError(dir: string, pid: number): ConsortiaError {
  return new ConsortiaError(
    LedgerErrorCodes.LEDGER_LOCKED,
    `ledger directory ${dir} is in use by process ${pid}; stop it first (or delete ${LOCK_FILE} if no such process uses it)`,
    { dir, pid },
  );
}

/**
 * Takes the lock of a ledger directory for this process: a `LOCK` file holding the pid. A lock
 * left by a process that is gone (crash, SIGKILL) is taken over. Returns the release function.
 */
export function acquireDirLock(dir: string): () => void {
  const real = fs.realpathSync(dir);
  if (heldHere.has(real)) throw lockedError(dir, process.pid);
  const file = path.join(dir, LOCK_FILE);
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    // Our own pid in a lock we do not hold here is a leftover from an earlier process with the same
    // pid (a restarted container), so it is stale as well.
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw lockedError(dir, pid);
    }
    fd = fs.openSync(file, 'w');
  }
  try {
    fs.writeSync(fd, String(process.pid));
  } finally {
    fs.closeSync(fd);
  }
  heldHere.add(real);
  return () => {
    heldHere.delete(real);
    try {
      fs.unlinkSync(file);
    } catch {
      // Already gone: nothing to release.
    }
  };
}
