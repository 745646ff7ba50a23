/**
 * Test helper (imported by the ledger's tests only): builds real, deterministic blocks with the
 * protocol helpers. Nonces, timestamps and so tx ids depend only on the seed; signatures are real
 * but random, which the ledger does not look at.
 */
import { create } from '@bufbuild/protobuf';
import { utf8 } from '../common/index.js';
import { generateKeyPair, type KeyPair, sha256, signBytes } from '../crypto/index.js';
import {
  assembleConfigTransaction,
  type ChannelConfig,
  DEFAULT_BATCH,
  DEFAULT_POLICIES,
  encodeBlock,
  encodeConfigPayload,
  encodeEnvelope,
  encodeIdentity,
  encodeResponsePayload,
  encodeTransactionPayload,
  KeyPolicyWriteSchema,
  KVWriteSchema,
  NsRwSetSchema,
  newBlockHeader,
  newConfigUpdate,
  newProposal,
  type ParsedBlock,
  parseBlock,
  TxRwSetSchema,
  ValidationCode,
} from '../protocol/index.js';

export interface WriteSpec {
  readonly ns?: string;
  readonly key: string;
  readonly value?: string | Uint8Array;
  readonly delete?: boolean;
}

export interface TxSpec {
  readonly writes?: readonly WriteSpec[];
  readonly keyPolicies?: readonly { ns?: string; key: string; policy: string }[];
  /** Validation code of the transaction in its block (default VALID). */
  readonly code?: number;
  /** Reuse this nonce (and so this tx id) instead of a fresh one. */
  readonly nonce?: Uint8Array;
  /** A config transaction setting this sequence instead of an endorser transaction. */
  readonly configSequence?: number;
  /** Raw envelope bytes (e.g. garbage) instead of a built transaction. */
  readonly raw?: Uint8Array;
}

export interface BuiltBlock {
  readonly block: ParsedBlock;
  readonly txIds: readonly (string | undefined)[];
  readonly nonces: readonly (Uint8Array | undefined)[];
}

export const TEST_CHANNEL = 'testchannel';
const BASE_TIME = 1_700_000_000_000;

export function testConfig(channel: string, sequence: number): ChannelConfig {
  return {
    channel,
    sequence,
    orgs: [{ mspId: 'Org1', rootCerts: ['cm9vdA=='] }],
    ordererOrgs: [{ mspId: 'OrdererOrg', rootCerts: ['cm9vdA=='] }],
    policies: DEFAULT_POLICIES,
    batch: DEFAULT_BATCH,
    ordering: { type: 'solo', signaturesRequired: 1 },
    contracts: [],
  };
}

/** A chain of test blocks; each `next` call builds the following block. */
export class TestChain {
  readonly channel: string;
  readonly #seed: string;
  readonly #key: KeyPair = generateKeyPair();
  readonly #creator: Uint8Array = encodeIdentity('Org1', utf8('not-a-real-certificate'));
  #counter = 0;
  #number = 0;
  #previousHash: Uint8Array = new Uint8Array(0);

  constructor(opts: Readonly<{ channel?: string; seed?: string }> = {}) {
    this.channel = opts.channel ?? TEST_CHANNEL;
    this.#seed = opts.seed ?? 'seed';
  }

  #tick(): { nonce: Uint8Array; timestamp: number } {
    this.#counter += 1;
    return {
      nonce: sha256(utf8(`${this.#seed}:${this.#counter}`)).subarray(0, 24),
      timestamp: BASE_TIME + this.#counter * 1000,
    };
  }

  /** The timestamp the next endorser transaction will get. */
  get nextTimestamp(): number {
    return BASE_TIME + (this.#counter + 1) * 1000;
  }

  #endorserTx(spec: TxSpec): { envelope: Uint8Array; txId: string; nonce: Uint8Array } {
    const t = this.#tick();
    const nonce = spec.nonce ?? t.nonce;
    const proposal = newProposal({
      channel: this.channel,
      contract: 'asset',
      fn: 'put',
      creator: this.#creator,
      nonce,
      timestamp: t.timestamp,
    });
    const namespaces = new Map<
      string,
      { writes: WriteSpec[]; policies: { key: string; policy: string }[] }
    >();
    const nsOf = (ns = 'asset') => {
      let entry = namespaces.get(ns);
      if (!entry) {
        entry = { writes: [], policies: [] };
        namespaces.set(ns, entry);
      }
      return entry;
    };
    for (const w of spec.writes ?? []) nsOf(w.ns).writes.push(w);
    for (const p of spec.keyPolicies ?? []) nsOf(p.ns).policies.push(p);
    const results = create(TxRwSetSchema, {
      ns: [...namespaces].map(([namespace, e]) =>
        create(NsRwSetSchema, {
          namespace,
          writes: e.writes.map((w) =>
            create(KVWriteSchema, {
              key: w.key,
              value: typeof w.value === 'string' ? utf8(w.value) : (w.value ?? new Uint8Array(0)),
              isDelete: w.delete === true,
            }),
          ),
          keyPolicies: e.policies.map((p) => create(KeyPolicyWriteSchema, { key: p.key, policy: p.policy })),
        }),
      ),
    });
    const responsePayload = encodeResponsePayload({
      proposalHash: sha256(proposal.bytes),
      results,
      events: [],
      status: 200,
      message: '',
      payload: new Uint8Array(0),
      contractVersion: '1',
    });
    const endorser = this.#creator;
    const endorsement = { endorser, signature: signBytes(this.#key.privateKey, responsePayload) };
    const payload = encodeTransactionPayload(proposal.bytes, responsePayload, [endorsement]);
    return {
      envelope: encodeEnvelope(payload, signBytes(this.#key.privateKey, payload)),
      txId: proposal.txId,
      nonce,
    };
  }

  #configTx(sequence: number): { envelope: Uint8Array; txId: string; nonce: Uint8Array } {
    const t = this.#tick();
    const update = newConfigUpdate({
      config: testConfig(this.channel, sequence),
      creator: this.#creator,
      ...t,
    });
    const payload = encodeConfigPayload(assembleConfigTransaction(update, []));
    return {
      envelope: encodeEnvelope(payload, signBytes(this.#key.privateKey, payload)),
      txId: update.txId,
      nonce: t.nonce,
    };
  }

  /** Builds the next block of the chain from transaction specs, with their validation codes set. */
  next(specs: readonly TxSpec[]): BuiltBlock {
    const built = specs.map((s) => {
      if (s.raw !== undefined) return { envelope: s.raw, txId: undefined, nonce: undefined };
      return s.configSequence !== undefined ? this.#configTx(s.configSequence) : this.#endorserTx(s);
    });
    const envelopes = built.map((b) => b.envelope);
    const codes = Uint8Array.from(specs.map((s) => s.code ?? ValidationCode.VALID));
    const header = newBlockHeader({
      channel: this.channel,
      number: this.#number,
      previousHash: this.#previousHash,
      envelopes,
      timestamp: BASE_TIME + this.#number,
    });
    const signature = { signer: this.#creator, signature: signBytes(this.#key.privateKey, header) };
    const block = parseBlock(encodeBlock(header, envelopes, [signature], codes));
    this.#number += 1;
    this.#previousHash = block.hash;
    return { block, txIds: built.map((b) => b.txId), nonces: built.map((b) => b.nonce) };
  }
}

/**
 * A fixed scenario of `count` blocks: a genesis config block, then blocks that write, overwrite and
 * delete keys of two namespaces. Two calls give blocks with the same state effects.
 */
export function scenarioBlocks(count: number, seed = 'scenario'): ParsedBlock[] {
  const chain = new TestChain({ seed });
  const out: ParsedBlock[] = [chain.next([{ configSequence: 0 }]).block];
  for (let n = 1; n < count; n++) {
    out.push(
      chain.next([
        {
          writes: [
            { key: `k${n}`, value: `v${n}` },
            { key: 'counter', value: String(n) },
          ],
        },
        {
          writes: [{ ns: 'other', key: `o${n}`, value: `w${n}` }],
          keyPolicies: [{ key: `k${n}`, policy: "OR('Org1.member')" }],
        },
        { writes: [{ key: 'lost', value: 'never' }], code: ValidationCode.MVCC_READ_CONFLICT },
        ...(n > 1 ? [{ writes: [{ key: `k${n - 1}`, delete: true }] }] : []),
      ]).block,
    );
  }
  return out;
}
