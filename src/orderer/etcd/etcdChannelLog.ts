import { randomUUID } from 'node:crypto';
import type { Etcd3, Watcher } from 'etcd3';
import { ConsortiaError, fromUtf8 } from '../../common/index.js';

/** One orderer's signature on a block header, as published in etcd. */
export interface PublishedSignature {
  /** Hex SHA-256 of the header bytes signed. */
  readonly hash: string;
  /** Identity bytes of the signer (base64). */
  readonly signer: string;
  /** Signature over blockSigningBytes(header, signer) (base64). */
  readonly signature: string;
}

/** How far an orderer has stored blocks: its height and where its log reading resumes. */
export interface OrdererProgress {
  readonly orderer: string;
  readonly mspId: string;
  readonly height: number;
  readonly rev: string;
  /** Envelopes of the entry at `rev` already in blocks. */
  readonly index?: number;
}

function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

const pad = (n: number) => String(n).padStart(16, '0');

/**
 * A channel's keys in etcd: the ordering log (`log/`, one key per put, ordered by etcd's
 * revision), the orderers' block signatures (`sig/<block>/<orderer>`) and their progress
 * (`progress/<orderer>`), all under `<prefix>/<channel>/`.
 *
 * @example
 * const log = new EtcdChannelLog({ client, prefix: '/consortia', channel: 'telecom' });
 * await log.append(encodeLogEntry(entry));
 */
export class EtcdChannelLog {
  readonly #client: Etcd3;
  readonly #base: string;

  constructor(opts: Readonly<{ client: Etcd3; prefix: string; channel: string }>) {
    this.#client = opts.client;
    this.#base = `${opts.prefix}/${opts.channel}/`;
  }

  get #log(): string {
    return `${this.#base}log/`;
  }

  /** Appends one entry; its revision is its place in the global order. */
  async append(entry: Uint8Array, deadlineMs = 10_000): Promise<void> {
    await this.#client
      .put(`${this.#log}${randomUUID()}`)
      .value(Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength))
      .options({ deadline: Date.now() + deadlineMs });
  }

  /** Log entries with revision >= `from`, in revision order (at most `limit`). */
  async read(from: bigint, limit = 256): Promise<{ rev: bigint; value: Uint8Array }[]> {
    const key = Buffer.from(this.#log);
    const res = await this.#client.kv.range({
      key,
      range_end: prefixEnd(key),
      min_mod_revision: from.toString(),
      sort_target: 'Mod',
      sort_order: 'Ascend',
      limit,
    });
    return res.kvs.map((kv) => ({ rev: BigInt(kv.mod_revision), value: new Uint8Array(kv.value) }));
  }

  /** Publishes this orderer's signature on block `block`. */
  async putSignature(block: number, orderer: string, sig: PublishedSignature): Promise<void> {
    await this.#client.put(`${this.#base}sig/${pad(block)}/${orderer}`).value(JSON.stringify(sig));
  }

  /** Every signature published for block `block` (malformed values are left out). */
  async signatures(block: number): Promise<PublishedSignature[]> {
    const values = await this.#client
      .getAll()
      .prefix(`${this.#base}sig/${pad(block)}/`)
      .buffers();
    const out: PublishedSignature[] = [];
    for (const v of Object.values(values)) {
      try {
        const s = JSON.parse(fromUtf8(v)) as PublishedSignature;
        if (typeof s.hash === 'string' && typeof s.signer === 'string' && typeof s.signature === 'string')
          out.push(s);
      } catch {
        // a malformed signature counts for nothing
      }
    }
    return out;
  }

  async putProgress(p: OrdererProgress): Promise<void> {
    await this.#client.put(`${this.#base}progress/${p.orderer}`).value(JSON.stringify(p));
  }

  async progress(): Promise<OrdererProgress[]> {
    const values = await this.#client.getAll().prefix(`${this.#base}progress/`).buffers();
    const out: OrdererProgress[] = [];
    for (const v of Object.values(values)) {
      try {
        out.push(JSON.parse(fromUtf8(v)) as OrdererProgress);
      } catch {
        // ignore
      }
    }
    return out;
  }

  /**
   * Deletes log entries below revision `beforeRev` and signatures of blocks below `beforeBlock`,
   * then compacts etcd's history up to `beforeRev`. Returns how many keys were deleted.
   */
  async compact(beforeRev: bigint, beforeBlock: number): Promise<number> {
    if (beforeRev <= 1n) return 0;
    const key = Buffer.from(this.#log);
    const old = await this.#client.kv.range({
      key,
      range_end: prefixEnd(key),
      max_mod_revision: (beforeRev - 1n).toString(),
      keys_only: true,
    });
    let deleted = 0;
    for (const kv of old.kvs) {
      await this.#client.delete().key(kv.key);
      deleted++;
    }
    if (beforeBlock > 0) {
      const start = Buffer.from(`${this.#base}sig/`);
      const end = Buffer.from(`${this.#base}sig/${pad(beforeBlock)}`);
      const r = await this.#client.delete().inRange({ start, end });
      deleted += Number(r.deleted);
    }
    try {
      await this.#client.kv.compact({ revision: beforeRev.toString() });
    } catch {
      // already compacted further (another orderer did it)
    }
    return deleted;
  }

  /** Calls `onChange` on every change under the channel's keys; returns a function that stops. */
  async watch(onChange: () => void): Promise<() => Promise<void>> {
    const watcher: Watcher = await this.#client.watch().prefix(this.#base).create();
    watcher.on('put', onChange);
    watcher.on('delete', onChange);
    watcher.on('connected', onChange);
    watcher.on('error', () => undefined);
    return () => watcher.cancel();
  }
}

/** An UNAVAILABLE error wrapping an etcd client failure. */
export function etcdUnavailable(err: unknown, what: string): ConsortiaError {
  return new ConsortiaError(
    'UNAVAILABLE',
    `etcd is unavailable while ${what}: ${(err as Error).message}; retry on another orderer`,
    undefined,
    { cause: err },
  );
}
