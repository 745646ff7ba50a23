import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKeyPair, signBytes, verifyBytes } from '../crypto/index.js';
import { inlineVerifier, type SignatureCheck, WorkerSignatureVerifier } from './signatureVerifier.js';

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** The same signature with s replaced by n − s: valid ECDSA, but high-S, which verifyBytes refuses. */
function highS(sig: Uint8Array): Uint8Array {
  const s = BigInt(`0x${Buffer.from(sig.subarray(32)).toString('hex')}`);
  const out = new Uint8Array(sig);
  out.set(Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex'), 32);
  return out;
}

const keys = [generateKeyPair(), generateKeyPair(), generateKeyPair()];

/** Checks of every kind: valid, tampered data, wrong key, high S, truncated signature. */
function checksFrom(seeds: readonly { data: Uint8Array; key: number; kind: number }[]): SignatureCheck[] {
  return seeds.map(({ data, key, kind }) => {
    const pair = keys[key % keys.length]!;
    const signature = signBytes(pair.privateKey, data);
    switch (kind % 5) {
      case 0:
        return { key: pair.publicKey, data, signature };
      case 1:
        return { key: pair.publicKey, data: new Uint8Array([...data, 1]), signature };
      case 2:
        return { key: keys[(key + 1) % keys.length]!.publicKey, data, signature };
      case 3:
        return { key: pair.publicKey, data, signature: highS(signature) };
      default:
        return { key: pair.publicKey, data, signature: signature.subarray(0, 63) };
    }
  });
}

const seedArb = fc.array(
  fc.record({
    data: fc.uint8Array({ maxLength: 300 }),
    key: fc.nat(),
    kind: fc.nat(),
  }),
  { maxLength: 40 },
);

const workers = new WorkerSignatureVerifier({ threads: 2, minBatch: 1, minChunk: 3 });
afterAll(() => workers.close());

describe('WorkerSignatureVerifier', () => {
  it('answers exactly as verifyBytes does, in order, whatever the batch holds', async () => {
    await fc.assert(
      fc.asyncProperty(seedArb, async (seeds) => {
        const checks = checksFrom(seeds);
        const expected = checks.map((c) => verifyBytes(c.key, c.data, c.signature));
        expect(await workers.verifyAll(checks)).toEqual(expected);
        expect(await inlineVerifier.verifyAll(checks)).toEqual(expected);
      }),
      { numRuns: 15 },
    );
    expect(workers.stats.workerFailures).toBe(0);
    expect(workers.stats.inWorkers).toBeGreaterThan(0);
  });

  it('batches single checks made in the same tick and answers each one', async () => {
    const checks = checksFrom(
      Array.from({ length: 10 }, (_, i) => ({ data: new Uint8Array([i, 2, 3]), key: i, kind: i })),
    );
    const answers = await Promise.all(checks.map((c) => workers.verify(c)));
    expect(answers).toEqual(checks.map((c) => verifyBytes(c.key, c.data, c.signature)));
    expect(answers.filter(Boolean)).toHaveLength(2); // kinds 0 and 5 are the valid ones
  });

  it('checks small batches in the calling thread and starts again after close', async () => {
    const v = new WorkerSignatureVerifier({ threads: 1, minBatch: 4 });
    const [check] = checksFrom([{ data: new Uint8Array([9]), key: 0, kind: 0 }]);
    expect(await v.verifyAll([check!])).toEqual([true]);
    expect(v.stats).toEqual({ inThread: 1, inWorkers: 0, workerFailures: 0 });
    await v.close();
    expect(await v.verifyAll([check!, check!, check!, check!])).toEqual([true, true, true, true]);
    expect(v.stats).toEqual({ inThread: 1, inWorkers: 4, workerFailures: 0 });
    await v.close();
  });
});
