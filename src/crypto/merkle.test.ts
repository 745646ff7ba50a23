import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsortiaError, concatBytes, toHex, utf8 } from '../common/index.js';
import {
  CryptoErrorCodes,
  type MerkleStep,
  merkleLeafHash,
  merklePath,
  merkleRoot,
  merkleRootFromPath,
  sha256,
} from './index.js';

// Fixed seed: property tests explore the same cases on every run.
fc.configureGlobal({ seed: 0x5eed });

const leaf = (i: number) => merkleLeafHash(utf8(`tx-${i}`));
const leaves = (n: number) => Array.from({ length: n }, (_, i) => leaf(i));
const node = (l: Uint8Array, r: Uint8Array) => sha256(new Uint8Array([1]), l, r);
const hex = toHex;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConsortiaError) return err.code;
    throw err;
  }
  throw new Error('expected a ConsortiaError');
}

describe('merkleLeafHash', () => {
  it('is SHA-256 over 0x00 ‖ data', () => {
    expect(hex(merkleLeafHash(utf8('abc')))).toBe(hex(sha256(new Uint8Array([0]), utf8('abc'))));
    expect(hex(merkleLeafHash(new Uint8Array(0)))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });
});

describe('merkleRoot', () => {
  const [l0, l1, l2, l3, l4] = leaves(5) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];

  it('of no leaves is SHA-256("")', () => {
    expect(hex(merkleRoot([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('of one leaf is that leaf hash', () => {
    expect(hex(merkleRoot([l0]))).toBe(hex(l0));
  });

  it('of two leaves is the node hash H(0x01 ‖ l ‖ r)', () => {
    expect(hex(merkleRoot([l0, l1]))).toBe(hex(node(l0, l1)));
    expect(hex(merkleRoot([l1, l0]))).not.toBe(hex(merkleRoot([l0, l1])));
  });

  it('of three leaves promotes the odd last leaf unchanged', () => {
    expect(hex(merkleRoot([l0, l1, l2]))).toBe(hex(node(node(l0, l1), l2)));
  });

  it('of five leaves promotes the odd leaf through two levels', () => {
    expect(hex(merkleRoot([l0, l1, l2, l3, l4]))).toBe(hex(node(node(node(l0, l1), node(l2, l3)), l4)));
  });

  it('of eight leaves is the full binary tree', () => {
    const ls = leaves(8);
    const n = (i: number) => node(ls[i]!, ls[i + 1]!);
    const expected = node(node(n(0), n(2)), node(n(4), n(6)));
    expect(hex(merkleRoot(ls))).toBe(hex(expected));
  });

  it('does not modify its input', () => {
    const ls = leaves(5);
    const copy = ls.map(hex);
    merkleRoot(ls);
    expect(ls.map(hex)).toEqual(copy);
  });

  it('changes when any leaf changes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), (n, at) => {
        const ls = leaves(n);
        const i = at % n;
        const changed = ls.slice();
        changed[i] = merkleLeafHash(utf8('something else'));
        expect(hex(merkleRoot(changed))).not.toBe(hex(merkleRoot(ls)));
      }),
    );
  });
});

describe('merklePath / merkleRootFromPath', () => {
  it('verifies every leaf of every tree size from 1 to 64 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), (n) => {
        const ls = leaves(n);
        const root = hex(merkleRoot(ls));
        for (let i = 0; i < n; i++) {
          const path = merklePath(ls, i);
          expect(path.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
          expect(hex(merkleRootFromPath(ls[i]!, path))).toBe(root);
        }
      }),
      { numRuns: 64 },
    );
  });

  it('has an empty path for a single leaf', () => {
    const ls = leaves(1);
    expect(merklePath(ls, 0)).toEqual([]);
    expect(hex(merkleRootFromPath(ls[0]!, []))).toBe(hex(merkleRoot(ls)));
  });

  it('does not verify a wrong leaf, or another leaf with this path (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 64 }), fc.nat(), fc.nat(), (n, a, b) => {
        const ls = leaves(n);
        const root = hex(merkleRoot(ls));
        const i = a % n;
        const j = b % n;
        const path = merklePath(ls, i);
        expect(hex(merkleRootFromPath(merkleLeafHash(utf8('forged')), path))).not.toBe(root);
        if (j !== i) expect(hex(merkleRootFromPath(ls[j]!, path))).not.toBe(root);
      }),
      { numRuns: 200 },
    );
  });

  it('does not verify with a tampered step: altered sibling, flipped side, dropped or extra step (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 64 }),
        fc.nat(),
        fc.nat(),
        fc.nat({ max: 3 }),
        (n, a, s, kind) => {
          const ls = leaves(n);
          const root = hex(merkleRoot(ls));
          const i = a % n;
          const path = merklePath(ls, i);
          const k = s % path.length;
          const step = path[k]!;
          let tampered: MerkleStep[];
          if (kind === 0) {
            const sibling = new Uint8Array(step.sibling);
            sibling[s % 32] = (sibling[s % 32] ?? 0) ^ 1;
            tampered = path.with(k, { sibling, left: step.left });
          } else if (kind === 1) {
            tampered = path.with(k, { sibling: step.sibling, left: !step.left });
          } else if (kind === 2) {
            tampered = path.toSpliced(k, 1);
          } else {
            tampered = [...path, { sibling: leaf(999), left: false }];
          }
          expect(hex(merkleRootFromPath(ls[i]!, tampered))).not.toBe(root);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps leaves and inner nodes apart (domain separation)', () => {
    const ls = leaves(2);
    const [l0, l1] = ls as [Uint8Array, Uint8Array];
    const root = merkleRoot(ls);
    // Data equal to the concatenation of the two child hashes, as a leaf, is not the inner node.
    const forgedLeaf = merkleLeafHash(concatBytes(l0, l1));
    expect(hex(forgedLeaf)).not.toBe(hex(root));
    // Nor is the one-leaf tree over that data, nor its root as a path from the forged leaf.
    expect(hex(merkleRoot([forgedLeaf]))).not.toBe(hex(root));
    expect(hex(merkleRootFromPath(forgedLeaf, []))).not.toBe(hex(root));
    // Without the 0x00 / 0x01 prefixes these would collide:
    expect(hex(sha256(concatBytes(l0, l1)))).toBe(hex(sha256(l0, l1)));
    // A four-leaf tree's inner node cannot pose as a leaf of a two-leaf tree with the same root.
    const four = leaves(4);
    const inner = [node(four[0]!, four[1]!), node(four[2]!, four[3]!)];
    expect(hex(merkleRoot(inner))).toBe(hex(merkleRoot(four)));
    expect(hex(merkleRoot(inner.map((h) => merkleLeafHash(h))))).not.toBe(hex(merkleRoot(four)));
  });

  it('throws BAD_MERKLE_INDEX for an index outside the leaves or not an integer', () => {
    const ls = leaves(3);
    for (const index of [-1, 3, 4, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(codeOf(() => merklePath(ls, index))).toBe(CryptoErrorCodes.BAD_MERKLE_INDEX);
    }
    expect(codeOf(() => merklePath([], 0))).toBe('BAD_MERKLE_INDEX');
  });
});
