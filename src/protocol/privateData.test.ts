import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConsortiaError, toHex, utf8 } from '../common/index.js';
import { sha256 } from '../crypto/index.js';
import {
  type CollectionConfig,
  checkCollections,
  collectionPvtHash,
  decodePrivateDataMessage,
  encodePrivateDataMessage,
  hashedCollection,
  matchesHashedWrites,
  type PvtWrite,
  privateKeyHash,
  validateChannelConfig,
} from './index.js';

const put = (key: string, value: string): PvtWrite => ({
  key,
  value: utf8(value),
  isDelete: false,
  isPurge: false,
});
const del = (key: string, purge = false): PvtWrite => ({
  key,
  value: new Uint8Array(0),
  isDelete: true,
  isPurge: purge,
});

describe('hashed collection read–write sets', () => {
  it('carries only SHA-256 of keys and values, in key-hash order, and binds the plaintext', () => {
    const writes = [put('zeta', 'secret-z'), put('alpha', 'secret-a'), del('gone'), del('erased', true)];
    const hashed = hashedCollection({ collection: 'c', writes }, [
      { keyHash: privateKeyHash('r2'), version: { block: 3, tx: 1 } },
      { keyHash: privateKeyHash('r1') },
    ]);
    const keyHashes = hashed.writes.map((w) => toHex(w.keyHash));
    expect(keyHashes).toEqual([...keyHashes].sort());
    expect(keyHashes.sort()).toEqual(
      ['zeta', 'alpha', 'gone', 'erased'].map((k) => toHex(sha256(utf8(k)))).sort(),
    );
    const alpha = hashed.writes.find((w) => toHex(w.keyHash) === toHex(privateKeyHash('alpha')))!;
    expect(toHex(alpha.valueHash)).toBe(toHex(sha256(utf8('secret-a'))));
    const erased = hashed.writes.find((w) => toHex(w.keyHash) === toHex(privateKeyHash('erased')))!;
    expect(erased).toMatchObject({ isDelete: true, isPurge: true, valueHash: new Uint8Array(0) });
    expect(hashed.reads.map((r) => toHex(r.keyHash))).toEqual(
      [privateKeyHash('r1'), privateKeyHash('r2')].map(toHex).sort(),
    );
    expect(hashed.reads.find((r) => r.version)?.version).toMatchObject({ block: 3n, tx: 1 });
    expect(hashed.pvtRwsetHash).toEqual(collectionPvtHash({ collection: 'c', writes }));
    const bytes = Buffer.from(JSON.stringify(hashed, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
    expect(bytes.includes(Buffer.from('secret'))).toBe(false);
  });

  it('matches the plaintext it was made from, in any order, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 })), {
          minLength: 1,
          maxLength: 6,
          selector: ([k]) => k,
        }),
        (pairs) => {
          const writes = pairs.map(([k, v]) => put(k, v));
          const hashed = hashedCollection({ collection: 'c', writes }, []);
          expect(matchesHashedWrites({ collection: 'c', writes: [...writes].reverse() }, hashed)).toBe(true);
          const [k, v] = pairs[0]!;
          const changed = [put(k, `${v}!`), ...writes.slice(1)];
          expect(matchesHashedWrites({ collection: 'c', writes: changed }, hashed)).toBe(false);
          expect(matchesHashedWrites({ collection: 'other', writes }, hashed)).toBe(false);
          expect(matchesHashedWrites({ collection: 'c', writes: writes.slice(1) }, hashed)).toBe(false);
        },
      ),
    );
  });
});

describe('private data messages', () => {
  it('round-trips a push, a pull and an answer', () => {
    const push = {
      type: 'push' as const,
      channel: 'telecom',
      txId: 'ab'.repeat(32),
      namespace: 'private-notes',
      collections: [{ collection: 'telco-ab', writes: [put('n1', '{"text":"hi"}'), del('n2', true)] }],
    };
    expect(decodePrivateDataMessage(encodePrivateDataMessage(push), 'push')).toEqual(push);
    const pull = {
      type: 'pull' as const,
      channel: 'telecom',
      items: [{ namespace: 'n', collection: 'c', block: 4, tx: 0, keyHashes: [toHex(privateKeyHash('k'))] }],
    };
    expect(decodePrivateDataMessage(encodePrivateDataMessage(pull), 'pull')).toEqual(pull);
    const pulled = {
      type: 'pulled' as const,
      channel: 'telecom',
      entries: [{ namespace: 'n', collection: 'c', block: 4, tx: 0, key: 'k', value: utf8('v') }],
    };
    expect(decodePrivateDataMessage(encodePrivateDataMessage(pulled), 'pulled')).toEqual(pulled);
  });

  it('refuses bytes that are not a message of the expected type', () => {
    const code = (bytes: Uint8Array, type: 'push' | 'pull' | 'pulled') => {
      try {
        decodePrivateDataMessage(bytes, type);
        return 'ok';
      } catch (err) {
        return isConsortiaError(err) ? err.code : 'other';
      }
    };
    const pull = encodePrivateDataMessage({ type: 'pull', channel: 'x', items: [] });
    expect(code(pull, 'push')).toBe('BAD_PRIVATE_DATA_MESSAGE');
    expect(code(utf8('{not json'), 'pull')).toBe('BAD_PRIVATE_DATA_MESSAGE');
    expect(code(utf8('{"type":"pull","channel":"x","items":[{"keyHashes":["zz"]}]}'), 'pull')).toBe(
      'BAD_PRIVATE_DATA_MESSAGE',
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(['ok', 'BAD_PRIVATE_DATA_MESSAGE']).toContain(code(bytes, 'push'));
      }),
    );
  });
});

describe('collection configs', () => {
  const base: CollectionConfig = {
    name: 'c',
    memberOrgs: ['A', 'B'],
    requiredPeerCount: 1,
    maxPeerCount: 2,
    blockToLive: 0,
    memberOnlyRead: true,
    memberOnlyWrite: true,
  };
  const refusal = (fn: () => void) => {
    try {
      fn();
      return undefined;
    } catch (err) {
      return isConsortiaError(err) ? { code: err.code, message: err.message } : err;
    }
  };

  it('refuses duplicates, unknown orgs and required > max', () => {
    expect(refusal(() => checkCollections('x', 0, [base], ['A', 'B']))).toBeUndefined();
    expect(refusal(() => checkCollections('x', 0, [base, base], ['A', 'B']))).toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining('twice'),
    });
    expect(refusal(() => checkCollections('x', 0, [base], ['A']))).toMatchObject({
      message: expect.stringContaining('org B'),
    });
    expect(refusal(() => checkCollections('x', 0, [{ ...base, requiredPeerCount: 3 }]))).toMatchObject({
      message: expect.stringContaining('raise maxPeerCount'),
    });
    expect(refusal(() => checkCollections('x', 0, [{ ...base, memberOrgs: ['A', 'A'] }]))).toMatchObject({
      message: expect.stringContaining('twice'),
    });
  });

  it('are part of a contract definition in the channel config', () => {
    const cfg = {
      channel: 'ch',
      sequence: 0,
      orgs: [{ mspId: 'A', rootCerts: ['x'] }],
      ordererOrgs: [{ mspId: 'O', rootCerts: ['x'] }],
      policies: { Readers: 'a', Writers: 'a', Admins: 'a', Endorsement: 'a', LifecycleEndorsement: 'a' },
      batch: { maxMessageCount: 1, maxBytes: 2048, timeoutMs: 1 },
      ordering: { type: 'solo', signaturesRequired: 1 },
      contracts: [{ name: 'n', version: '1', sequence: 1, endorsementPolicy: 'x', collections: [base] }],
    };
    expect(validateChannelConfig(cfg).contracts[0]?.collections).toEqual([base]);
    const bad = structuredClone(cfg);
    bad.contracts[0]!.collections = [{ ...base, blockToLive: -1 }];
    expect(refusal(() => validateChannelConfig(bad))).toMatchObject({ code: 'INVALID_CONFIG' });
    const dup = structuredClone(cfg);
    dup.contracts[0]!.collections = [base, base];
    expect(refusal(() => validateChannelConfig(dup))).toMatchObject({ code: 'INVALID_CONFIG' });
  });
});
