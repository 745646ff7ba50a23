import type { KeyObject } from 'node:crypto';
import { publicKeyFrom, verifyBytes } from '../crypto/index.js';

/**
 * One batch of signature checks, packed for a worker thread: the distinct public keys (SPKI
 * DER), and per check its key index, its 64-byte signature and its data (a slice of `data`
 * between two offsets).
 */
export interface VerifyTask {
  readonly keys: readonly Uint8Array[];
  readonly keyIndex: Uint16Array;
  /** n + 1 offsets into `data`. */
  readonly offsets: Uint32Array;
  readonly data: Uint8Array;
  /** n × 64 bytes. */
  readonly signatures: Uint8Array;
}

const MAX_CACHED_KEYS = 4096;
const keys = new Map<string, KeyObject>();

function keyOf(spki: Uint8Array): KeyObject {
  const id = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString('base64');
  let key = keys.get(id);
  if (key === undefined) {
    key = publicKeyFrom(spki);
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    keys.set(id, key);
  }
  return key;
}

/**
 * Worker-thread side of the signature verifier: checks every signature of a batch with
 * `verifyBytes` and answers one byte per check (1 valid, 0 not). A key that does not parse
 * fails its checks.
 *
 * @example
 * verifyBatch({ keys: [spki], keyIndex: Uint16Array.of(0), offsets: Uint32Array.of(0, data.length), data, signatures: sig })
 */
export default function verifyBatch(task: VerifyTask): Uint8Array {
  const n = task.keyIndex.length;
  const out = new Uint8Array(n);
  const parsed: (KeyObject | null)[] = task.keys.map((spki) => {
    try {
      return keyOf(spki);
    } catch {
      return null;
    }
  });
  for (let i = 0; i < n; i++) {
    const key = parsed[task.keyIndex[i]!];
    if (!key) continue;
    const data = task.data.subarray(task.offsets[i]!, task.offsets[i + 1]!);
    const sig = task.signatures.subarray(i * 64, i * 64 + 64);
    out[i] = verifyBytes(key, data, sig) ? 1 : 0;
  }
  return out;
}
