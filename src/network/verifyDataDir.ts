import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConsortiaError } from '../common/index.js';
import { parseIdentityCert } from '../identity/index.js';
import { type VerifyLedgerResult, verifyLedger } from '../peer/index.js';
import { layout, readDataDirMarker } from './bootstrap.js';
import { parseNetworkConfig } from './networkConfig.js';

export interface NodeVerification extends VerifyLedgerResult {
  readonly node: string;
  readonly channel: string;
  readonly mode: 'peer' | 'orderer';
}

export interface DataDirVerification {
  readonly nodes: readonly NodeVerification[];
  /** Per channel: blocks and transaction counts of the chain (identical on every node). */
  readonly channels: readonly { channel: string; blocks: number; valid: number; invalid: number }[];
}

interface Target {
  readonly node: string;
  readonly dir: string;
  readonly mode: 'peer' | 'orderer';
}

function nodeTargets(nodeDir: string, label: string): Target[] {
  const ledgers = join(nodeDir, 'ledgers');
  if (!existsSync(ledgers)) return [];
  let mode: 'peer' | 'orderer' = 'peer';
  if (existsSync(join(nodeDir, 'cert.pem'))) {
    try {
      mode =
        parseIdentityCert(readFileUtf8(join(nodeDir, 'cert.pem'))).role === 'orderer' ? 'orderer' : 'peer';
    } catch {
      mode = 'peer';
    }
  }
  return readdirSync(ledgers).map((channel) => ({
    node: `${label}:${channel}`,
    dir: join(ledgers, channel),
    mode,
  }));
}

function readFileUtf8(path: string): string {
  return readFileSync(path, 'utf8');
}

/**
 * Verifies every ledger of a stopped network's data dir (or of one node's dir): each ledger is
 * audited with `verifyLedger`, then all nodes of a channel must hold the same block hashes.
 * `onNode` reports progress. Throws VERIFY_FAILED naming the file and block of a problem.
 */
export async function verifyDataDir(
  dataDir: string,
  onProgress?: (node: string, block: number) => void,
): Promise<DataDirVerification> {
  if (!existsSync(dataDir)) throw new ConsortiaError('DATA_DIR_NOT_FOUND', `${dataDir} does not exist`);
  const targets: Target[] = [];
  const marker = existsSync(join(dataDir, 'consortia.json')) ? readDataDirMarker(dataDir) : undefined;
  if (marker) {
    const cfg = parseNetworkConfig(marker.network);
    for (const org of cfg.orgs)
      for (const p of org.peers)
        targets.push(...nodeTargets(layout.nodeDir(dataDir, org.name, p), `${org.name}.${p}`));
    for (const o of cfg.orderer.nodes)
      targets.push(...nodeTargets(layout.nodeDir(dataDir, cfg.orderer.org, o), `${cfg.orderer.org}.${o}`));
  } else {
    targets.push(...nodeTargets(dataDir, dataDir));
  }
  if (targets.length === 0) {
    throw new ConsortiaError(
      'DATA_DIR_FOREIGN',
      `${dataDir} holds no Consortia ledgers (neither a network data dir nor a node dir)`,
    );
  }
  const nodes: NodeVerification[] = [];
  for (const t of targets) {
    const channel = t.node.slice(t.node.lastIndexOf(':') + 1);
    const r = await verifyLedger({
      dir: t.dir,
      channel,
      mode: t.mode,
      onProgress: (b) => onProgress?.(t.node, b),
    });
    nodes.push({ ...r, node: t.node, channel, mode: t.mode });
  }
  const channels = [...new Set(nodes.map((n) => n.channel))].map((channel) => {
    const onChannel = nodes.filter((n) => n.channel === channel);
    const longest = onChannel.reduce((a, b) => (b.blocks > a.blocks ? b : a));
    for (const n of onChannel) {
      const fork = n.blockHashes.findIndex((h, i) => h !== longest.blockHashes[i]);
      if (fork >= 0) {
        throw new ConsortiaError(
          'VERIFY_FAILED',
          `${n.node}: block ${fork} differs from ${longest.node}'s block ${fork} (the chains fork)`,
          { node: n.node, block: fork },
        );
      }
    }
    const peer = onChannel.find((n) => n.mode === 'peer' && n.blocks === longest.blocks) ?? longest;
    return { channel, blocks: longest.blocks, valid: peer.valid, invalid: peer.invalid };
  });
  return { nodes, channels };
}
