import type { KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { verifyBytes } from '../crypto/index.js';
import type { VerifyTask } from './signatureVerifierWorker.js';

/** One signature to check: `signature` over `data` with `key` (verifyBytes semantics). */
export interface SignatureCheck {
  readonly key: KeyObject;
  readonly data: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * Checks ECDSA P-256 signatures, possibly off the calling thread. Answers are exactly those of
 * `verifyBytes` (64-byte low-S P1363 over SHA-256 of the data).
 */
export interface SignatureVerifier {
  /** One answer per check, in order: true where the signature is valid. */
  verifyAll(checks: readonly SignatureCheck[]): Promise<boolean[]>;
  /** One check; checks made in the same tick travel together. */
  verify(check: SignatureCheck): Promise<boolean>;
}

/** Checks signatures in the calling thread. */
export const inlineVerifier: SignatureVerifier = {
  verifyAll: (checks) => Promise.resolve(checks.map((c) => verifyBytes(c.key, c.data, c.signature))),
  verify: (c) => Promise.resolve(verifyBytes(c.key, c.data, c.signature)),
};

export interface WorkerSignatureVerifierOptions {
  /** Worker threads (default: the machine's available parallelism). */
  readonly threads?: number;
  /** Batches smaller than this are checked in the calling thread (default 2). */
  readonly minBatch?: number;
  /** A batch is split over threads in chunks of at least this many checks (default 16). */
  readonly minChunk?: number;
}

const spkiCache = new WeakMap<KeyObject, Uint8Array>();

function spkiOf(key: KeyObject): Uint8Array {
  let der = spkiCache.get(key);
  if (der === undefined) {
    der = new Uint8Array(key.export({ type: 'spki', format: 'der' }));
    spkiCache.set(key, der);
  }
  return der;
}

/** Packs checks into one transferable task; checks whose signature is not 64 bytes are left out (invalid). */
function pack(checks: readonly SignatureCheck[]): { task: VerifyTask; transfer: ArrayBuffer[] } {
  const n = checks.length;
  const keyIds = new Map<KeyObject, number>();
  const keys: Uint8Array[] = [];
  const keyIndex = new Uint16Array(n);
  const offsets = new Uint32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = checks[i]!;
    let k = keyIds.get(c.key);
    if (k === undefined) {
      k = keys.length;
      keyIds.set(c.key, k);
      keys.push(spkiOf(c.key));
    }
    keyIndex[i] = k;
    offsets[i] = total;
    total += c.data.byteLength;
  }
  offsets[n] = total;
  const data = new Uint8Array(total);
  const signatures = new Uint8Array(n * 64);
  for (let i = 0; i < n; i++) {
    const c = checks[i]!;
    data.set(c.data, offsets[i]!);
    signatures.set(c.signature, i * 64);
  }
  return {
    task: { keys, keyIndex, offsets, data, signatures },
    transfer: [keyIndex.buffer, offsets.buffer, data.buffer, signatures.buffer] as ArrayBuffer[],
  };
}

/**
 * Checks signatures in a pool of worker threads (piscina), in batches: the validator sends all
 * signatures of a block at once, and single checks made in one tick are sent together. Keys
 * travel as SPKI DER and are parsed once per worker. Idle workers do not keep the process alive.
 *
 * @example
 * const verifier = new WorkerSignatureVerifier({ threads: 2 });
 * const ok = await verifier.verifyAll([{ key, data, signature }]);
 */
export class WorkerSignatureVerifier implements SignatureVerifier {
  readonly #threads: number;
  readonly #minBatch: number;
  readonly #minChunk: number;
  #pool: Piscina | undefined;
  #pending: { check: SignatureCheck; resolve: (ok: boolean) => void; reject: (e: unknown) => void }[] = [];
  #flushScheduled = false;
  #stats = { inThread: 0, inWorkers: 0, workerFailures: 0 };

  constructor(opts: Readonly<WorkerSignatureVerifierOptions> = {}) {
    this.#threads = Math.max(1, Math.floor(opts.threads ?? availableParallelism()));
    this.#minBatch = Math.max(1, opts.minBatch ?? 2);
    this.#minChunk = Math.max(1, opts.minChunk ?? 16);
  }

  #getPool(): Piscina {
    if (this.#pool === undefined) {
      const self = import.meta.url;
      const ext = path.extname(fileURLToPath(self));
      this.#pool = new Piscina({
        filename: fileURLToPath(new URL(`./signatureVerifierWorker${ext}`, self)),
        minThreads: this.#threads,
        maxThreads: this.#threads,
        recordTiming: false,
        ...(/\.[mc]?ts$/.test(ext) ? { execArgv: tsxExecArgv() } : {}),
      });
      this.#pool.on('error', () => undefined);
    }
    return this.#pool;
  }

  async verifyAll(checks: readonly SignatureCheck[]): Promise<boolean[]> {
    const valid = checks.map((c) => c.signature.byteLength === 64);
    const send: SignatureCheck[] = [];
    const at: number[] = [];
    checks.forEach((c, i) => {
      if (valid[i]) {
        send.push(c);
        at.push(i);
      }
    });
    if (send.length < this.#minBatch) {
      this.#stats.inThread += send.length;
      return checks.map((c, i) => valid[i]! && verifyBytes(c.key, c.data, c.signature));
    }
    const chunks = Math.max(1, Math.min(this.#threads, Math.floor(send.length / this.#minChunk)));
    const size = Math.ceil(send.length / chunks);
    let parts: Uint8Array[];
    try {
      const pool = this.#getPool();
      parts = await Promise.all(
        Array.from({ length: chunks }, (_, j) => {
          const { task, transfer } = pack(send.slice(j * size, (j + 1) * size));
          return pool.run(task, { transferList: transfer }) as Promise<Uint8Array>;
        }),
      );
    } catch {
      // A worker that cannot start or dies must not change a verdict: check here instead.
      this.#stats.workerFailures++;
      this.#stats.inThread += send.length;
      return checks.map((c, i) => valid[i]! && verifyBytes(c.key, c.data, c.signature));
    }
    this.#stats.inWorkers += send.length;
    const out = new Array<boolean>(checks.length).fill(false);
    let k = 0;
    for (const part of parts) for (const r of part) out[at[k++]!] = r === 1;
    return out;
  }

  /** Signatures checked so far in this thread and in workers, and batches a worker failed. */
  /** Use of the worker pool, for metrics: threads, queued tasks and busy share (0..1). */
  poolStats(): { threads: number; queueSize: number; utilization: number } {
    return {
      threads: this.#threads,
      queueSize: this.#pool?.queueSize ?? 0,
      utilization: this.#pool?.utilization ?? 0,
    };
  }

  get stats(): Readonly<{ inThread: number; inWorkers: number; workerFailures: number }> {
    return { ...this.#stats };
  }

  verify(check: SignatureCheck): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ check, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    const batch = this.#pending;
    this.#pending = [];
    this.#flushScheduled = false;
    this.verifyAll(batch.map((b) => b.check)).then(
      (res) => {
        for (const [i, b] of batch.entries()) b.resolve(res[i]!);
      },
      (err: unknown) => {
        for (const b of batch) b.reject(err);
      },
    );
  }

  /** Stops the worker threads; later checks start a new pool. */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.destroy();
  }
}

let shared: WorkerSignatureVerifier | undefined;

/**
 * The process-wide verifier every peer and orderer of this process shares, so that an
 * embedded network runs one pool sized to the machine rather than one per node.
 *
 * @example
 * const ok = await sharedSignatureVerifier().verify({ key, data, signature });
 */
export function sharedSignatureVerifier(): SignatureVerifier {
  shared ??= new WorkerSignatureVerifier();
  return shared;
}

/** Worker options to load the TypeScript worker from source through tsx (development and tests). */
function tsxExecArgv(): string[] {
  const req = createRequire(import.meta.url);
  return ['--require', req.resolve('tsx/cjs')];
}
