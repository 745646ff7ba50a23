import { beforeEach, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../src/common/index.js';
import {
  type CallerInfo,
  ContractTestBench,
  describeContract,
  type FunctionKind,
  type MemoryState,
  testCaller,
} from '../../src/contract/index.js';
import { LocalDid } from '../../src/gateway/identityAgents/index.js';
import didRegistry, { type DidOperationRecord, type DidRecord } from './index.js';

const NS = 'did-registry';
const wallet = testCaller('Regulator', 'user1', '01');
const other = testCaller('TelcoB', 'user1', '02');
const sameOrgOtherUser: CallerInfo = { ...wallet, id: 'Regulator::admin::03', name: 'admin', role: 'admin' };

let bench: ContractTestBench;
let state: MemoryState;

beforeEach(() => {
  bench = new ContractTestBench({ definition: didRegistry, caller: wallet });
  state = bench.state;
});

/** Simulates one call; a valid transaction is committed to `state`, as a peer would. */
const call = (
  fn: string,
  argsJson: Record<string, unknown>,
  opts: { caller?: CallerInfo; kind?: FunctionKind } = {},
) => bench.call(fn, argsJson, opts);

const resolve = (did: string) => call('resolveDid', { did }, { kind: 'query' });

function record(did: string): DidRecord | undefined {
  const e = state.getState(NS, `did:${did.slice('did:consortia:'.length)}`);
  return e === undefined ? undefined : (JSON.parse(fromUtf8(e.value)) as DidRecord);
}

async function created(): Promise<LocalDid> {
  const alice = LocalDid.generate({
    services: [{ fragment: 'hub', type: 'IdentityHub', serviceEndpoint: 'https://hub.example/alice' }],
  });
  const sim = await call('createDid', { ...alice.createOperation() });
  expect(sim.error).toBeUndefined();
  return alice;
}

describe('createDid', () => {
  it('registers version 0 with the caller as controller, records the signed operation and emits DidCreated', async () => {
    const alice = LocalDid.generate();
    const op = alice.createOperation();
    const sim = await call('createDid', { ...op });
    expect(sim.ok).toBe(true);
    expect(sim.result).toEqual({
      did: alice.did,
      version: 0,
      deactivated: false,
      controller: { mspId: 'Regulator', name: 'user1' },
      created: '2025-01-01T00:01:00.000Z',
      updated: '2025-01-01T00:01:00.000Z',
    });
    expect(sim.events.map((e) => e.name)).toEqual(['DidCreated']);
    const resolved = (await resolve(alice.did)).result as {
      record: DidRecord;
      operations: DidOperationRecord[];
    };
    expect(resolved.operations).toHaveLength(1);
    expect(resolved.operations[0]).toMatchObject({
      version: 0,
      type: 'create',
      document: op.document,
      proof: op.proof,
      txId: 'tx1',
      submitter: { mspId: 'Regulator', name: 'user1' },
    });
  });

  it('refuses a DID that exists with DID_EXISTS', async () => {
    const alice = await created();
    const sim = await call('createDid', { ...alice.createOperation() }, { caller: other });
    expect(sim.error).toMatchObject({ code: 'DID_EXISTS', detail: { did: alice.did } });
    expect(record(alice.did)?.controller.mspId).toBe('Regulator');
  });

  it.each([
    'did:consortia:ABCDEF0123456789abcdef0123456789',
    'did:consortia:0123',
    'did:example:0123456789abcdef0123456789abcdef',
    'did:consortia:0123456789abcdef0123456789abcdef0',
    '',
  ])('refuses the malformed DID %j with DID_MALFORMED', async (bad) => {
    const op = LocalDid.generate().createOperation();
    const sim = await call('createDid', { ...op, did: bad });
    expect(sim.error?.code).toBe('DID_MALFORMED');
    expect((await call('resolveDid', { did: bad }, { kind: 'query' })).error?.code).toBe('DID_MALFORMED');
  });

  it.each<[string, (d: Record<string, unknown>, did: string) => Record<string, unknown>, string]>([
    [
      'a document about another DID',
      (d) => ({ ...d, id: 'did:consortia:00000000000000000000000000000000' }),
      'id',
    ],
    [
      'a foreign key id',
      (d) => ({
        ...d,
        verificationMethod: [
          {
            ...(d.verificationMethod as object[])[0],
            id: 'did:consortia:00000000000000000000000000000000#k',
          },
        ],
      }),
      'verificationMethod[0].id',
    ],
    [
      'a key controlled by another DID',
      (d) => ({
        ...d,
        verificationMethod: [
          {
            ...(d.verificationMethod as object[])[0],
            controller: 'did:consortia:00000000000000000000000000000000',
          },
        ],
      }),
      'verificationMethod[0].controller',
    ],
    [
      'an authentication reference to no key',
      (d, did) => ({ ...d, authentication: [`${did}#nope`] }),
      'authentication[0]',
    ],
    [
      'an assertion reference to no key',
      (d, did) => ({ ...d, assertionMethod: [`${did}#nope`] }),
      'assertionMethod[0]',
    ],
    ['a wrong first context', (d) => ({ ...d, '@context': ['https://example.com/ctx'] }), '@context[0]'],
    [
      'a service with a bad fragment',
      (d, did) => ({
        ...d,
        service: [{ id: `${did}#a b`, type: 'Hub', serviceEndpoint: 'https://x.example' }],
      }),
      'service[0].id',
    ],
    [
      'a duplicate service id',
      (d, did) => ({
        ...d,
        service: [1, 2].map(() => ({ id: `${did}#hub`, type: 'Hub', serviceEndpoint: 'https://x.example' })),
      }),
      'service[1].id',
    ],
  ])('refuses %s with DID_DOCUMENT_INVALID at %s', async (_what, change, path) => {
    const alice = LocalDid.generate();
    const op = alice.createOperation();
    const sim = await call('createDid', { ...op, document: change({ ...op.document }, alice.did) });
    expect(sim.error).toMatchObject({ code: 'DID_DOCUMENT_INVALID', detail: { path } });
    expect(record(alice.did)).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a non-P-256 key', { crv: 'P-384' }, 'crv'],
    ['a short coordinate', { x: 'abc' }, 'x'],
    ['a private key member', { d: 'A'.repeat(43) }, 'd'],
  ])('refuses %s in publicKeyJwk with INVALID_ARGUMENT', async (_what, jwkChange, field) => {
    const op = LocalDid.generate().createOperation();
    const vm = op.document.verificationMethod[0]!;
    const document = {
      ...op.document,
      verificationMethod: [{ ...vm, publicKeyJwk: { ...vm.publicKeyJwk, ...jwkChange } }],
    };
    const sim = await call('createDid', { ...op, document });
    expect(sim.error?.code).toBe('INVALID_ARGUMENT');
    expect(JSON.stringify(sim.error?.detail)).toContain(field === 'd' ? 'unrecognized' : field);
  });

  it('refuses a proof by a key that is not an authentication key with DID_KEY_NOT_AUTHORISED', async () => {
    const alice = LocalDid.generate();
    const op = alice.createOperation();
    const sim = await call('createDid', {
      ...op,
      proof: { ...op.proof, verificationMethod: `${alice.did}#key-9` },
    });
    expect(sim.error?.code).toBe('DID_KEY_NOT_AUTHORISED');
  });

  it('refuses a proof that is not a detached JWS with INVALID_ARGUMENT', async () => {
    const op = LocalDid.generate().createOperation();
    const sim = await call('createDid', { ...op, proof: { ...op.proof, jws: 'not-a-jws' } });
    expect(sim.error?.code).toBe('INVALID_ARGUMENT');
    expect(sim.error?.message).toContain("'proof.jws'");
  });
});

describe('updateDid (key rotation)', () => {
  it('lets the controller rotate: version 1 with the new key, signed by the old one', async () => {
    const alice = await created();
    const oldKey = alice.authenticationKeyId;
    const prepared = alice.prepareKeyRotation();
    const sim = await call('updateDid', { ...prepared.operation });
    expect(sim.ok).toBe(true);
    expect(sim.result).toMatchObject({
      version: 1,
      updated: '2025-01-01T00:02:00.000Z',
      created: '2025-01-01T00:01:00.000Z',
    });
    expect(prepared.operation.proof.verificationMethod).toBe(oldKey);
    expect(prepared.operation.document.authentication).toEqual([`${alice.did}#key-2`]);
    expect(sim.events.map((e) => e.name)).toEqual(['DidUpdated']);
    const res = (await resolve(alice.did)).result as { operations: DidOperationRecord[] };
    expect(res.operations.map((o) => [o.version, o.type])).toEqual([
      [0, 'create'],
      [1, 'update'],
    ]);
  });

  it('refuses another identity, even of the same org, with NOT_CONTROLLER', async () => {
    const alice = await created();
    for (const caller of [other, sameOrgOtherUser]) {
      const sim = await call('updateDid', { ...alice.prepareKeyRotation().operation }, { caller });
      expect(sim.error).toMatchObject({
        code: 'NOT_CONTROLLER',
        detail: { controller: { mspId: 'Regulator', name: 'user1' } },
      });
    }
    expect(record(alice.did)?.version).toBe(0);
  });

  it('refuses a version that does not follow the current one with DID_VERSION_CONFLICT', async () => {
    const alice = await created();
    const op = alice.prepareKeyRotation().operation;
    expect((await call('updateDid', { ...op, version: 2 })).error).toMatchObject({
      code: 'DID_VERSION_CONFLICT',
      detail: { current: 0, given: 2 },
    });
    expect((await call('updateDid', { ...op })).ok).toBe(true);
    // the same operation again (a replay) no longer fits
    expect((await call('updateDid', { ...op })).error?.code).toBe('DID_VERSION_CONFLICT');
  });

  it('refuses a proof by a key of the new document (not the current one) with DID_KEY_NOT_AUTHORISED', async () => {
    const alice = await created();
    const op = alice.prepareKeyRotation().operation;
    const sim = await call('updateDid', {
      ...op,
      proof: { ...op.proof, verificationMethod: `${alice.did}#key-2` },
    });
    expect(sim.error?.code).toBe('DID_KEY_NOT_AUTHORISED');
  });

  it('refuses an unknown DID with DID_NOT_FOUND', async () => {
    const alice = LocalDid.generate();
    const sim = await call('updateDid', { ...alice.prepareKeyRotation().operation });
    expect(sim.error?.code).toBe('DID_NOT_FOUND');
    expect((await resolve(alice.did)).error?.code).toBe('DID_NOT_FOUND');
  });
});

describe('deactivateDid', () => {
  it('deactivates for good: the record says so and later changes are refused with DID_DEACTIVATED', async () => {
    const alice = await created();
    const prepared = alice.prepareDeactivation();
    const sim = await call('deactivateDid', { ...prepared.operation });
    expect(sim.result).toMatchObject({ version: 1, deactivated: true });
    expect(sim.events.map((e) => e.name)).toEqual(['DidDeactivated']);
    prepared.apply();
    const again = await call('deactivateDid', {
      did: alice.did,
      version: 2,
      proof: prepared.operation.proof,
    });
    expect(again.error?.code).toBe('DID_DEACTIVATED');
    const update = await call('transferController', {
      did: alice.did,
      newController: { mspId: 'TelcoB', name: 'user1' },
    });
    expect(update.error?.code).toBe('DID_DEACTIVATED');
    const res = (await resolve(alice.did)).result as { record: DidRecord; operations: DidOperationRecord[] };
    expect(res.record.deactivated).toBe(true);
    expect(res.operations[1]?.type).toBe('deactivate');
    expect(res.operations[1]?.document).toEqual(alice.document);
  });

  it('refuses a non-controller with NOT_CONTROLLER', async () => {
    const alice = await created();
    const sim = await call('deactivateDid', { ...alice.prepareDeactivation().operation }, { caller: other });
    expect(sim.error?.code).toBe('NOT_CONTROLLER');
    expect(record(alice.did)?.deactivated).toBe(false);
  });
});

describe('transferController', () => {
  it('hands ledger control on: the new controller may rotate, the old one no longer', async () => {
    const alice = await created();
    const sim = await call('transferController', {
      did: alice.did,
      newController: { mspId: 'TelcoB', name: 'user1' },
    });
    expect(sim.result).toMatchObject({ controller: { mspId: 'TelcoB', name: 'user1' }, version: 0 });
    expect(sim.events.map((e) => e.name)).toEqual(['DidControllerTransferred']);
    const op = alice.prepareKeyRotation().operation;
    expect((await call('updateDid', { ...op })).error?.code).toBe('NOT_CONTROLLER');
    expect((await call('updateDid', { ...op }, { caller: other })).ok).toBe(true);
  });

  it('refuses a malformed new controller with INVALID_ARGUMENT', async () => {
    const alice = await created();
    const sim = await call('transferController', {
      did: alice.did,
      newController: { mspId: 'Telco B', name: 'x' },
    });
    expect(sim.error?.code).toBe('INVALID_ARGUMENT');
  });
});

describe('description', () => {
  it('lists its functions with argument schemas', () => {
    const d = describeContract(didRegistry);
    expect(Object.keys(d.transactions).sort()).toEqual([
      'createDid',
      'deactivateDid',
      'transferController',
      'updateDid',
    ]);
    expect(Object.keys(d.queries)).toEqual(['resolveDid']);
    expect(d.transactions.createDid?.argsJsonSchema).toMatchObject({
      required: ['did', 'document', 'proof'],
    });
  });
});
