import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../common/index.js';
import {
  type ContractDefinition,
  hashedCollection,
  type NsRwSet,
  NsRwSetSchema,
  privateKeyHash,
  ValidationCode,
} from '../protocol/index.js';
import { checkPrivateData, recordPrivateWrites } from './privateValidation.js';

const def: ContractDefinition = {
  name: 'notes',
  version: '1',
  sequence: 1,
  endorsementPolicy: 'ANY Writers',
  collections: [
    {
      name: 'ab',
      memberOrgs: ['A', 'B'],
      requiredPeerCount: 0,
      maxPeerCount: 1,
      blockToLive: 0,
      memberOnlyRead: true,
      memberOnlyWrite: true,
    },
    {
      name: 'open',
      memberOrgs: ['A'],
      requiredPeerCount: 0,
      maxPeerCount: 1,
      blockToLive: 0,
      memberOnlyRead: false,
      memberOnlyWrite: false,
    },
  ],
};
const definition = (name: string) => (name === 'notes' ? def : undefined);

function rwset(
  collection: string,
  opts: { write?: string; read?: { key: string; version?: { block: number; tx: number } } } = {},
): NsRwSet[] {
  const writes = opts.write ? [{ key: opts.write, value: utf8('v'), isDelete: false, isPurge: false }] : [];
  const reads = opts.read ? [{ keyHash: privateKeyHash(opts.read.key), version: opts.read.version }] : [];
  return [
    create(NsRwSetSchema, {
      namespace: 'notes',
      collections: [hashedCollection({ collection, writes }, reads)],
    }),
  ];
}

const noLedger = { getPrivateEntry: () => undefined };
const check = (
  set: NsRwSet[],
  creatorMspId = 'A',
  ledger: Parameters<typeof checkPrivateData>[1] = noLedger,
  written = new Set<string>(),
) => checkPrivateData({ rwset: set, creatorMspId, definition }, ledger, written)?.code;

describe('checkPrivateData (validation of hashed private data, on every peer)', () => {
  it('accepts writes by clients of member orgs', () => {
    expect(check(rwset('ab', { write: 'k' }), 'B')).toBeUndefined();
  });

  it('refuses a write of a member-only-write collection by a client of another org', () => {
    expect(check(rwset('ab', { write: 'k' }), 'C')).toBe(ValidationCode.COLLECTION_POLICY_FAILURE);
    expect(check(rwset('open', { write: 'k' }), 'C')).toBeUndefined();
    // Reading hashes is not writing: any org's transaction may do it.
    expect(check(rwset('ab', { read: { key: 'k' } }), 'C')).toBeUndefined();
  });

  it('refuses a collection the contract does not define, and malformed hashes', () => {
    expect(check(rwset('nope', { write: 'k' }))).toBe(ValidationCode.COLLECTION_POLICY_FAILURE);
    const bad = rwset('ab', { write: 'k' });
    bad[0]!.collections[0]!.writes[0]!.keyHash = new Uint8Array(5);
    expect(check(bad)).toBe(ValidationCode.BAD_PAYLOAD);
    const twice = rwset('ab', { write: 'k' });
    twice[0]!.collections.push(twice[0]!.collections[0]!);
    expect(check(twice)).toBe(ValidationCode.BAD_PAYLOAD);
  });

  it('checks hashed reads against the hashed state and earlier writes of the block (MVCC)', () => {
    const at = (block: number, tx: number) => ({ getPrivateEntry: () => ({ version: { block, tx } }) });
    expect(
      check(rwset('ab', { read: { key: 'k', version: { block: 4, tx: 1 } } }), 'A', at(4, 1)),
    ).toBeUndefined();
    expect(check(rwset('ab', { read: { key: 'k', version: { block: 4, tx: 1 } } }), 'A', at(5, 0))).toBe(
      ValidationCode.MVCC_READ_CONFLICT,
    );
    expect(check(rwset('ab', { read: { key: 'k' } }), 'A', at(5, 0))).toBe(ValidationCode.MVCC_READ_CONFLICT);
    expect(check(rwset('ab', { read: { key: 'k' } }))).toBeUndefined();
    const written = new Set<string>();
    recordPrivateWrites(rwset('ab', { write: 'k' }), written);
    expect(check(rwset('ab', { read: { key: 'k' } }), 'A', noLedger, written)).toBe(
      ValidationCode.MVCC_READ_CONFLICT,
    );
    expect(check(rwset('open', { read: { key: 'k' } }), 'A', noLedger, written)).toBeUndefined();
  });
});
