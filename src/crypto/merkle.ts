import { ConsortiaError } from '../common/index.js';
import { sha256 } from './hash.js';

/**
 * A binary Merkle tree over SHA-256 with domain separation (0x00 for leaves, 0x01 for inner
 * nodes, as in RFC 6962), so a leaf can never pass for an inner node. An odd node at the end of
 * a level is promoted unchanged.
 */
const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);

export function merkleLeafHash(data: Uint8Array): Uint8Array {
  return sha256(LEAF, data);
}

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(NODE, left, right);
}

/** Root over already-hashed leaves (use merkleLeafHash). The root of no leaves is SHA-256(""). */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return sha256();
  let level = leafHashes.slice();
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const l = level[i]!;
      const r = level[i + 1];
      next.push(r ? nodeHash(l, r) : l);
    }
    level = next;
  }
  return level[0]!;
}

/** One step of an inclusion path: the sibling hash and whether it sits on the left. */
export interface MerkleStep {
  readonly sibling: Uint8Array;
  readonly left: boolean;
}

/** The inclusion path of leaf `index` among `leafHashes`. */
export function merklePath(leafHashes: readonly Uint8Array[], index: number): MerkleStep[] {
  if (!Number.isInteger(index) || index < 0 || index >= leafHashes.length) {
    throw new ConsortiaError(
      'BAD_MERKLE_INDEX',
      `leaf index ${index} is outside 0..${leafHashes.length - 1}`,
    );
  }
  const path: MerkleStep[] = [];
  let level = leafHashes.slice();
  let i = index;
  while (level.length > 1) {
    const sib = i % 2 === 0 ? i + 1 : i - 1;
    if (sib < level.length) path.push({ sibling: level[sib]!, left: sib < i });
    const next: Uint8Array[] = [];
    for (let j = 0; j < level.length; j += 2) {
      const l = level[j]!;
      const r = level[j + 1];
      next.push(r ? nodeHash(l, r) : l);
    }
    level = next;
    i = Math.floor(i / 2);
  }
  return path;
}

/** Recomputes the root from a leaf hash and its path. */
export function merkleRootFromPath(leafHash: Uint8Array, path: readonly MerkleStep[]): Uint8Array {
  let h = leafHash;
  for (const step of path) h = step.left ? nodeHash(step.sibling, h) : nodeHash(h, step.sibling);
  return h;
}
