import { ConsortiaError } from '../../common/index.js';

/**
 * One entry of a channel's ordering log in etcd (one put). A batch carries envelopes in the
 * order the writing orderer accepted them; a cut marker asks every orderer to cut block `block`
 * now (the batch timeout expired). `ts` is the writer's clock (ms): block timestamps are taken
 * from the log, so every orderer stamps a block alike.
 */
export type LogEntry =
  | { readonly kind: 'batch'; readonly ts: number; readonly envelopes: readonly Uint8Array[] }
  | { readonly kind: 'cut'; readonly ts: number; readonly block: number };

const MAGIC = 0xc0;
const VERSION = 1;
const KIND_BATCH = 1;
const KIND_CUT = 2;
/** Header: magic, version, kind, 8-byte timestamp. */
const HEADER = 11;

function malformed(why: string): ConsortiaError {
  return new ConsortiaError('MALFORMED_LOG_ENTRY', `the ordering log entry is malformed: ${why}`);
}

/**
 * Encodes a log entry: a fixed header, then for a batch a 4-byte count and each envelope with a
 * 4-byte length, for a cut marker an 8-byte block number. Big-endian throughout.
 *
 * @example
 * await etcd.put(key).value(Buffer.from(encodeLogEntry({ kind: 'batch', ts: Date.now(), envelopes })));
 */
export function encodeLogEntry(entry: LogEntry): Uint8Array {
  const size =
    entry.kind === 'batch'
      ? HEADER + 4 + entry.envelopes.reduce((n, e) => n + 4 + e.byteLength, 0)
      : HEADER + 8;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = MAGIC;
  out[1] = VERSION;
  out[2] = entry.kind === 'batch' ? KIND_BATCH : KIND_CUT;
  view.setBigUint64(3, BigInt(Math.max(0, Math.trunc(entry.ts))));
  if (entry.kind === 'cut') {
    view.setBigUint64(HEADER, BigInt(entry.block));
    return out;
  }
  view.setUint32(HEADER, entry.envelopes.length);
  let at = HEADER + 4;
  for (const e of entry.envelopes) {
    view.setUint32(at, e.byteLength);
    out.set(e, at + 4);
    at += 4 + e.byteLength;
  }
  return out;
}

/**
 * Decodes a log entry; throws MALFORMED_LOG_ENTRY for anything that is not exactly one entry.
 * Envelopes are views into `bytes`.
 *
 * @example
 * const entry = decodeLogEntry(kv.value);
 */
export function decodeLogEntry(bytes: Uint8Array): LogEntry {
  if (bytes.byteLength < HEADER) throw malformed('too short');
  if (bytes[0] !== MAGIC || bytes[1] !== VERSION) throw malformed('unknown magic or version');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ts = view.getBigUint64(3);
  if (ts > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed('timestamp out of range');
  if (bytes[2] === KIND_CUT) {
    if (bytes.byteLength !== HEADER + 8) throw malformed('a cut marker has 19 bytes');
    const block = view.getBigUint64(HEADER);
    if (block > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed('block number out of range');
    return { kind: 'cut', ts: Number(ts), block: Number(block) };
  }
  if (bytes[2] !== KIND_BATCH) throw malformed(`unknown kind ${bytes[2]}`);
  if (bytes.byteLength < HEADER + 4) throw malformed('batch without a count');
  const count = view.getUint32(HEADER);
  const envelopes: Uint8Array[] = [];
  let at = HEADER + 4;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.byteLength) throw malformed(`envelope ${i} has no length`);
    const len = view.getUint32(at);
    if (at + 4 + len > bytes.byteLength) throw malformed(`envelope ${i} runs past the end`);
    envelopes.push(bytes.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  if (at !== bytes.byteLength) throw malformed('trailing bytes');
  return { kind: 'batch', ts: Number(ts), envelopes };
}
