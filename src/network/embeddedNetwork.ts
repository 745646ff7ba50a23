import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConsortiaError, type Logger, silentLogger } from '../common/index.js';
import { ContractRuntime } from '../contract/index.js';
import { CertificateAuthority } from '../identity/index.js';
import { SoloOrderer } from '../orderer/index.js';
import { Peer, runtimeExecutor } from '../peer/index.js';
import { decodeChannelConfig, parseBlock, parseEnvelope } from '../protocol/index.js';
import { bootstrapDataDir, channelConfigFor, genesisBlock, layout, readDataDirMarker } from './bootstrap.js';
import { builtinContracts, resolveContractModule } from './contractModules.js';
import {
  DEFAULT_NETWORK,
  type NetworkConfig,
  type NetworkConfigInput,
  parseNetworkConfig,
} from './networkConfig.js';
import { embeddedPrivateDataTransport, type PrivateDataFilter } from './privateDataTransport.js';
import type { OrdererHandle, PeerHandle } from './types.js';
import { loadWalletIdentity, readIdentityDir, type WalletIdentity } from './wallet.js';

export interface EmbeddedNetworkOptions {
  readonly dataDir: string;
  /** Used when the data dir is new; an existing data dir keeps the config it was created with. */
  readonly config?: NetworkConfigInput;
  readonly logger?: Logger;
  /** Contract time budget per call (ms). */
  readonly contractTimeoutMs?: number;
  /** Run contracts in this thread instead of the sandboxed worker pool (tests only). */
  readonly contractsInProcess?: boolean;
  /** Most contract worker threads, shared by the peers (default: 2, 1 on one core). */
  readonly contractThreads?: number;
  /** How often peers retry pulling private data they missed (ms); 0 only on `reconcilePrivateData`. */
  readonly reconcileIntervalMs?: number;
  /** Test hook: private data messages it returns false for are dropped (as if the peer were down). */
  readonly privateDataFilter?: PrivateDataFilter;
}

/** Adapts an in-process peer to the handle the gateway uses. */
export function localPeerHandle(peer: Peer): PeerHandle {
  return {
    id: peer.id,
    mspId: peer.mspId,
    endorse: (b) => peer.endorse(b),
    evaluate: (b) => peer.evaluate(b),
    channels: () => peer.channels(),
    height: (ch) => peer.height(ch),
    getBlock: (ch, n) => peer.ledger(ch).getBlock(n),
    getCertificate: (ch, hash) => peer.ledger(ch).getCertificate(hash),
    txStatus: (ch, txId) => peer.txStatus(ch, txId),
    waitForTx: (ch, txId, signal) => peer.events.waitForTx(ch, txId, signal),
    onBlock: (l) => peer.events.onBlock(l),
    contractPolicy: (ch, name) => peer.context(ch).contract(name)?.definition.endorsementPolicy,
    channelOrgs: (ch) => peer.context(ch).appOrgs,
    channelConfig: (ch) => peer.context(ch).config,
  };
}

/**
 * A whole consortium in one process: every org's peers, a solo orderer and the channels of a
 * network config, on LMDB under one data dir (`<dataDir>/<org>/<node>/`). Peers and the orderer
 * are the same classes a distributed deployment runs; only the wiring is in-process.
 */
export class EmbeddedNetwork {
  readonly dataDir: string;
  readonly config: NetworkConfig;
  readonly peers: readonly Peer[];
  readonly orderer: SoloOrderer;
  readonly #runtime: ContractRuntime;
  readonly #logger: Logger;
  readonly #unsubscribe: (() => void)[] = [];
  readonly #members = new Map<string, Set<Peer>>();

  private constructor(
    dataDir: string,
    config: NetworkConfig,
    peers: Peer[],
    orderer: SoloOrderer,
    runtime: ContractRuntime,
    logger: Logger,
  ) {
    this.dataDir = dataDir;
    this.config = config;
    this.peers = peers;
    this.orderer = orderer;
    this.#runtime = runtime;
    this.#logger = logger;
  }

  /** Creates (first start) or resumes (later starts) the network in `dataDir` and starts it. */
  static async start(opts: Readonly<EmbeddedNetworkOptions>): Promise<EmbeddedNetwork> {
    const logger = opts.logger ?? silentLogger;
    const marker = readDataDirMarker(opts.dataDir);
    const config = parseNetworkConfig(marker ? marker.network : (opts.config ?? DEFAULT_NETWORK));
    if (!marker) await bootstrapDataDir(opts.dataDir, config);

    const contracts = new Map<string, string>(
      builtinContracts().map((name) => [name, resolveContractModule(name)]),
    );
    for (const ch of config.channels) {
      for (const c of ch.contracts) contracts.set(c.name, resolveContractModule(c.name, c.path));
    }
    const runtime = new ContractRuntime({
      contracts,
      ...(opts.contractTimeoutMs ? { timeoutMs: opts.contractTimeoutMs } : {}),
      ...(opts.contractsInProcess ? { inProcess: true } : {}),
      ...(opts.contractThreads ? { threads: opts.contractThreads } : {}),
    });
    const executor = runtimeExecutor(runtime);
    for (const path of readInstalled(opts.dataDir)) runtime.install(path);

    const ordererOrg = config.orderer.org;
    const ordererNode = config.orderer.nodes[0]!;
    const ordererId = readIdentityDir(
      layout.nodeDir(opts.dataDir, ordererOrg, ordererNode),
      `${ordererOrg}.${ordererNode}`,
    );
    const orderer = new SoloOrderer({
      mspId: ordererOrg,
      name: ordererNode,
      certDer: ordererId.certDer,
      signer: ordererId.signer,
      dataDir: layout.nodeDir(opts.dataDir, ordererOrg, ordererNode),
    });
    const peers: Peer[] = [];
    let started: EmbeddedNetwork | undefined;
    const privateDataTransport = embeddedPrivateDataTransport({
      channelPeers: (channel) => (started ? [...(started.#members.get(channel) ?? [])] : []),
      allPeers: () => peers,
      filter: opts.privateDataFilter,
    });
    for (const org of config.orgs) {
      for (const name of org.peers) {
        const id = readIdentityDir(layout.nodeDir(opts.dataDir, org.name, name), `${org.name}.${name}`);
        peers.push(
          new Peer({
            mspId: org.name,
            name,
            certDer: id.certDer,
            signer: id.signer,
            dataDir: layout.nodeDir(opts.dataDir, org.name, name),
            executor,
            privateDataTransport,
            ...(opts.reconcileIntervalMs === undefined
              ? {}
              : { reconcileIntervalMs: opts.reconcileIntervalMs }),
          }),
        );
      }
    }
    const net = new EmbeddedNetwork(opts.dataDir, config, peers, orderer, runtime, logger);
    started = net;
    try {
      for (const channel of channelsOnDisk(opts.dataDir)) {
        const genesis = new Uint8Array(readFileSync(layout.genesis(opts.dataDir, channel)));
        await orderer.joinChannel(genesis);
        const members = genesisOrgs(genesis);
        for (const peer of peers) {
          // A peer serves the channels its org founded, and those it joined later (it has a ledger).
          if (
            members.includes(peer.mspId) ||
            existsSync(join(layout.nodeDir(opts.dataDir, peer.mspId, peer.name), 'ledgers', channel))
          ) {
            await net.#join(peer, channel, genesis);
          }
        }
      }
      await net.#catchUp();
    } catch (err) {
      await net.stop();
      throw err;
    }
    logger.info(
      { dataDir: opts.dataDir, peers: peers.map((p) => p.id), channels: config.channels.map((c) => c.name) },
      'embedded network started',
    );
    return net;
  }

  /** Feeds a peer every block of a channel from its height on, as the orderer cuts them. */
  #connect(peer: Peer, channel: string): void {
    const log = this.#logger.child({ peer: peer.id, channel });
    const stop = this.orderer.subscribe(channel, peer.height(channel), (block) => {
      peer.deliverBlock(channel, block).catch((err: unknown) => log.error({ err }, 'block refused'));
    });
    this.#unsubscribe.push(stop);
  }

  /** Waits until every peer has committed what the orderer holds. */
  async #catchUp(): Promise<void> {
    for (const [channel, members] of this.#members) {
      const target = this.orderer.height(channel);
      await Promise.all([...members].map((p) => waitForHeight(p, channel, target, 30_000)));
    }
  }

  async #join(peer: Peer, channel: string, genesis: Uint8Array): Promise<void> {
    await peer.joinChannel(genesis);
    let members = this.#members.get(channel);
    if (!members) {
      members = new Set();
      this.#members.set(channel, members);
    }
    if (members.has(peer)) return;
    members.add(peer);
    this.#connect(peer, channel);
  }

  /**
   * Installs a contract package on this network's peers (they share one runtime here) and
   * remembers it across restarts. A channel runs it once its definition names that version.
   */
  installContract(modulePath: string): { name: string; version: string } {
    const path = resolve(modulePath);
    const d = this.#runtime.install(path);
    const installed = readInstalled(this.dataDir);
    if (!installed.includes(path)) {
      writeFileSync(join(this.dataDir, INSTALLED_FILE), `${JSON.stringify([...installed, path], null, 2)}\n`);
    }
    this.#logger.info({ contract: d.name, version: d.version, path }, 'contract installed');
    return { name: d.name, version: d.version };
  }

  /** Channels of this network (those with a genesis block in the data dir). */
  channels(): string[] {
    return [...this.#members.keys()].sort();
  }

  /**
   * Creates a channel at run time: a genesis block with the given member orgs (which must be
   * orgs of this network), the orderer starts ordering it and the members' peers join it.
   */
  async createChannel(
    spec: Readonly<{
      name: string;
      orgs: readonly string[];
      contracts?: readonly { name: string; version?: string; endorsementPolicy?: string }[];
      policies?: Record<string, string>;
    }>,
  ): Promise<void> {
    if (existsSync(layout.genesis(this.dataDir, spec.name))) {
      throw new ConsortiaError('CHANNEL_EXISTS', `channel ${spec.name} already exists`, {
        channel: spec.name,
      });
    }
    const network = parseNetworkConfig({
      ...this.config,
      channels: [
        {
          name: spec.name,
          orgs: [...spec.orgs],
          contracts: spec.contracts ?? [],
          ...(spec.policies ? { policies: spec.policies } : {}),
        },
      ],
    });
    const channelSpec = network.channels[0]!;
    const cas = new Map<string, CertificateAuthority>();
    for (const org of [...channelSpec.orgs, network.orderer.org])
      cas.set(org, await CertificateAuthority.load(layout.caDir(this.dataDir, org)));
    const ordererNode = network.orderer.nodes[0]!;
    const ordererId = readIdentityDir(
      layout.nodeDir(this.dataDir, network.orderer.org, ordererNode),
      `${network.orderer.org}.${ordererNode}`,
    );
    const genesis = genesisBlock(channelConfigFor(network, channelSpec, cas), ordererId);
    mkdirSync(dirname(layout.genesis(this.dataDir, spec.name)), { recursive: true });
    writeFileSync(layout.genesis(this.dataDir, spec.name), genesis);
    await this.orderer.joinChannel(genesis);
    for (const peer of this.peers)
      if (channelSpec.orgs.includes(peer.mspId)) await this.#join(peer, spec.name, genesis);
    await this.#catchUp();
    this.#logger.info({ channel: spec.name, orgs: channelSpec.orgs }, 'channel created');
  }

  /**
   * Joins a peer to an existing channel (after its org was added by a config update). The peer
   * fetches every block from the orderer and validates it with the configuration in force at
   * that block.
   */
  async joinPeer(peerId: string, channel: string): Promise<void> {
    const path = layout.genesis(this.dataDir, channel);
    if (!existsSync(path))
      throw new ConsortiaError('UNKNOWN_CHANNEL', `unknown channel ${channel}`, { channel });
    await this.#join(this.peer(peerId), channel, new Uint8Array(readFileSync(path)));
    await this.#catchUp();
  }

  /** Handles for the gateway. */
  peerHandles(): PeerHandle[] {
    return this.peers.map(localPeerHandle);
  }

  ordererHandles(): OrdererHandle[] {
    return [
      { id: `${this.orderer.mspId}.${this.orderer.name}`, broadcast: (e) => this.orderer.broadcast(e) },
    ];
  }

  peer(id: string): Peer {
    const p = this.peers.find((x) => x.id === id);
    if (!p)
      throw new ConsortiaError(
        'UNKNOWN_PEER',
        `no peer ${id}; peers: ${this.peers.map((x) => x.id).join(', ')}`,
      );
    return p;
  }

  /** A user identity of the embedded wallet, by label such as `TelcoA.admin`. */
  identity(label: string): WalletIdentity {
    return loadWalletIdentity(this.dataDir, label);
  }

  contractRuntime(): ContractRuntime {
    return this.#runtime;
  }

  /** Cuts what is pending and waits until every peer has committed it. */
  async settle(): Promise<void> {
    await this.orderer.flush();
    await this.#catchUp();
  }

  /** Stops cleanly: pending envelopes are cut, peers finish committing, stores are closed. */
  async stop(): Promise<void> {
    try {
      await this.orderer.flush();
      await this.#catchUp();
    } catch {
      // stopping after a failed start: close what is open
    }
    for (const u of this.#unsubscribe) u();
    await this.orderer.close();
    for (const p of this.peers) await p.close();
    await this.#runtime.close();
    this.#logger.info({ dataDir: this.dataDir }, 'embedded network stopped');
  }
}

/** Resolves when `peer` reaches `height` on `channel`; rejects with PEER_LAGGING after `timeoutMs`. */
function waitForHeight(peer: Peer, channel: string, height: number, timeoutMs: number): Promise<void> {
  if (peer.height(channel) >= height) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new ConsortiaError(
          'PEER_LAGGING',
          `peer ${peer.id} is at height ${peer.height(channel)} of ${height} on ${channel}`,
        ),
      );
    }, timeoutMs);
    const off = peer.events.onBlock((e) => {
      if (e.channel === channel && peer.height(channel) >= height) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

/** Channel names that have a genesis block in the data dir. */
function channelsOnDisk(dataDir: string): string[] {
  const dir = join(dataDir, 'channels');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((c) => existsSync(layout.genesis(dataDir, c)))
    .sort();
}

/** The member orgs of a channel's first configuration. */
function genesisOrgs(genesis: Uint8Array): string[] {
  const tx = parseEnvelope(parseBlock(genesis).envelopes[0]!);
  if (tx.type !== 'config')
    throw new ConsortiaError('LEDGER_CORRUPT', 'the genesis block holds no channel configuration');
  return decodeChannelConfig(tx.config.config).orgs.map((o) => o.mspId);
}

const INSTALLED_FILE = 'installed-contracts.json';

/** Module paths of the contract packages installed at run time. */
function readInstalled(dataDir: string): string[] {
  const path = join(dataDir, INSTALLED_FILE);
  if (!existsSync(path)) return [];
  try {
    const list = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (Array.isArray(list) && list.every((x) => typeof x === 'string')) return list;
  } catch {
    // fall through
  }
  throw new ConsortiaError('DATA_DIR_CORRUPT', `${path} is not a JSON list of module paths`);
}
