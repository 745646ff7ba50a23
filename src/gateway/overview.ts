import type { EmbeddedNetwork, PeerHandle } from '../network/index.js';
import type { GatewayService } from './gatewayService.js';

/** A node's height on one channel and how far it is behind the highest known height. */
export interface ChannelHeight {
  readonly height: number;
  readonly lag: number;
}

/** One node (peer or orderer) of the consortium. */
export interface NodeOverview {
  readonly id: string;
  readonly mspId: string;
  readonly role: 'peer' | 'orderer';
  readonly status: 'up' | 'down';
  readonly channels: Readonly<Record<string, ChannelHeight>>;
  readonly error?: string;
}

export interface OrgOverview {
  readonly mspId: string;
  readonly kind: 'member' | 'orderer';
  readonly channels: readonly string[];
  readonly nodes: readonly NodeOverview[];
}

export interface ChannelOverview {
  readonly name: string;
  /** Highest height among the peers and the orderer. */
  readonly height: number;
  readonly ordererHeight: number | null;
  readonly configSequence: number | null;
  readonly orgs: readonly string[];
  readonly contracts: readonly { name: string; version: string; endorsementPolicy: string }[];
}

export interface ConsortiumOverview {
  readonly generatedAt: string;
  readonly status: 'ok' | 'degraded';
  readonly channels: readonly ChannelOverview[];
  readonly orgs: readonly OrgOverview[];
  readonly nodes: readonly NodeOverview[];
}

export interface OverviewSources {
  readonly gateway: GatewayService;
  /** For the orderer's heights and org list of an embedded network. */
  readonly network?: EmbeddedNetwork;
  readonly now?: Date;
}

interface Probe {
  readonly peer: PeerHandle;
  readonly heights: Map<string, number>;
  readonly error?: string;
}

function probe(peer: PeerHandle): Probe {
  const heights = new Map<string, number>();
  try {
    for (const ch of peer.channels()) heights.set(ch, peer.height(ch));
    return { peer, heights };
  } catch (err) {
    return { peer, heights, error: (err as Error).message };
  }
}

/**
 * A snapshot of the consortium: its channels, orgs and nodes, each node's height per channel
 * and its lag behind the highest height known (peers' and orderer's), and whether it answers.
 *
 * @example
 * const o = consortiumOverview({ gateway, network });
 * o.nodes.filter((n) => n.status === 'down');
 */
export function consortiumOverview(src: Readonly<OverviewSources>): ConsortiumOverview {
  const { gateway, network } = src;
  const probes = gateway.peers().map(probe);
  const channelNames = new Set<string>(gateway.channels());
  for (const c of network?.config.channels ?? []) channelNames.add(c.name);

  const ordererHeights = new Map<string, number>();
  let ordererError: string | undefined;
  if (network) {
    for (const ch of channelNames) {
      try {
        ordererHeights.set(ch, network.orderer.height(ch));
      } catch (err) {
        ordererError = (err as Error).message;
      }
    }
  }
  const top = new Map<string, number>();
  const raise = (ch: string, h: number) => top.set(ch, Math.max(top.get(ch) ?? 0, h));
  for (const p of probes) for (const [ch, h] of p.heights) raise(ch, h);
  for (const [ch, h] of ordererHeights) raise(ch, h);

  const heightsOf = (heights: ReadonlyMap<string, number>) =>
    Object.fromEntries(
      [...heights].sort().map(([ch, h]) => [ch, { height: h, lag: Math.max(0, (top.get(ch) ?? 0) - h) }]),
    );
  const nodes: NodeOverview[] = probes.map((p) => ({
    id: p.peer.id,
    mspId: p.peer.mspId,
    role: 'peer',
    status: p.error === undefined ? 'up' : 'down',
    channels: heightsOf(p.heights),
    ...(p.error === undefined ? {} : { error: p.error }),
  }));
  if (network) {
    nodes.push({
      id: `${network.orderer.mspId}.${network.orderer.name}`,
      mspId: network.orderer.mspId,
      role: 'orderer',
      status: ordererError === undefined ? 'up' : 'down',
      channels: heightsOf(ordererHeights),
      ...(ordererError === undefined ? {} : { error: ordererError }),
    });
  }

  const channels: ChannelOverview[] = [...channelNames].sort().map((name) => {
    let config: ReturnType<PeerHandle['channelConfig']> | undefined;
    try {
      config = gateway.peerFor(name).channelConfig(name);
    } catch {
      config = undefined;
    }
    return {
      name,
      height: top.get(name) ?? 0,
      ordererHeight: ordererHeights.get(name) ?? null,
      configSequence: config?.sequence ?? null,
      orgs: config?.orgs.map((o) => o.mspId) ?? [],
      contracts:
        config?.contracts.map((c) => ({
          name: c.name,
          version: c.version,
          endorsementPolicy: c.endorsementPolicy,
        })) ?? [],
    };
  });

  const orgChannels = new Map<string, { kind: 'member' | 'orderer'; channels: Set<string> }>();
  const addOrg = (mspId: string, kind: 'member' | 'orderer', channel?: string) => {
    const o = orgChannels.get(mspId) ?? { kind, channels: new Set<string>() };
    if (channel) o.channels.add(channel);
    orgChannels.set(mspId, o);
  };
  for (const c of channels) for (const org of c.orgs) addOrg(org, 'member', c.name);
  for (const n of nodes) addOrg(n.mspId, n.role === 'orderer' ? 'orderer' : 'member');
  for (const o of network?.config.orgs ?? []) addOrg(o.name, 'member');
  const orgs: OrgOverview[] = [...orgChannels]
    .sort(
      ([a, x], [b, y]) => Number(x.kind === 'orderer') - Number(y.kind === 'orderer') || a.localeCompare(b),
    )
    .map(([mspId, o]) => ({
      mspId,
      kind: o.kind,
      channels: [...o.channels].sort(),
      nodes: nodes.filter((n) => n.mspId === mspId),
    }));

  return {
    generatedAt: (src.now ?? new Date()).toISOString(),
    status: nodes.every((n) => n.status === 'up') ? 'ok' : 'degraded',
    channels,
    orgs,
    nodes,
  };
}
