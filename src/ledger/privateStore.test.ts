import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { afterEach, describe, expect, it } from 'vitest';
import { fromUtf8, toHex, utf8 } from '../common/index.js';
import { generateKeyPair, sha256, signBytes } from '../crypto/index.js';
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
  hashedCollection,
  NsRwSetSchema,
  newBlockHeader,
  newConfigUpdate,
  newProposal,
  type ParsedBlock,
  type PvtWrite,
  parseBlock,
  privateKeyHash,
  TxRwSetSchema,
  ValidationCode,
} from '../protocol/index.js';
import { type BlockPrivateData, Ledger, PRIVATE_DIR, VALUES_FILE } from './index.js';
import { PrivateValueFile } from './privateValueFile.js';

const CHANNEL = 'pvt';
const NS = 'notes';
const key = generateKeyPair();
const creator = encodeIdentity('Org1', utf8('not-a-real-certificate'));
const dirs: string[] = [];
const open: Ledger[] = [];

afterEach(async () => {
  for (const l of open.splice(0)) await l.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function newLedger(dir?: string): Promise<{ ledger: Ledger; dir: string }> {
  const d = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-'));
  if (!dir) dirs.push(d);
  const ledger = await Ledger.open({ dir: d, channel: CHANNEL });
  open.push(ledger);
  return { ledger, dir: d };
}

function config(): ChannelConfig {
  const collection = (name: string, blockToLive: number) => ({
    name,
    memberOrgs: ['Org1'],
    requiredPeerCount: 0,
    maxPeerCount: 1,
    blockToLive,
    memberOnlyRead: true,
    memberOnlyWrite: true,
  });
  return {
    channel: CHANNEL,
    sequence: 0,
    orgs: [{ mspId: 'Org1', rootCerts: ['cm9vdA=='] }],
    ordererOrgs: [{ mspId: 'OrdererOrg', rootCerts: ['cm9vdA=='] }],
    policies: DEFAULT_POLICIES,
    batch: DEFAULT_BATCH,
    ordering: { type: 'solo', signaturesRequired: 1 },
    contracts: [
      {
        name: NS,
        version: '1',
        sequence: 1,
        endorsementPolicy: 'ANY Writers',
        collections: [collection('keep', 0), collection('short', 2)],
      },
    ],
  };
}

interface PvtTx {
  readonly collection: string;
  readonly writes: readonly PvtWrite[];
  readonly code?: number;
}

/** Builds blocks whose endorser transactions carry hashed collection writes (and keeps the plaintext). */
class PvtChain {
  #number = 0;
  #previous: Uint8Array = new Uint8Array(0);
  #counter = 0;

  genesis(): ParsedBlock {
    const update = newConfigUpdate({ config: config(), creator, nonce: this.#nonce(), timestamp: 1 });
    const payload = encodeConfigPayload(assembleConfigTransaction(update, []));
    return this.#block([encodeEnvelope(payload, signBytes(key.privateKey, payload))], [ValidationCode.VALID]);
  }

  #nonce(): Uint8Array {
    this.#counter++;
    return sha256(utf8(`pvt:${this.#counter}`)).subarray(0, 24);
  }

  /** A block of transactions, and the private data a member holding all of it hands the ledger. */
  next(txs: readonly PvtTx[]): { block: ParsedBlock; data: BlockPrivateData } {
    const envelopes = txs.map((t) => {
      const proposal = newProposal({
        channel: CHANNEL,
        contract: NS,
        fn: 'put',
        creator,
        nonce: this.#nonce(),
        timestamp: 1000 + this.#counter,
      });
      const results = create(TxRwSetSchema, {
        ns: [
          create(NsRwSetSchema, {
            namespace: NS,
            collections: [hashedCollection({ collection: t.collection, writes: t.writes }, [])],
          }),
        ],
      });
      const rp = encodeResponsePayload({
        proposalHash: sha256(proposal.bytes),
        results,
        events: [],
        status: 200,
        message: '',
        payload: new Uint8Array(0),
        contractVersion: '1',
      });
      const payload = encodeTransactionPayload(proposal.bytes, rp, [
        { endorser: creator, signature: signBytes(key.privateKey, rp) },
      ]);
      return encodeEnvelope(payload, signBytes(key.privateKey, payload));
    });
    const block = this.#block(
      envelopes,
      txs.map((t) => t.code ?? ValidationCode.VALID),
    );
    const data: BlockPrivateData = {
      values: txs.map((t, tx) => ({ tx, namespace: NS, collection: t.collection, writes: t.writes })),
      missing: [],
    };
    return { block, data };
  }

  #block(envelopes: Uint8Array[], codes: number[]): ParsedBlock {
    const header = newBlockHeader({
      channel: CHANNEL,
      number: this.#number,
      previousHash: this.#previous,
      envelopes,
      timestamp: 1_700_000_000_000 + this.#number,
    });
    const block = parseBlock(
      encodeBlock(
        header,
        envelopes,
        [{ signer: creator, signature: signBytes(key.privateKey, header) }],
        Uint8Array.from(codes),
      ),
    );
    this.#number++;
    this.#previous = block.hash;
    return block;
  }
}

const put = (k: string, v: string): PvtWrite => ({ key: k, value: utf8(v), isDelete: false, isPurge: false });
const purge = (k: string): PvtWrite => ({ key: k, value: new Uint8Array(0), isDelete: true, isPurge: true });
const valuesFile = (dir: string) => path.join(dir, PRIVATE_DIR, VALUES_FILE);
const fileHas = (dir: string, text: string) =>
  fs.existsSync(valuesFile(dir)) && fs.readFileSync(valuesFile(dir)).includes(Buffer.from(text));
const value = (l: Ledger, collection: string, k: string) => {
  const v = l.getPrivateEntry(NS, collection, privateKeyHash(k))?.value;
  return v === undefined ? undefined : fromUtf8(v);
};

/** A member ledger (given the plaintext) and a non-member ledger (only the blocks), fed the same chain. */
async function pair() {
  const member = await newLedger();
  const other = await newLedger();
  const chain = new PvtChain();
  const genesis = chain.genesis();
  await member.ledger.commitBlock(genesis);
  await other.ledger.commitBlock(genesis);
  const commit = async (txs: readonly PvtTx[], data?: (d: BlockPrivateData) => BlockPrivateData) => {
    const { block, data: full } = chain.next(txs);
    await member.ledger.commitBlock(block, undefined, data ? data(full) : full);
    await other.ledger.commitBlock(block);
    return block;
  };
  return { member, other, commit };
}

describe('private data store', () => {
  it('keeps values on the member, hashes on both, in the block commit', async () => {
    const { member, other, commit } = await pair();
    await commit([{ collection: 'keep', writes: [put('a', 'SECRET-A'), put('b', 'SECRET-B')] }]);
    expect(value(member.ledger, 'keep', 'a')).toBe('SECRET-A');
    const onOther = other.ledger.getPrivateEntry(NS, 'keep', privateKeyHash('a'));
    expect(onOther?.value).toBeUndefined();
    expect(toHex(onOther!.valueHash)).toBe(toHex(sha256(utf8('SECRET-A'))));
    expect(onOther!.version).toEqual({ block: 1, tx: 0 });
    expect(member.ledger.privateData.hashedDigest()).toBe(other.ledger.privateData.hashedDigest());
    expect(fileHas(member.dir, 'SECRET-A')).toBe(true);
    expect(fs.existsSync(path.join(other.dir, PRIVATE_DIR))).toBe(false);
    // Nothing but hashes in LMDB: the plaintext key and value are only in the value file.
    expect(fs.readFileSync(path.join(member.dir, 'ledger.mdb')).includes(Buffer.from('SECRET-A'))).toBe(
      false,
    );
  });

  it('stores no value that does not match its hash, and nothing of invalid transactions', async () => {
    const { member, commit } = await pair();
    await commit(
      [
        { collection: 'keep', writes: [put('a', 'REAL')] },
        { collection: 'keep', writes: [put('x', 'INVALID-TX')], code: ValidationCode.MVCC_READ_CONFLICT },
      ],
      (d) => ({ ...d, values: [{ ...d.values[0]!, writes: [put('a', 'FORGED')] }, d.values[1]!] }),
    );
    expect(member.ledger.getPrivateEntry(NS, 'keep', privateKeyHash('a'))?.value).toBeUndefined();
    expect(member.ledger.getPrivateEntry(NS, 'keep', privateKeyHash('x'))).toBeUndefined();
    expect(fileHas(member.dir, 'FORGED')).toBe(false);
    expect(fileHas(member.dir, 'INVALID-TX')).toBe(false);
  });

  it('erases a replaced, deleted or purged value from the value file', async () => {
    const { member, other, commit } = await pair();
    await commit([{ collection: 'keep', writes: [put('a', 'OLD-VALUE'), put('b', 'B-VALUE')] }]);
    await commit([{ collection: 'keep', writes: [put('a', 'NEW-VALUE')] }]);
    expect(value(member.ledger, 'keep', 'a')).toBe('NEW-VALUE');
    expect(fileHas(member.dir, 'OLD-VALUE')).toBe(false);
    expect(fileHas(member.dir, 'NEW-VALUE')).toBe(true);
    await commit([{ collection: 'keep', writes: [purge('a'), purge('b')] }]);
    for (const l of [member.ledger, other.ledger]) {
      expect(l.getPrivateEntry(NS, 'keep', privateKeyHash('a'))).toBeUndefined();
    }
    expect(fileHas(member.dir, 'NEW-VALUE')).toBe(false);
    expect(fileHas(member.dir, 'B-VALUE')).toBe(false);
    expect(member.ledger.privateData.hashedDigest()).toBe(other.ledger.privateData.hashedDigest());
  });

  it('purges a value of a blockToLive collection when block b+blockToLive+1 commits', async () => {
    const { member, other, commit } = await pair();
    const written = await commit([{ collection: 'short', writes: [put('s', 'SHORT-LIVED')] }]);
    expect(written.number).toBe(1);
    await commit([{ collection: 'keep', writes: [put('f2', 'filler')] }]);
    await commit([{ collection: 'keep', writes: [put('f3', 'filler')] }]);
    expect(value(member.ledger, 'short', 's')).toBe('SHORT-LIVED');
    await commit([{ collection: 'keep', writes: [put('f4', 'filler')] }]);
    for (const l of [member.ledger, other.ledger]) {
      expect(l.getPrivateEntry(NS, 'short', privateKeyHash('s'))).toBeUndefined();
    }
    expect(fileHas(member.dir, 'SHORT-LIVED')).toBe(false);
    expect(value(member.ledger, 'keep', 'f2')).toBe('filler');
  });

  it('keeps a rewritten key until its own time is up', async () => {
    const { member, commit } = await pair();
    await commit([{ collection: 'short', writes: [put('s', 'FIRST')] }]);
    await commit([{ collection: 'short', writes: [put('s', 'SECOND')] }]);
    await commit([{ collection: 'keep', writes: [put('f', 'filler')] }]);
    await commit([{ collection: 'keep', writes: [put('g', 'filler')] }]); // block 4: the first write's time
    expect(value(member.ledger, 'short', 's')).toBe('SECOND');
    await commit([{ collection: 'keep', writes: [put('h', 'filler')] }]); // block 5: the second's
    expect(member.ledger.getPrivateEntry(NS, 'short', privateKeyHash('s'))).toBeUndefined();
  });

  it('records missing data and stores reconciled values that match the hashed state', async () => {
    const { member, commit } = await pair();
    await commit([{ collection: 'keep', writes: [put('m', 'LATE-VALUE')] }], () => ({
      values: [],
      missing: [{ tx: 0, namespace: NS, collection: 'keep' }],
    }));
    const store = member.ledger.privateData;
    expect(store.missing()).toEqual([{ block: 1, tx: 0, namespace: NS, collection: 'keep' }]);
    expect(store.unheld(NS, 'keep')).toEqual([{ keyHash: toHex(privateKeyHash('m')), block: 1, tx: 0 }]);
    const base = { namespace: NS, collection: 'keep', block: 1, tx: 0, key: 'm' };
    expect(store.storeReconciled([{ ...base, value: utf8('WRONG-VALUE') }])).toBe(0);
    expect(store.storeReconciled([{ ...base, block: 2, value: utf8('LATE-VALUE') }])).toBe(0);
    expect(fileHas(member.dir, 'WRONG-VALUE')).toBe(false);
    expect(store.storeReconciled([{ ...base, value: utf8('LATE-VALUE') }])).toBe(1);
    expect(value(member.ledger, 'keep', 'm')).toBe('LATE-VALUE');
    expect(store.unheld(NS, 'keep')).toEqual([]);
    store.resolveMissing(store.missing()[0]!);
    expect(store.missing()).toEqual([]);
    expect(store.getAt(NS, 'keep', privateKeyHash('m'), { block: 1, tx: 0 })).toEqual({
      key: 'm',
      value: utf8('LATE-VALUE'),
    });
    expect(store.getAt(NS, 'keep', privateKeyHash('m'), { block: 1, tx: 1 })).toBeUndefined();
  });

  it('erases records no commit refers to when the ledger opens (a commit cut short by a crash)', async () => {
    const { member, commit } = await pair();
    await commit([{ collection: 'keep', writes: [put('k', 'KEPT-VALUE')] }]);
    await member.ledger.close();
    const file = new PrivateValueFile({ dir: member.dir });
    file.append('orphan', utf8('ORPHANED-VALUE'));
    file.sync();
    file.close();
    expect(fileHas(member.dir, 'ORPHANED-VALUE')).toBe(true);
    const reopened = await newLedger(member.dir);
    expect(fileHas(member.dir, 'ORPHANED-VALUE')).toBe(false);
    expect(value(reopened.ledger, 'keep', 'k')).toBe('KEPT-VALUE');
  });
});
