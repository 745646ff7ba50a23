import { sign, verify } from 'node:crypto';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { generateKeyPair } from '../../crypto/index.js';

/** Who signs and verifies what for one transaction, in one network topology. */
export interface Topology {
  /** Endorsements one transaction carries (the endorsement policy's smallest signer set). */
  readonly endorsers: number;
  /** Committing peers of the channel (each validates every transaction). */
  readonly peers: number;
  /** Orderer nodes that check each envelope. */
  readonly orderers: number;
}

/** The P-256 cost of one transaction in a topology. */
export interface SignatureCost {
  /**
   * ECDSA verifications per transaction: each endorser verifies the proposal signature, each
   * orderer the envelope signature, and each peer the envelope signature and every
   * endorsement. Block signatures (one per peer per block) are amortised over the block and
   * left out.
   */
  readonly verifiesPerTx: number;
  /** Signatures made per transaction: the client signs the proposal and the envelope, each endorser its response. */
  readonly signsPerTx: number;
}

/**
 * The signatures one transaction costs in a topology.
 *
 * @example
 * signatureCost({ endorsers: 3, peers: 4, orderers: 1 }) // { verifiesPerTx: 20, signsPerTx: 5 }
 */
export function signatureCost(t: Readonly<Topology>): SignatureCost {
  return {
    verifiesPerTx: t.endorsers + t.orderers + t.peers * (1 + t.endorsers),
    signsPerTx: 2 + t.endorsers,
  };
}

/** Measured P-256 speed of this machine. */
export interface CryptoSpeed {
  readonly verifiesPerSecondPerCore: number;
  readonly signsPerSecondPerCore: number;
  readonly cores: number;
}

/**
 * Measures P-256 verifications (and signatures) per second on one core: `node:crypto`
 * `verify`/`sign` with SHA-256 and P1363 encoding on a pre-parsed KeyObject, over a 600-byte
 * message (the size of a signed payload), for about `ms` milliseconds each.
 *
 * @example
 * const speed = calibrateCrypto(1000); // { verifiesPerSecondPerCore: 10400, signsPerSecondPerCore: 25000, cores: 2 }
 */
export function calibrateCrypto(ms = 500, cores = availableParallelism()): CryptoSpeed {
  const { privateKey, publicKey } = generateKeyPair();
  const data = Buffer.alloc(600, 0x5a);
  const sig = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const key = { key: publicKey, dsaEncoding: 'ieee-p1363' as const };
  const rate = (fn: () => void): number => {
    for (let i = 0; i < 50; i++) fn(); // warm-up
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ms) {
      for (let i = 0; i < 20; i++) fn();
      n += 20;
      t = performance.now();
    }
    return n / ((t - t0) / 1000);
  };
  const verifies = rate(() => {
    if (!verify('sha256', data, key, sig)) throw new Error('calibration signature did not verify');
  });
  const signs = rate(() => sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
  return {
    verifiesPerSecondPerCore: Math.round(verifies),
    signsPerSecondPerCore: Math.round(signs),
    cores,
  };
}

/** A worker that verifies for `workerData.ms` milliseconds and posts its rate (CommonJS, eval'd). */
const PARALLEL_VERIFY_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { generateKeyPairSync, sign, verify } = require('node:crypto');
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const data = Buffer.alloc(600, 0x5a);
const sig = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
const key = { key: publicKey, dsaEncoding: 'ieee-p1363' };
let n = 0;
const t0 = performance.now();
let t = t0;
while (t - t0 < workerData.ms) {
  for (let i = 0; i < 20; i++) verify('sha256', data, key, sig);
  n += 20;
  t = performance.now();
}
parentPort.postMessage(n / ((t - t0) / 1000));
`;

/**
 * P-256 verifications per second of `threads` threads verifying at once, summed: what all the
 * cores together really deliver (on a VM, or next to other work, it can be less than cores ×
 * the one-core rate).
 *
 * @example
 * const all = await calibrateParallelVerify(500, 2); // e.g. 19800
 */
export async function calibrateParallelVerify(ms = 500, threads = availableParallelism()): Promise<number> {
  const workers = Array.from(
    { length: threads },
    () => new Worker(PARALLEL_VERIFY_WORKER, { eval: true, workerData: { ms } }),
  );
  try {
    const rates = await Promise.all(workers.map(async (w) => (await once(w, 'message'))[0] as number));
    return Math.round(rates.reduce((a, b) => a + b, 0));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * The mean of calibrations taken before and after a measured window, so that the bound
 * reflects the machine as it was during the run (other load on a shared machine shifts it).
 *
 * @example
 * const speed = meanSpeed([before, after]);
 */
export function meanSpeed(samples: readonly CryptoSpeed[]): CryptoSpeed {
  const mean = (f: (s: CryptoSpeed) => number) =>
    Math.round(samples.reduce((a, s) => a + f(s), 0) / Math.max(1, samples.length));
  return {
    verifiesPerSecondPerCore: mean((s) => s.verifiesPerSecondPerCore),
    signsPerSecondPerCore: mean((s) => s.signsPerSecondPerCore),
    cores: samples[0]?.cores ?? availableParallelism(),
  };
}

/** The throughput ceilings that signature work alone sets. */
export interface SignatureBound {
  /** verifications/s per core × cores ÷ verifications per transaction (the definition). */
  readonly signatureBoundTps: number;
  /** The same, counting the signing work of the transaction too. */
  readonly withSigningTps: number;
}

/**
 * The signature bound of a topology on a machine.
 *
 * @example
 * signatureBound({ verifiesPerSecondPerCore: 10000, signsPerSecondPerCore: 25000, cores: 2 }, { verifiesPerTx: 20, signsPerTx: 5 })
 * // { signatureBoundTps: 1000, withSigningTps: 909.1 }
 */
export function signatureBound(speed: Readonly<CryptoSpeed>, cost: Readonly<SignatureCost>): SignatureBound {
  const verifySeconds = cost.verifiesPerTx / speed.verifiesPerSecondPerCore;
  const signSeconds = cost.signsPerTx / speed.signsPerSecondPerCore;
  return {
    signatureBoundTps: round1(speed.cores / verifySeconds),
    withSigningTps: round1(speed.cores / (verifySeconds + signSeconds)),
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
