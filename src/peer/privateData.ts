import { ConsortiaError, fromHex } from '../common/index.js';
import type { BlockPrivateData, Ledger } from '../ledger/index.js';
import {
  type CollectionPvtWrites,
  type ContractDefinition,
  decodePrivateDataMessage,
  encodePrivateDataMessage,
  matchesHashedWrites,
  type NsPvtWrites,
  type ParsedTx,
  type PrivateDataPullItem,
  type PulledEntry,
  ValidationCode,
} from '../protocol/index.js';
import type { ChannelContext } from './channelContext.js';
import { findCollection } from './collections.js';
import type { PrivateDataPeer, PrivateDataTransport } from './privateDataTransport.js';
import { TransientStore } from './transientStore.js';

/** Codes of private data dissemination. */
export const PrivateDataCodes = {
  /** An endorser could not reach `requiredPeerCount` other member peers; it did not sign. */
  PRIVATE_DATA_DISSEMINATION_FAILED: 'PRIVATE_DATA_DISSEMINATION_FAILED',
  /** This peer cannot send private data (no transport, or the contract's collection is unknown). */
  PRIVATE_DATA_UNAVAILABLE: 'PRIVATE_DATA_UNAVAILABLE',
  NOT_A_COLLECTION_MEMBER: 'NOT_A_COLLECTION_MEMBER',
  UNKNOWN_COLLECTION: 'UNKNOWN_COLLECTION',
} as const;

/** A channel as the private data service needs it. */
export interface PrivateDataChannel {
  readonly context: ChannelContext;
  readonly ledger: Ledger;
}

/** Options of {@link PrivateDataService}. */
export interface PrivateDataServiceOptions {
  readonly self: PrivateDataPeer;
  readonly transport?: PrivateDataTransport | undefined;
  readonly channel: (name: string) => PrivateDataChannel | undefined;
  readonly transient?: TransientStore;
}

/** What one reconciliation round did. */
export interface ReconcileResult {
  /** Values pulled from other member peers and stored. */
  readonly stored: number;
  /** Missing records (collections of transactions this peer missed) still open afterwards. */
  readonly stillMissing: number;
  /** Keys of member collections whose value this peer still lacks. */
  readonly unheldKeys: number;
}

/**
 * A peer's side of private data: it sends an endorsement's plaintext to other member peers,
 * keeps what it receives in the transient store until the block commits, hands the ledger the
 * plaintext that matches a block's hashes (and what is missing), and answers and makes
 * reconciliation pulls.
 *
 * @example
 * const pvt = new PrivateDataService({ self: { id: 'TelcoA.peer0', mspId: 'TelcoA' }, transport, channel });
 * await pvt.disseminate('telecom', txId, definition, sim.privateWrites, ledger.height);
 */
export class PrivateDataService {
  readonly #opts: PrivateDataServiceOptions;
  readonly transient: TransientStore;

  constructor(opts: Readonly<PrivateDataServiceOptions>) {
    this.#opts = opts;
    this.transient = opts.transient ?? new TransientStore();
  }

  get mspId(): string {
    return this.#opts.self.mspId;
  }

  /**
   * Keeps this peer's share of an endorsement's private writes and sends each collection to up
   * to `maxPeerCount` other member peers (only the collections each one's org is a member of).
   * Throws PRIVATE_DATA_DISSEMINATION_FAILED when fewer than `requiredPeerCount` took it.
   */
  async disseminate(
    channel: string,
    txId: string,
    def: ContractDefinition,
    writes: NsPvtWrites,
    height: number,
  ): Promise<void> {
    const self = this.#opts.self;
    const plans: { c: CollectionPvtWrites; required: number; targets: PrivateDataPeer[] }[] = [];
    const local: CollectionPvtWrites[] = [];
    for (const c of writes.collections) {
      const cfg = findCollection(def, c.collection);
      if (!cfg) {
        throw new ConsortiaError(
          PrivateDataCodes.UNKNOWN_COLLECTION,
          `contract ${def.name} has no collection ${c.collection}`,
          { collection: c.collection },
        );
      }
      if (cfg.memberOrgs.includes(self.mspId)) local.push(c);
      const peers = this.#opts.transport?.peers(channel, cfg.memberOrgs, self.id) ?? [];
      plans.push({
        c,
        required: cfg.requiredPeerCount,
        targets: spreadOverOrgs(peers, self.mspId).slice(0, cfg.maxPeerCount),
      });
    }
    if (local.length > 0) {
      this.transient.put(channel, txId, { namespace: writes.namespace, collections: local }, height);
    }
    const byTarget = new Map<string, { peer: PrivateDataPeer; collections: CollectionPvtWrites[] }>();
    for (const p of plans) {
      for (const t of p.targets) {
        const entry = byTarget.get(t.id) ?? { peer: t, collections: [] };
        entry.collections.push(p.c);
        byTarget.set(t.id, entry);
      }
    }
    const transport = this.#opts.transport;
    const delivered = new Set<string>();
    await Promise.all(
      [...byTarget.values()].map(async ({ peer, collections }) => {
        if (!transport) return;
        const message = encodePrivateDataMessage({
          type: 'push',
          channel,
          txId,
          namespace: writes.namespace,
          collections,
        });
        try {
          await transport.push(self, peer.id, message);
          delivered.add(peer.id);
        } catch {
          // not counted: requiredPeerCount decides whether the endorsement can go on
        }
      }),
    );
    for (const p of plans) {
      const reached = p.targets.filter((t) => delivered.has(t.id)).length;
      if (reached < p.required) {
        throw new ConsortiaError(
          PrivateDataCodes.PRIVATE_DATA_DISSEMINATION_FAILED,
          `the private data of collection ${p.c.collection} reached ${reached} other member peer(s) but needs ${p.required}; retry when more member peers are up`,
          { collection: p.c.collection, reached, required: p.required },
        );
      }
    }
  }

  /** Keeps a push from another peer (of org `fromMspId`): only collections this peer's org is a member of. */
  receive(message: Uint8Array, fromMspId: string): void {
    const push = decodePrivateDataMessage(message, 'push');
    const ch = this.#channel(push.channel);
    if (!ch.context.appOrgs.includes(fromMspId)) {
      throw new ConsortiaError(
        'FORBIDDEN',
        `${fromMspId} is not a member of channel ${push.channel} and may not send it private data`,
      );
    }
    const def = ch.context.contract(push.namespace)?.definition;
    const mine = push.collections.filter((c) =>
      findCollection(def, c.collection)?.memberOrgs.includes(this.#opts.self.mspId),
    );
    if (mine.length === 0) {
      throw new ConsortiaError(
        PrivateDataCodes.NOT_A_COLLECTION_MEMBER,
        `${this.#opts.self.id} is not a member of the collections it was sent; it kept nothing`,
      );
    }
    this.transient.put(
      push.channel,
      push.txId,
      { namespace: push.namespace, collections: mine },
      ch.ledger.height,
    );
  }

  /** Answers a reconciliation pull from a peer of org `fromMspId` with what that org may see. */
  serve(message: Uint8Array, fromMspId: string): Uint8Array {
    const pull = decodePrivateDataMessage(message, 'pull');
    const ch = this.#channel(pull.channel);
    const entries: PulledEntry[] = [];
    for (const item of pull.items) {
      const cfg = findCollection(ch.context.contract(item.namespace)?.definition, item.collection);
      if (!cfg?.memberOrgs.includes(fromMspId)) continue;
      for (const hex of item.keyHashes) {
        const found = ch.ledger.privateData.getAt(item.namespace, item.collection, fromHex(hex), item);
        if (found) entries.push({ ...item, key: found.key, value: found.value });
      }
    }
    return encodePrivateDataMessage({ type: 'pulled', channel: pull.channel, entries });
  }

  /**
   * The plaintext this member peer holds for a validated block's valid transactions (checked
   * against the block's hashes), and the member collections it lacks.
   */
  forBlock(
    context: ChannelContext,
    codes: Uint8Array,
    txs: readonly (ParsedTx | undefined)[],
  ): BlockPrivateData | undefined {
    const values: BlockPrivateData['values'][number][] = [];
    const missing: BlockPrivateData['missing'][number][] = [];
    txs.forEach((tx, i) => {
      if (tx?.type !== 'endorser' || codes[i] !== ValidationCode.VALID) return;
      for (const ns of tx.responsePayload.results?.ns ?? []) {
        for (const c of ns.collections) {
          if (!c.writes.some((w) => !w.isDelete)) continue;
          const cfg = findCollection(context.contract(ns.namespace)?.definition, c.collection);
          if (!cfg?.memberOrgs.includes(this.#opts.self.mspId)) continue;
          const held = this.transient.get(context.channel, tx.txId);
          const pvt =
            held?.namespace === ns.namespace
              ? held.collections.find((x) => x.collection === c.collection)
              : undefined;
          if (pvt && matchesHashedWrites(pvt, c)) {
            values.push({ tx: i, namespace: ns.namespace, collection: c.collection, writes: pvt.writes });
          } else {
            missing.push({ tx: i, namespace: ns.namespace, collection: c.collection });
          }
        }
      }
    });
    return values.length === 0 && missing.length === 0 ? undefined : { values, missing };
  }

  /** After a commit at `height`: forgets the block's transactions and expires old transient data. */
  committed(channel: string, txs: readonly (ParsedTx | undefined)[], height: number): void {
    if (this.transient.size === 0) return;
    for (const tx of txs) if (tx) this.transient.delete(channel, tx.txId);
    this.transient.expire(channel, height);
  }

  /**
   * Pulls the values this member peer lacks on `channel` (every hashed entry of a collection its
   * org is a member of that has no value here) from other member peers, checks them against the
   * hashed state and stores them; then forgets the missing records that are settled.
   */
  async reconcile(channel: string): Promise<ReconcileResult> {
    const ch = this.#channel(channel);
    const store = ch.ledger.privateData;
    const work = () => this.#unheld(ch);
    let items = work();
    let stored = 0;
    const transport = this.#opts.transport;
    if (items.length > 0 && transport) {
      const orgs = [
        ...new Set(
          items.flatMap(
            (i) =>
              findCollection(ch.context.contract(i.namespace)?.definition, i.collection)?.memberOrgs ?? [],
          ),
        ),
      ];
      for (const peer of spreadOverOrgs(transport.peers(channel, orgs, this.#opts.self.id), '')) {
        if (items.length === 0) break;
        try {
          const answer = await transport.pull(
            this.#opts.self,
            peer.id,
            encodePrivateDataMessage({ type: 'pull', channel, items }),
          );
          stored += store.storeReconciled(decodePrivateDataMessage(answer, 'pulled').entries);
        } catch {
          // that peer could not answer; try the next one
        }
        items = work();
      }
    }
    const open = new Set(items.map((i) => `${i.namespace}\0${i.collection}\0${i.block}\0${i.tx}`));
    let stillMissing = 0;
    for (const m of store.missing()) {
      if (open.has(`${m.namespace}\0${m.collection}\0${m.block}\0${m.tx}`)) stillMissing++;
      else store.resolveMissing(m);
    }
    const unheldKeys = items.reduce((n, i) => n + i.keyHashes.length, 0);
    return { stored, stillMissing, unheldKeys };
  }

  /** The values this peer should hold but lacks, grouped as pull items. */
  #unheld(ch: PrivateDataChannel): PrivateDataPullItem[] {
    const items = new Map<
      string,
      { namespace: string; collection: string; block: number; tx: number; keyHashes: string[] }
    >();
    for (const { definition } of ch.context.contracts()) {
      for (const c of definition.collections ?? []) {
        if (!c.memberOrgs.includes(this.#opts.self.mspId)) continue;
        for (const u of ch.ledger.privateData.unheld(definition.name, c.name)) {
          const id = `${definition.name}\0${c.name}\0${u.block}\0${u.tx}`;
          const item = items.get(id) ?? {
            namespace: definition.name,
            collection: c.name,
            block: u.block,
            tx: u.tx,
            keyHashes: [],
          };
          item.keyHashes.push(u.keyHash);
          items.set(id, item);
        }
      }
    }
    return [...items.values()];
  }

  #channel(name: string): PrivateDataChannel {
    const ch = this.#opts.channel(name);
    if (!ch) {
      throw new ConsortiaError(
        'UNKNOWN_CHANNEL',
        `peer ${this.#opts.self.id} has not joined channel ${name}`,
        {
          channel: name,
        },
      );
    }
    return ch;
  }
}

/**
 * Orders peers so that consecutive ones belong to different orgs, other orgs than `ownOrg` first:
 * the first few reached then span as many member orgs as possible.
 */
function spreadOverOrgs(peers: readonly PrivateDataPeer[], ownOrg: string): PrivateDataPeer[] {
  const byOrg = new Map<string, PrivateDataPeer[]>();
  for (const p of peers) byOrg.set(p.mspId, [...(byOrg.get(p.mspId) ?? []), p]);
  const orgs = [...byOrg.keys()].sort((a, b) => Number(a === ownOrg) - Number(b === ownOrg));
  const out: PrivateDataPeer[] = [];
  for (let round = 0; out.length < peers.length; round++) {
    for (const org of orgs) {
      const p = byOrg.get(org)![round];
      if (p) out.push(p);
    }
  }
  return out;
}

/**
 * Sends an endorsement's private writes when there are any; without a service it refuses
 * (PRIVATE_DATA_UNAVAILABLE), since member peers would never get the plaintext.
 *
 * @example
 * if (sim.privateWrites) await disseminateWrites(service, channel, txId, def, sim.privateWrites, ledger.height);
 */
export async function disseminateWrites(
  service: PrivateDataService | undefined,
  channel: string,
  txId: string,
  def: ContractDefinition,
  writes: NsPvtWrites | undefined,
  height: number,
): Promise<void> {
  if (writes === undefined || writes.collections.length === 0) return;
  if (!service) {
    throw new ConsortiaError(
      PrivateDataCodes.PRIVATE_DATA_UNAVAILABLE,
      'this peer cannot send private data to other peers; endorse on a peer with private data enabled',
    );
  }
  await service.disseminate(channel, txId, def, writes, height);
}
