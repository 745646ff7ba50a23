import { join } from 'node:path';
import { ConsortiaError } from '../../common/index.js';
import { Ledger } from '../../ledger/index.js';
import { verifyDataDir } from '../verifyDataDir.js';
import { readManifest } from './distributedManifest.js';

/** One node of a verified distributed network. */
export interface DistributedNodeVerification {
  readonly node: string;
  readonly mode: 'peer' | 'orderer';
  readonly blocks: number;
  readonly valid: number;
  readonly invalid: number;
  readonly blockHashes: readonly string[];
  /** Digest of the world state (peers). */
  readonly stateDigest?: string;
}

/**
 * Verifies every orderer and peer of a stopped distributed network: each node's ledger is
 * audited as `consortia verify` does (chain, signatures against the channel config, and for
 * peers every transaction again and the state against a replay); then all nodes must hold the
 * same block hashes (one may be shorter), and peers at the same height the same state. Throws
 * VERIFY_FAILED naming the node and block of the first problem.
 *
 * @example
 * const nodes = await verifyDistributedDataDir('./data');
 */
export async function verifyDistributedDataDir(dataDir: string): Promise<DistributedNodeVerification[]> {
  const manifest = readManifest(dataDir);
  if (!manifest) throw new ConsortiaError('DATA_DIR_NOT_FOUND', `${dataDir} holds no distributed network`);
  const out: DistributedNodeVerification[] = [];
  for (const n of manifest.nodes) {
    if (n.kind !== 'peer' && n.kind !== 'orderer') continue;
    const [org, name] = n.id.split('.') as [string, string];
    const nodeDir = join(dataDir, org, name);
    const r = await verifyDataDir(nodeDir);
    const v = r.nodes.find((x) => x.channel === manifest.channel);
    if (!v)
      throw new ConsortiaError('VERIFY_FAILED', `${n.id} holds no ledger of channel ${manifest.channel}`);
    let stateDigest: string | undefined;
    if (n.kind === 'peer') {
      const ledger = await Ledger.open({
        dir: join(nodeDir, 'ledgers', manifest.channel),
        channel: manifest.channel,
      });
      try {
        stateDigest = ledger.stateDigest();
      } finally {
        await ledger.close();
      }
    }
    out.push({
      node: n.id,
      mode: n.kind,
      blocks: v.blocks,
      valid: v.valid,
      invalid: v.invalid,
      blockHashes: v.blockHashes,
      ...(stateDigest ? { stateDigest } : {}),
    });
  }
  const longest = out.reduce((a, b) => (b.blocks > a.blocks ? b : a));
  for (const v of out) {
    const fork = v.blockHashes.findIndex((h, i) => h !== longest.blockHashes[i]);
    if (fork >= 0) {
      throw new ConsortiaError(
        'VERIFY_FAILED',
        `${v.node}: block ${fork} differs from ${longest.node}'s block ${fork} (the chains fork)`,
        { node: v.node, block: fork },
      );
    }
  }
  const peers = out.filter((v) => v.mode === 'peer' && v.blocks === longest.blocks);
  const digest = peers[0]?.stateDigest;
  const differs = peers.find((p) => p.stateDigest !== digest);
  if (differs) {
    throw new ConsortiaError(
      'VERIFY_FAILED',
      `${differs.node}: its world state differs from ${peers[0]!.node}'s at the same height`,
      { node: differs.node },
    );
  }
  return out;
}
