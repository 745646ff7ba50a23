import { bytesEqual, ConsortiaError, type Logger, silentLogger, toConsortiaError } from '../common/index.js';
import type { OrdererHandle, PeerHandle } from '../network/index.js';
import { type BlockEvent, storedBlockEvent, type TxStatus } from '../peer/index.js';
import { minimalSignerSets, parsePolicy } from '../policy/index.js';
import { decodeProposalResponse, fromResponseError } from './responses.js';

export interface GatewayServiceOptions {
  readonly peers: readonly PeerHandle[];
  readonly orderers: readonly OrdererHandle[];
  readonly logger?: Logger;
  /** How long submit waits for a commit status before CommitStatusError (ms). */
  readonly commitTimeoutMs?: number;
}

/**
 * The gateway's server side: it picks endorsers that can satisfy a contract's policy, fans a
 * signed proposal out to them, forwards signed envelopes to an orderer (failing over to the
 * next), and reports commit status and block events. It never holds a client's key.
 */
export class GatewayService {
  readonly #peers: readonly PeerHandle[];
  readonly #orderers: readonly OrdererHandle[];
  readonly #logger: Logger;
  readonly #setsCache = new Map<string, readonly (readonly string[])[]>();
  readonly commitTimeoutMs: number;

  constructor(opts: Readonly<GatewayServiceOptions>) {
    this.#peers = opts.peers;
    this.#orderers = opts.orderers;
    this.#logger = opts.logger ?? silentLogger;
    this.commitTimeoutMs = opts.commitTimeoutMs ?? 30_000;
  }

  #channelPeers(channel: string): PeerHandle[] {
    const peers = this.#peers.filter((p) => p.channels().includes(channel));
    if (peers.length === 0)
      throw new ConsortiaError('UNKNOWN_CHANNEL', `no peer of this gateway serves channel ${channel}`, {
        channel,
      });
    return peers;
  }

  /** Channels served by at least one peer. */
  channels(): string[] {
    return [...new Set(this.#peers.flatMap((p) => p.channels()))].sort();
  }

  /** The first peer of `channel`, preferring `mspId`'s own, for queries and events. */
  peerFor(channel: string, mspId?: string): PeerHandle {
    const peers = this.#channelPeers(channel);
    return peers.find((p) => p.mspId === mspId) ?? peers[0]!;
  }

  peers(): readonly PeerHandle[] {
    return this.#peers;
  }

  /**
   * Collects endorsements for a signed proposal. Endorser sets are tried smallest first,
   * preferring sets that include the client's org; a contract refusal (4xx) is returned to the
   * caller at once, a peer that fails (5xx or unreachable) makes the gateway try another set.
   * Returns the proposal responses of one satisfying set.
   */
  /**
   * The org sets that satisfy a policy with the orgs that have peers here, remembered per policy
   * text and orgs (parsing and searching the policy on every call showed in profiles).
   */
  #signerSets(
    policyText: string,
    peerOrgs: readonly string[],
    orgs: readonly string[],
  ): readonly (readonly string[])[] {
    const key = `${policyText}\n${peerOrgs.join(',')}\n${orgs.join(',')}`;
    let sets = this.#setsCache.get(key);
    if (sets === undefined) {
      sets = minimalSignerSets(
        parsePolicy(policyText),
        peerOrgs.map((mspId) => ({ mspId, role: 'peer' as const })),
        64,
        { orgs },
      );
      if (this.#setsCache.size >= 256) this.#setsCache.clear();
      this.#setsCache.set(key, sets);
    }
    return sets;
  }

  async endorse(
    channel: string,
    contract: string,
    signedProposal: Uint8Array,
    clientMspId?: string,
  ): Promise<Uint8Array[]> {
    const peers = this.#channelPeers(channel);
    const policyText = peers[0]!.contractPolicy(channel, contract);
    if (policyText === undefined) {
      throw new ConsortiaError(
        'UNKNOWN_CONTRACT',
        `contract ${contract} is not defined on channel ${channel}`,
        { channel, contract },
      );
    }
    const orgs = peers[0]!.channelOrgs(channel);
    const byOrg = new Map<string, PeerHandle[]>();
    for (const p of peers) byOrg.set(p.mspId, [...(byOrg.get(p.mspId) ?? []), p]);
    const sets = [...this.#signerSets(policyText, [...byOrg.keys()], orgs)];
    if (sets.length === 0) {
      throw new ConsortiaError(
        'NO_ENDORSERS',
        `the peers of channel ${channel} cannot satisfy policy ${policyText}`,
        { channel, contract },
      );
    }
    sets.sort(
      (a, b) =>
        a.length - b.length || Number(b.includes(clientMspId ?? '')) - Number(a.includes(clientMspId ?? '')),
    );
    let lastError: ConsortiaError | undefined;
    for (const set of sets) {
      const chosen = set.map((mspId) => byOrg.get(mspId)![0]!);
      // A block can commit between the endorsers' simulations, so they read different versions
      // and their results cannot agree: once they are level again, endorse once more. Results
      // that still differ (a nondeterministic contract) go back to the client as they are.
      for (let attempt = 1; ; attempt++) {
        const outcome = await this.#endorseWith(chosen, channel, signedProposal);
        if (outcome.kind === 'failed') {
          lastError = outcome.error ?? lastError;
          break;
        }
        if (outcome.kind === 'agreed' || attempt === 2) return outcome.responses;
      }
    }
    throw (
      lastError ??
      new ConsortiaError(
        'ENDORSERS_UNAVAILABLE',
        `no set of endorsers for ${contract} on ${channel} answered`,
        { channel, contract },
      )
    );
  }

  /**
   * Endorses on one set of peers once they are at the same height (bounded). A refusal (4xx)
   * is thrown; a peer that fails or cannot be reached makes the set `failed`.
   */
  async #endorseWith(
    chosen: readonly PeerHandle[],
    channel: string,
    signedProposal: Uint8Array,
  ): Promise<
    | { kind: 'agreed' | 'differ'; responses: Uint8Array[] }
    | { kind: 'failed'; error: ConsortiaError | undefined }
  > {
    await sameHeight(chosen, channel, 2_000);
    const responses = await Promise.all(
      chosen.map((p) =>
        p.endorse(signedProposal).catch((err: unknown) => {
          this.#logger.warn({ peer: p.id, err }, 'endorser unreachable');
          return undefined;
        }),
      ),
    );
    let failed = false;
    let error: ConsortiaError | undefined;
    const payloads: Uint8Array[] = [];
    for (const r of responses) {
      if (!r) {
        failed = true;
        continue;
      }
      const decoded = decodeProposalResponse(r);
      if (decoded.response.status !== 200) {
        const err = fromResponseError(decoded.response);
        if (decoded.response.status < 500) throw err;
        error = err;
        failed = true;
      }
      payloads.push(decoded.payload);
    }
    if (failed) return { kind: 'failed', error };
    const agreed = payloads.every((p) => bytesEqual(p, payloads[0]!));
    return { kind: agreed ? 'agreed' : 'differ', responses: responses as Uint8Array[] };
  }

  /** Evaluates a query on one peer, preferring the client's org and failing over to others. */
  async evaluate(channel: string, signedProposal: Uint8Array, clientMspId?: string): Promise<Uint8Array> {
    const peers = this.#channelPeers(channel).sort(
      (a, b) => Number(b.mspId === clientMspId) - Number(a.mspId === clientMspId),
    );
    let lastError: unknown;
    for (const p of peers) {
      try {
        return await p.evaluate(signedProposal);
      } catch (err) {
        lastError = err;
        this.#logger.warn({ peer: p.id, err }, 'peer unreachable for evaluate');
      }
    }
    throw toConsortiaError(lastError, 'PEERS_UNAVAILABLE');
  }

  /** Sends a signed envelope to an orderer, failing over to the next when one is unreachable. */
  async submit(envelope: Uint8Array): Promise<void> {
    let lastError: unknown;
    for (const o of this.#orderers) {
      try {
        await o.broadcast(envelope);
        return;
      } catch (err) {
        const e = toConsortiaError(err);
        // A refusal is final; only an unavailable orderer is worth a retry elsewhere.
        if (e.code !== 'ORDERER_STOPPED' && e.code !== 'UNAVAILABLE') throw e;
        lastError = e;
      }
    }
    throw toConsortiaError(lastError, 'ORDERERS_UNAVAILABLE');
  }

  /** Waits for a transaction's commit on the client's org peer (or another of the channel). */
  async commitStatus(
    channel: string,
    txId: string,
    clientMspId?: string,
    timeoutMs = this.commitTimeoutMs,
  ): Promise<TxStatus | { blockNumber: number; validationCode: number }> {
    const status = await this.#statusOnOwnPeer(channel, txId, clientMspId, timeoutMs);
    // Read-your-writes across orgs: let this gateway's other peers of the channel reach the block
    // too (briefly, bounded), so a query right after a submit sees it on any org's peer.
    await atHeight(this.#channelPeers(channel), channel, status.blockNumber + 1, 2_000);
    return status;
  }

  async #statusOnOwnPeer(
    channel: string,
    txId: string,
    clientMspId: string | undefined,
    timeoutMs: number,
  ): Promise<TxStatus | { blockNumber: number; validationCode: number }> {
    const peer = this.peerFor(channel, clientMspId);
    const done = peer.txStatus(channel, txId);
    if (done) return done;
    const signal = AbortSignal.timeout(timeoutMs);
    const waiting = peer.waitForTx(channel, txId, signal);
    const again = peer.txStatus(channel, txId);
    if (again) {
      waiting.catch(() => undefined);
      return again;
    }
    try {
      return await waiting;
    } catch {
      throw new ConsortiaError(
        'COMMIT_TIMEOUT',
        `transaction ${txId} did not commit within ${timeoutMs} ms`,
        { txId },
      );
    }
  }

  /** Block events of a channel from `from` on (stored blocks first), until `signal` aborts. */
  blockEvents(
    channel: string,
    opts: { from?: number; signal?: AbortSignal; mspId?: string } = {},
  ): AsyncIterable<BlockEvent> {
    const peer = this.peerFor(channel, opts.mspId);
    return blockStream(peer, channel, opts.from, opts.signal);
  }
}

async function* blockStream(
  peer: PeerHandle,
  channel: string,
  from: number | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<BlockEvent> {
  const queue: BlockEvent[] = [];
  let wake: (() => void) | undefined;
  const off = peer.onBlock((e) => {
    if (e.channel !== channel) return;
    queue.push(e);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    let next = from ?? peer.height(channel);
    const stored = peer.height(channel);
    for (; next < stored; next++) {
      if (signal?.aborted) return;
      yield storedBlockEvent(peer.getBlock(channel, next)!);
    }
    while (!signal?.aborted) {
      const e = queue.shift();
      if (!e) {
        await new Promise<void>((r) => {
          wake = r;
        });
        wake = undefined;
        continue;
      }
      if (e.number < next) continue;
      next = e.number + 1;
      yield e;
    }
  } finally {
    off();
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Resolves when `peers` are at the same height on `channel`, or after `timeoutMs` regardless. */
function sameHeight(peers: readonly PeerHandle[], channel: string, timeoutMs: number): Promise<void> {
  return atHeight(peers, channel, Math.max(...peers.map((p) => p.height(channel))), timeoutMs);
}

/** Resolves when every peer reached `height` on `channel`, or after `timeoutMs` regardless. */
async function atHeight(
  peers: readonly PeerHandle[],
  channel: string,
  height: number,
  timeoutMs: number,
): Promise<void> {
  const behind = () => peers.some((p) => p.channels().includes(channel) && p.height(channel) < height);
  if (!behind()) return;
  await new Promise<void>((resolve) => {
    const offs: (() => void)[] = [];
    const done = () => {
      clearTimeout(timer);
      for (const off of offs) off();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    for (const p of peers) offs.push(p.onBlock(() => (behind() ? undefined : done())));
  });
}
