import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes a directory tree holds: file sizes, and the blocks the file system allocated. */
export interface DiskUsage {
  /** Sum of file sizes (what `du --apparent-size` reports). */
  readonly bytes: number;
  /** Sum of allocated blocks × 512 (what `du` reports; LMDB files may be sparse). */
  readonly allocatedBytes: number;
  readonly files: number;
}

/**
 * The disk usage of every regular file under `dir` (symbolic links are not followed). A
 * missing directory counts as empty.
 *
 * @example
 * diskUsage('data/TelcoA/peer0/ledgers/telecom').bytes
 */
export function diskUsage(dir: string): DiskUsage {
  let bytes = 0;
  let allocatedBytes = 0;
  let files = 0;
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) {
        bytes += st.size;
        allocatedBytes += st.blocks * 512;
        files++;
      }
    }
  };
  walk(dir);
  return { bytes, allocatedBytes, files };
}
