import { randomBytes } from 'node:crypto';
import { utf8 } from '../../common/index.js';
import { sha256Hex } from '../../crypto/index.js';
import { REGISTER_CONTRACT } from './benchNetwork.js';

export const WORKLOADS = ['transfer', 'register', 'hot'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** One operation a workload asks a client to run. */
export interface BenchOp {
  /** `submit` is endorsed, ordered and committed; `evaluate` is a query on one peer. */
  readonly kind: 'submit' | 'evaluate';
  /** Wallet identity that signs, e.g. `TelcoA.admin`. */
  readonly identity: string;
  readonly contract: string;
  readonly fn: string;
  readonly args: Record<string, unknown>;
  /** Told how the operation ended, so the workload can free or update what it used. */
  readonly done: (outcome: OpOutcome) => void;
}

/** How an operation ended: committed valid (with its result), or failed with a code. */
export type OpOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly code: string };

/** Runs setup operations (not measured) through the network. */
export type SetupRunner = (ops: readonly BenchOp[], label: string) => Promise<void>;

/** A benchmark workload: what to set up before the measured window, then what to send. */
export interface Workload {
  readonly name: WorkloadName;
  /** The contract whose endorsement policy sets the topology. */
  readonly contract: string;
  /** Setup before the measured window (registrations, assets); its transactions are not counted. */
  setup(run: SetupRunner): Promise<void>;
  /** The next operation, or undefined when nothing is free right now (the arrival is skipped). */
  next(): BenchOp | undefined;
}

export interface WorkloadOptions {
  /** How many independent keys (numbers, assets) the workload can keep in flight at once. */
  readonly poolSize: number;
  /** `hot`: share of writes that go to the few hot keys (0–1). */
  readonly hotKeyShare?: number;
  /** `hot`: share of operations that are reads (evaluate readAsset), 0–1. */
  readonly readShare?: number;
  /** `hot`: how many hot keys there are. */
  readonly hotKeyCount?: number;
  /** Seed of the workload's pseudo-random choices. */
  readonly seed?: number;
  /** Prefix of keys, so that runs on one data dir do not collide; random by default. */
  readonly tag?: string;
}

const TELCOS = ['TelcoA', 'TelcoB', 'TelcoC'] as const;
const CLIENT_IDENTITIES = [
  'TelcoA.admin',
  'TelcoB.admin',
  'TelcoC.admin',
  'Regulator.admin',
  'TelcoA.user1',
  'TelcoB.user1',
  'TelcoC.user1',
  'Regulator.user1',
];

/**
 * A small seeded PRNG (mulberry32), so a workload's choices repeat from run to run.
 *
 * @example
 * const rand = seededRandom(1); rand() // a number in [0, 1), the same for every run
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function newTag(): string {
  return randomBytes(3).toString('hex');
}

/**
 * Builds a workload.
 *
 * @example
 * const w = createWorkload('transfer', { poolSize: 256 });
 * await w.setup(runOps);
 * const op = w.next();
 */
export function createWorkload(name: WorkloadName, opts: Readonly<WorkloadOptions>): Workload {
  switch (name) {
    case 'transfer':
      return transferWorkload(opts);
    case 'register':
      return registerWorkload(opts);
    case 'hot':
      return hotWorkload(opts);
  }
}

/** The contract and function of the `register` workload (a blind put of one key). */
export const REGISTER_OP = { contract: REGISTER_CONTRACT.name, fn: 'register' } as const;

/**
 * The document hash the `register` workload registers as its n-th operation of run `tag`:
 * SHA-256 of `bench:<tag>:<n>`, so hashes look random, never repeat within a run (nor, with
 * distinct tags, across runs on one data dir), and are the same for the same tag.
 *
 * @example
 * registerHash('t', 0) // 64 lowercase hex characters
 */
export function registerHash(tag: string, n: number): string {
  return sha256Hex(utf8(`bench:${tag}:${n}`));
}

/**
 * `register`: put-only, the proof-registration shape. Each operation is proof-registry
 * `register` of a fresh document hash: one blind write (no read, so it never conflicts), no
 * result and no event, signed by identities of all four orgs in turn.
 */
function registerWorkload(opts: Readonly<WorkloadOptions>): Workload {
  const tag = opts.tag ?? newTag();
  let seq = 0;
  const op = (): BenchOp => {
    const n = seq++;
    return {
      kind: 'submit',
      identity: CLIENT_IDENTITIES[n % CLIENT_IDENTITIES.length]!,
      ...REGISTER_OP,
      args: { hash: registerHash(tag, n) },
      done: () => undefined,
    };
  };
  return {
    name: 'register',
    contract: REGISTER_OP.contract,
    async setup(run) {
      // Warm-up: loads the contract in its worker and fills the identity caches.
      await run(
        Array.from({ length: 16 }, () => op()),
        'warm-up',
      );
    },
    next: op,
  };
}

interface NumberState {
  readonly number: string;
  carrier: string;
  openRequest: string | null;
  recipient: string | null;
}

/**
 * `transfer`: number portability. A pool of numbers is registered by the Regulator before the
 * window; then each operation takes a free number and either files a port request (as a telco
 * that does not hold it) or confirms the open one (as the donor that holds it), so every
 * number cycles request → confirm → request … between the three telcos. A number is in at most
 * one operation at a time, so operations never conflict.
 */
function transferWorkload(opts: Readonly<WorkloadOptions>): Workload {
  const tag = opts.tag ?? String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  const rand = seededRandom(opts.seed ?? 1);
  const numbers: NumberState[] = [];
  const free: NumberState[] = [];
  const data = randomBytes(96).toString('base64');
  const hash = randomBytes(32).toString('hex');
  for (let i = 0; i < opts.poolSize; i++) {
    numbers.push({
      number: `+88${tag}${String(i).padStart(7, '0')}`,
      carrier: TELCOS[i % TELCOS.length]!,
      openRequest: null,
      recipient: null,
    });
  }
  const release = (n: NumberState) => free.push(n);
  const opFor = (n: NumberState): BenchOp => {
    if (n.openRequest !== null) {
      const requestId = n.openRequest;
      return {
        kind: 'submit',
        identity: `${n.carrier}.admin`,
        contract: 'number-portability',
        fn: 'confirmPort',
        args: { requestId },
        done: (o) => {
          if (!o.ok) return; // state unknown after a failure: the number is retired
          n.carrier = n.recipient ?? n.carrier;
          n.openRequest = null;
          n.recipient = null;
          release(n);
        },
      };
    }
    const others = TELCOS.filter((t) => t !== n.carrier);
    const recipient = others[Math.floor(rand() * others.length)]!;
    return {
      kind: 'submit',
      identity: `${recipient}.admin`,
      contract: 'number-portability',
      fn: 'requestPort',
      args: { number: n.number, encryptedCustomerData: data, contractHash: hash },
      done: (o) => {
        if (!o.ok) return;
        const id = (o.result as { requestId?: unknown } | null)?.requestId;
        if (typeof id !== 'string') return;
        n.openRequest = id;
        n.recipient = recipient;
        release(n);
      },
    };
  };
  return {
    name: 'transfer',
    contract: 'number-portability',
    async setup(run) {
      await run(
        numbers.map((n) => ({
          kind: 'submit',
          identity: 'Regulator.admin',
          contract: 'number-portability',
          fn: 'registerNumber',
          args: { number: n.number, carrier: n.carrier },
          done: (o) => {
            if (o.ok) release(n);
          },
        })),
        'registering numbers',
      );
    },
    next() {
      const n = free.shift();
      return n && opFor(n);
    },
  };
}

/**
 * `hot`: asset-registry reads (`readAsset`, evaluated) and writes (`updateValue`, submitted).
 * A share `hotKeyShare` of the writes goes to a few hot assets, so concurrent writes conflict
 * (MVCC_READ_CONFLICT); the other writes take a cold asset no other operation is using.
 */
function hotWorkload(opts: Readonly<WorkloadOptions>): Workload {
  const tag = opts.tag ?? newTag();
  const rand = seededRandom(opts.seed ?? 1);
  const hotShare = opts.hotKeyShare ?? 0.1;
  const readShare = opts.readShare ?? 0.5;
  const hotKeys = Array.from({ length: opts.hotKeyCount ?? 4 }, (_, i) => `h-${tag}-hot-${i}`);
  const coldKeys = Array.from({ length: opts.poolSize }, (_, i) => `h-${tag}-c-${i}`);
  const freeCold: string[] = [];
  const writers = ['TelcoA.admin', 'TelcoA.user1'];
  let seq = 0;
  const update = (id: string, after: () => void): BenchOp => ({
    kind: 'submit',
    identity: writers[seq % writers.length]!,
    contract: 'asset-registry',
    fn: 'updateValue',
    args: { id, value: seq++ },
    done: after,
  });
  return {
    name: 'hot',
    contract: 'asset-registry',
    async setup(run) {
      // Assets are created by TelcoA, so TelcoA's identities may update them.
      await run(
        [...hotKeys, ...coldKeys].map((id) => ({
          kind: 'submit',
          identity: 'TelcoA.admin',
          contract: 'asset-registry',
          fn: 'createAsset',
          args: { id, owner: 'bench', value: 0 },
          done: (o) => {
            if (o.ok && !hotKeys.includes(id)) freeCold.push(id);
          },
        })),
        'creating assets',
      );
    },
    next() {
      const r = rand();
      if (r < readShare) {
        const all = hotKeys.length + coldKeys.length;
        const i = Math.floor(rand() * all);
        return {
          kind: 'evaluate',
          identity: CLIENT_IDENTITIES[seq++ % CLIENT_IDENTITIES.length]!,
          contract: 'asset-registry',
          fn: 'readAsset',
          args: { id: i < hotKeys.length ? hotKeys[i]! : coldKeys[i - hotKeys.length]! },
          done: () => undefined,
        };
      }
      if (rand() < hotShare) {
        const id = hotKeys[Math.floor(rand() * hotKeys.length)]!;
        return update(id, () => undefined);
      }
      const id = freeCold.shift();
      if (id === undefined) return undefined;
      return update(id, () => freeCold.push(id));
    },
  };
}
