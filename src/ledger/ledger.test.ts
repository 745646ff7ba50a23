import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fromUtf8, isConsortiaError, utf8 } from '../common/index.js';
import { sha256 } from '../crypto/index.js';
import { decodeChannelConfig, parseBlock, parseEnvelope, ValidationCode } from '../protocol/index.js';
import { Ledger, LedgerErrorCodes, MAX_STATE_KEY_BYTES } from './index.js';
import { IndexStore } from './indexStore.js';
import { TestChain } from './testBlocks.js';

const dirs: string[] = [];
const open: Ledger[] = [];

function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-'));
  dirs.push(d);
  return d;
}

async function newLedger(dir = tmpDir(), channel = 'testchannel'): Promise<Ledger> {
  const l = await Ledger.open({ dir, channel });
  open.push(l);
  return l;
}

afterEach(async () => {
  for (const l of open.splice(0)) await l.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function expectCode(p: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(isConsortiaError(err) ? err.code : err).toBe(code);
    return;
  }
  expect.fail(`expected ${code}`);
}

const text = (v: Uint8Array | undefined) => (v === undefined ? undefined : fromUtf8(v));

describe('Ledger commit and state', () => {
  it('commits a block and reads back values and versions', async () => {
    const ledger = await newLedger();
    const chain = new TestChain();
    const { block } = chain.next([
      {
        writes: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
      },
      { writes: [{ key: 'a', value: '3' }] },
    ]);
    expect(ledger.height).toBe(0);
    expect(ledger.lastBlockHash).toBeUndefined();
    await ledger.commitBlock(block);
    expect(ledger.height).toBe(1);
    expect(ledger.lastBlockHash).toEqual(block.hash);
    expect(text(ledger.getState('asset', 'a')?.value)).toBe('3');
    expect(ledger.getState('asset', 'a')?.version).toEqual({ block: 0, tx: 1 });
    expect(ledger.getState('asset', 'b')?.version).toEqual({ block: 0, tx: 0 });
    expect(ledger.getState('asset', 'c')).toBeUndefined();
    expect(ledger.getState('other', 'a')).toBeUndefined();

    const stored = parseBlock(ledger.getBlock(0)!);
    expect(stored.hash).toEqual(block.hash);
    expect(stored.validationCodes).toEqual(Uint8Array.from([0, 0]));
    expect(ledger.getBlock(1)).toBeUndefined();
    expect(ledger.getBlock(-1)).toBeUndefined();
  });

  it('registers the certificates a committed block carries in full, by SHA-256, and keeps them', async () => {
    const dir = tmpDir();
    const ledger = await newLedger(dir);
    const cert = utf8('not-a-real-certificate'); // what TestChain's identities carry
    const hash = sha256(cert);
    expect(ledger.getCertificate(hash)).toBeUndefined();
    const { block } = new TestChain().next([{ writes: [{ key: 'k', value: 'v' }] }]);
    // Registration does not depend on validity: an invalid transaction's certificate counts too.
    await ledger.commitBlock({
      ...block,
      validationCodes: Uint8Array.from([ValidationCode.MVCC_READ_CONFLICT]),
    });
    expect(ledger.getCertificate(hash)).toEqual(cert);
    expect(ledger.getCertificate(sha256(utf8('other')))).toBeUndefined();
    expect(ledger.getCertificate(new Uint8Array(5))).toBeUndefined();
    await ledger.close();
    open.splice(open.indexOf(ledger), 1);
    const again = await newLedger(dir);
    expect(again.getCertificate(hash)).toEqual(cert);
  });

  it('applies only valid transactions but indexes every tx id with its code', async () => {
    const ledger = await newLedger();
    const chain = new TestChain();
    const { block, txIds } = chain.next([
      { writes: [{ key: 'ok', value: 'yes' }] },
      {
        writes: [
          { key: 'bad', value: 'no' },
          { key: 'ok', value: 'overwritten' },
        ],
        code: ValidationCode.MVCC_READ_CONFLICT,
      },
      { raw: utf8('not an envelope'), code: ValidationCode.BAD_PAYLOAD },
      { writes: [{ key: 'sig', value: 'no' }], code: ValidationCode.BAD_SIGNATURE },
    ]);
    await ledger.commitBlock(block);
    expect(text(ledger.getState('asset', 'ok')?.value)).toBe('yes');
    expect(ledger.getState('asset', 'bad')).toBeUndefined();
    expect(ledger.getState('asset', 'sig')).toBeUndefined();
    expect(ledger.getTxLocation(txIds[0]!)).toEqual({ blockNumber: 0, txIndex: 0, validationCode: 0 });
    expect(ledger.getTxLocation(txIds[1]!)).toEqual({
      blockNumber: 0,
      txIndex: 1,
      validationCode: ValidationCode.MVCC_READ_CONFLICT,
    });
    expect(ledger.getTxLocation(txIds[3]!)).toEqual({
      blockNumber: 0,
      txIndex: 3,
      validationCode: ValidationCode.BAD_SIGNATURE,
    });
    expect(ledger.hasTxId(txIds[1]!)).toBe(true);
    expect(ledger.hasTxId('00'.repeat(32))).toBe(false);
    expect(ledger.getTxLocation('no-such-tx')).toBeUndefined();
    expect(ledger.getHistory('asset', 'bad')).toEqual([]);
  });

  it('deletes keys', async () => {
    const ledger = await newLedger();
    const chain = new TestChain();
    await ledger.commitBlock(
      chain.next([
        {
          writes: [
            { key: 'a', value: '1' },
            { key: 'b', value: '2' },
          ],
        },
      ]).block,
    );
    await ledger.commitBlock(
      chain.next([
        {
          writes: [
            { key: 'a', delete: true },
            { key: 'never', delete: true },
          ],
        },
      ]).block,
    );
    expect(ledger.getState('asset', 'a')).toBeUndefined();
    expect(text(ledger.getState('asset', 'b')?.value)).toBe('2');
    expect([...ledger.rangeState('asset', '', '')].map((e) => e.key)).toEqual(['b']);
  });

  it('keeps the latest valid config, genesis included', async () => {
    const ledger = await newLedger();
    const chain = new TestChain();
    expect(ledger.getChannelConfig()).toBeUndefined();
    await ledger.commitBlock(chain.next([{ configSequence: 0 }]).block);
    expect(decodeChannelConfig(ledger.getChannelConfig()!).sequence).toBe(0);
    await ledger.commitBlock(chain.next([{ configSequence: 5, code: ValidationCode.INVALID_CONFIG }]).block);
    expect(decodeChannelConfig(ledger.getChannelConfig()!).sequence).toBe(0);
    await ledger.commitBlock(chain.next([{ configSequence: 1 }]).block);
    expect(decodeChannelConfig(ledger.getChannelConfig()!).sequence).toBe(1);
  });

  it('sets and clears key-level endorsement policies', async () => {
    const ledger = await newLedger();
    const chain = new TestChain();
    await ledger.commitBlock(
      chain.next([{ keyPolicies: [{ key: 'a', policy: "AND('Org1.member')" }] }]).block,
    );
    expect(ledger.getKeyPolicy('asset', 'a')).toBe("AND('Org1.member')");
    expect(ledger.getKeyPolicy('other', 'a')).toBeUndefined();
    await ledger.commitBlock(
      chain.next([
        { keyPolicies: [{ key: 'a', policy: 'X' }], code: ValidationCode.ENDORSEMENT_POLICY_FAILURE },
      ]).block,
    );
    expect(ledger.getKeyPolicy('asset', 'a')).toBe("AND('Org1.member')");
    await ledger.commitBlock(chain.next([{ keyPolicies: [{ key: 'a', policy: '' }] }]).block);
    expect(ledger.getKeyPolicy('asset', 'a')).toBeUndefined();
  });

  it('uses the parsed transactions it is given, and refuses ones that do not match the block', async () => {
    const ledger = await newLedger();
    const chain = new TestChain();
    const { block } = chain.next([
      { writes: [{ key: 'a', value: '1' }] },
      { writes: [{ key: 'b', value: '2' }] },
    ]);
    const txs = block.envelopes.map((e) => parseEnvelope(e));
    await expectCode(ledger.commitBlock(block, [txs[1], txs[0]]), LedgerErrorCodes.LEDGER_BAD_BLOCK);
    expect(ledger.height).toBe(0);
    await ledger.commitBlock(block, [txs[0], undefined]);
    expect(text(ledger.getState('asset', 'b')?.value)).toBe('2');
  });
});

describe('Ledger range queries', () => {
  const keys = ['a', 'b', 'b\0x', 'ba', 'c', 'z', 'é', '\u{1F600}'];

  async function rangeLedger(): Promise<Ledger> {
    const ledger = await newLedger();
    const chain = new TestChain();
    const writes = keys.map((key) => ({ key, value: `v-${key}` }));
    await ledger.commitBlock(
      chain.next([
        { writes },
        {
          writes: [
            { ns: 'asset2', key: 'a', value: 'x' },
            { ns: 'ass', key: 'et', value: 'y' },
          ],
        },
      ]).block,
    );
    return ledger;
  }

  it('returns [start, end) in UTF-8 byte order', async () => {
    const ledger = await rangeLedger();
    const range = (s: string, e: string) => [...ledger.rangeState('asset', s, e)].map((x) => x.key);
    expect(range('', '')).toEqual(keys);
    expect(range('b', 'c')).toEqual(['b', 'b\0x', 'ba']);
    expect(range('b', 'ba')).toEqual(['b', 'b\0x']);
    expect(range('bb', '')).toEqual(['c', 'z', 'é', '\u{1F600}']);
    expect(range('', 'b')).toEqual(['a']);
    expect(range('c', 'c')).toEqual([]);
    expect(range('z', 'a')).toEqual([]);
    const first = [...ledger.rangeState('asset', 'é', '')][0]!;
    expect(text(first.value)).toBe('v-é');
    expect(first.version).toEqual({ block: 0, tx: 0 });
  });

  it('keeps namespaces apart, even when one is a prefix of another', async () => {
    const ledger = await rangeLedger();
    expect([...ledger.rangeState('asset2', '', '')].map((x) => x.key)).toEqual(['a']);
    expect([...ledger.rangeState('ass', '', '')].map((x) => x.key)).toEqual(['et']);
    expect([...ledger.rangeState('as', '', '')]).toEqual([]);
    expect(ledger.getState('ass', 'et')?.version).toEqual({ block: 0, tx: 1 });
  });

  it('refuses namespaces that could reach into another one', async () => {
    const ledger = await rangeLedger();
    await expectCode(() => ledger.rangeState('asset\0b', '', ''), LedgerErrorCodes.LEDGER_INVALID_KEY);
    await expectCode(() => ledger.getState('', 'a'), LedgerErrorCodes.LEDGER_INVALID_KEY);
    await expectCode(
      () => ledger.getState('asset', 'k'.repeat(MAX_STATE_KEY_BYTES)),
      LedgerErrorCodes.LEDGER_INVALID_KEY,
    );
  });
});

describe('Ledger formats', () => {
  async function txKeyLengths(dir: string): Promise<number[]> {
    const index = IndexStore.open(path.join(dir, 'ledger.mdb'));
    try {
      return [...index.txIndex.getKeys()].map((k) => Buffer.from(k).byteLength);
    } finally {
      await index.close();
    }
  }

  it('keys the transaction index by 16 bytes of the id in a new ledger, and by 32 in a format-1 one', async () => {
    const chain = new TestChain();
    const { block, txIds } = chain.next([
      { writes: [{ key: 'a', value: '1' }] },
      { writes: [{ key: 'b', value: '2' }] },
    ]);
    const fresh = tmpDir();
    const legacy = tmpDir();
    const index = IndexStore.open(path.join(legacy, 'ledger.mdb'));
    index.init('testchannel');
    await index.meta.put(Buffer.from('format'), Buffer.from([0, 0, 0, 1]));
    await index.close();
    for (const dir of [fresh, legacy]) {
      const ledger = await newLedger(dir);
      await ledger.commitBlock(block);
      expect(ledger.getTxLocation(txIds[1]!)).toEqual({ blockNumber: 0, txIndex: 1, validationCode: 0 });
      expect(ledger.hasTxId(txIds[0]!)).toBe(true);
      expect(ledger.hasTxId('cd'.repeat(32))).toBe(false);
      await ledger.close();
      open.splice(open.indexOf(ledger), 1);
    }
    expect(await txKeyLengths(fresh)).toEqual([16, 16]);
    expect(await txKeyLengths(legacy)).toEqual([32, 32]);
  });

  it('reports the bytes of each store', async () => {
    const dir = tmpDir();
    const ledger = await newLedger(dir);
    const empty = ledger.storageBytes();
    expect(empty.blockFiles).toBe(0);
    const chain = new TestChain();
    for (let i = 0; i < 5; i++) {
      await ledger.commitBlock(chain.next([{ writes: [{ key: `k${i}`, value: 'x'.repeat(3000) }] }]).block);
    }
    const s = ledger.storageBytes();
    const segment = fs.statSync(path.join(dir, 'blocks', '000000.seg')).size;
    expect(s.blockFiles).toBe(segment);
    expect(s.indexTables.state).toBeGreaterThan(15_000);
    expect(s.indexTables.history).toBe(0);
    const tables = Object.values(s.indexTables).reduce((a, b) => a + b, 0);
    expect(tables + s.indexFree).toBe(fs.statSync(path.join(dir, 'ledger.mdb')).size);
    const others = fs.readdirSync(dir).filter((f) => f !== 'blocks' && f !== 'ledger.mdb');
    expect(others.length).toBeGreaterThan(0);
    expect(s.other).toBe(others.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0));
  });

  it('refuses a ledger of a format this version does not know', async () => {
    const dir = tmpDir();
    const index = IndexStore.open(path.join(dir, 'ledger.mdb'));
    index.init('testchannel');
    await index.meta.put(Buffer.from('format'), Buffer.from([0, 0, 0, 9]));
    await index.close();
    await expectCode(
      Ledger.open({ dir, channel: 'testchannel' }),
      LedgerErrorCodes.LEDGER_FORMAT_UNSUPPORTED,
    );
  });
});

describe('Ledger history', () => {
  it('lists writes and deletes oldest first with values, tx ids and timestamps', async () => {
    const ledger = await newLedger();
    const chain = new TestChain();
    const t0 = chain.nextTimestamp;
    const b0 = chain.next([
      {
        writes: [
          { key: 'a', value: 'one' },
          { key: 'a\0b', value: 'other key' },
        ],
      },
    ]);
    const b1 = chain.next([
      { writes: [{ key: 'a', value: 'ignored' }], code: ValidationCode.MVCC_READ_CONFLICT },
      { writes: [{ key: 'a', value: 'two' }] },
    ]);
    const b2 = chain.next([{ writes: [{ key: 'a', delete: true }] }]);
    const b3 = chain.next([
      {
        writes: [
          { key: 'a', value: 'tmp' },
          { key: 'a', value: 'three' },
        ],
      },
    ]);
    for (const b of [b0, b1, b2, b3]) await ledger.commitBlock(b.block);
    const h = ledger.getHistory('asset', 'a');
    expect(h.map((e) => [e.blockNumber, e.txIndex, e.isDelete, text(e.value)])).toEqual([
      [0, 0, false, 'one'],
      [1, 1, false, 'two'],
      [2, 0, true, undefined],
      [3, 0, false, 'three'],
    ]);
    expect(h.map((e) => e.txId)).toEqual([b0.txIds[0], b1.txIds[1], b2.txIds[0], b3.txIds[0]]);
    expect(h[0]!.timestamp).toBe(t0);
    expect(h[2]).not.toHaveProperty('value');
    expect(ledger.getHistory('asset', 'a\0b').map((e) => text(e.value))).toEqual(['other key']);
    expect(ledger.getHistory('other', 'a')).toEqual([]);
  });

  it('keeps only replaced versions and deletes in the history index; the live version is the state', async () => {
    const dir = tmpDir();
    const ledger = await newLedger(dir);
    const chain = new TestChain();
    const b0 = chain.next([
      { writes: [{ key: 'once', value: 'v' }] },
      { writes: [{ key: 'twice', value: '1' }] },
    ]);
    // Two blind writes of one key in one block: both are versions.
    const b1 = chain.next([
      { writes: [{ key: 'twice', value: '2' }] },
      { writes: [{ key: 'twice', value: '3' }] },
    ]);
    for (const b of [b0, b1]) await ledger.commitBlock(b.block);
    expect(ledger.getHistory('asset', 'once').map((e) => [e.blockNumber, e.txIndex, text(e.value)])).toEqual([
      [0, 0, 'v'],
    ]);
    expect(ledger.getHistory('asset', 'twice').map((e) => [e.blockNumber, e.txIndex, text(e.value)])).toEqual(
      [
        [0, 1, '1'],
        [1, 0, '2'],
        [1, 1, '3'],
      ],
    );
    await ledger.close();
    open.splice(open.indexOf(ledger), 1);

    const index = IndexStore.open(path.join(dir, 'ledger.mdb'));
    const entries = [...index.history.getKeys()].map((k) => Buffer.from(k).toString('latin1'));
    expect(entries.filter((k) => k.includes('once'))).toEqual([]);
    expect(entries.filter((k) => k.includes('twice'))).toHaveLength(2);
    // A ledger written before this layout also has the live version in the history index.
    const live = index.state.getBinary(Buffer.from('asset\0once'))!;
    const legacyKey = Buffer.concat([Buffer.from('asset\0once\0'), live.subarray(0, 12)]);
    await index.history.put(legacyKey, Buffer.of(0));
    await index.close();

    const reopened = await newLedger(dir);
    expect(reopened.getHistory('asset', 'once').map((e) => [e.blockNumber, text(e.value)])).toEqual([
      [0, 'v'],
    ]);
  });
});

describe('Ledger chain checks', () => {
  it('refuses out-of-order and broken-chain blocks and changes nothing', async () => {
    const dir = tmpDir();
    const ledger = await newLedger(dir);
    const chain = new TestChain();
    const b0 = chain.next([{ writes: [{ key: 'a', value: '1' }] }]).block;
    const b1 = chain.next([{ writes: [{ key: 'a', value: '2' }] }]).block;
    const forked = new TestChain({ seed: 'fork' });
    forked.next([]);
    const b1fork = forked.next([{ writes: [{ key: 'a', value: 'fork' }] }]).block;

    await expectCode(ledger.commitBlock(b1), LedgerErrorCodes.LEDGER_OUT_OF_ORDER);
    await ledger.commitBlock(b0);
    const digest = ledger.stateDigest();
    const segSize = fs.statSync(path.join(dir, 'blocks', '000000.seg')).size;
    await expectCode(ledger.commitBlock(b0), LedgerErrorCodes.LEDGER_OUT_OF_ORDER);
    await expectCode(ledger.commitBlock(b1fork), LedgerErrorCodes.LEDGER_CHAIN_BROKEN);
    await expectCode(
      ledger.commitBlock(new TestChain({ channel: 'elsewhere' }).next([]).block),
      LedgerErrorCodes.LEDGER_WRONG_CHANNEL,
    );
    expect(ledger.height).toBe(1);
    expect(ledger.stateDigest()).toBe(digest);
    expect(fs.statSync(path.join(dir, 'blocks', '000000.seg')).size).toBe(segSize);
    expect(text(ledger.getState('asset', 'a')?.value)).toBe('1');
    await ledger.commitBlock(b1);
    expect(text(ledger.getState('asset', 'a')?.value)).toBe('2');
  });

  it('refuses a first block with a previous hash, and a block without validation codes', async () => {
    const ledger = await newLedger();
    const chain = new TestChain();
    const b0 = chain.next([{ writes: [{ key: 'a', value: '1' }] }]).block;
    await expectCode(
      ledger.commitBlock({ ...b0, previousHash: new Uint8Array(32) }),
      LedgerErrorCodes.LEDGER_CHAIN_BROKEN,
    );
    await expectCode(
      ledger.commitBlock({ ...b0, validationCodes: new Uint8Array(0) }),
      LedgerErrorCodes.LEDGER_BAD_BLOCK,
    );
    expect(ledger.height).toBe(0);
  });

  it('keeps the first location of a duplicate tx id', async () => {
    const ledger = await newLedger();
    const chain = new TestChain();
    const b0 = chain.next([{ writes: [{ key: 'a', value: '1' }] }]);
    const nonce = b0.nonces[0]!;
    const b1 = chain.next([
      { writes: [{ key: 'b', value: '2' }] },
      { nonce, writes: [{ key: 'a', value: 'dup' }], code: ValidationCode.DUPLICATE_TXID },
      { nonce, writes: [{ key: 'a', value: 'dup2' }], code: ValidationCode.DUPLICATE_TXID },
    ]);
    expect(b1.txIds[1]).toBe(b0.txIds[0]);
    await ledger.commitBlock(b0.block);
    await ledger.commitBlock(b1.block);
    expect(ledger.getTxLocation(b0.txIds[0]!)).toEqual({ blockNumber: 0, txIndex: 0, validationCode: 0 });
    expect(text(ledger.getState('asset', 'a')?.value)).toBe('1');

    const fresh = await newLedger();
    const nonceInBlock = new Uint8Array(24).fill(7);
    const same = new TestChain({ seed: 'dup' }).next([
      { nonce: nonceInBlock, writes: [{ key: 'x', value: '1' }], code: ValidationCode.BAD_SIGNATURE },
      { nonce: nonceInBlock, writes: [{ key: 'x', value: '2' }] },
    ]);
    await fresh.commitBlock(same.block);
    expect(same.txIds[1]).toBe(same.txIds[0]);
    expect(fresh.getTxLocation(same.txIds[0]!)).toEqual({
      blockNumber: 0,
      txIndex: 0,
      validationCode: ValidationCode.BAD_SIGNATURE,
    });
  });

  it('refuses a valid write it cannot store, before writing anything', async () => {
    const dir = tmpDir();
    const ledger = await newLedger(dir);
    const chain = new TestChain();
    const bad = chain.next([
      { writes: [{ key: 'ok', value: '1' }] },
      { writes: [{ key: 'x'.repeat(MAX_STATE_KEY_BYTES), value: '1' }] },
    ]);
    await expectCode(ledger.commitBlock(bad.block), LedgerErrorCodes.LEDGER_INVALID_KEY);
    expect(ledger.height).toBe(0);
    expect(ledger.getState('asset', 'ok')).toBeUndefined();
    expect(fs.statSync(path.join(dir, 'blocks', '000000.seg'), { throwIfNoEntry: false })?.size ?? 0).toBe(0);
    const flagged = new TestChain().next([
      { writes: [{ key: 'ok', value: '1' }] },
      { writes: [{ key: 'x'.repeat(MAX_STATE_KEY_BYTES), value: '1' }], code: ValidationCode.BAD_RESPONSE },
    ]);
    await ledger.commitBlock(flagged.block);
    expect(text(ledger.getState('asset', 'ok')?.value)).toBe('1');
  });
});
