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
import attestations, { type CredentialStatusRecord } from './index.js';

const NS = 'attestations';
const isp = testCaller('TelcoA', 'admin', '01', 'admin');
const ispClerk = testCaller('TelcoA', 'user1', '02');
const partner = testCaller('TelcoB', 'admin', '03', 'admin');

const ISSUER = 'did:consortia:0123456789abcdef0123456789abcdef';
const h = (c: string) => c.repeat(64);
const S1 = h('1');
const S2 = h('2');
const D1 = h('a');
const D2 = h('b');

let bench: ContractTestBench;
let state: MemoryState;

beforeEach(() => {
  bench = new ContractTestBench({ definition: attestations, caller: isp });
  state = bench.state;
});

/** Simulates one call; a valid transaction is committed to `state`, as a peer would. */
const call = (
  fn: string,
  argsJson: Record<string, unknown>,
  opts: { caller?: CallerInfo; kind?: FunctionKind } = {},
) => bench.call(fn, argsJson, opts);

function stored(statusId: string): CredentialStatusRecord | undefined {
  const e = state.getState(NS, `cred:${statusId}`);
  return e === undefined ? undefined : (JSON.parse(fromUtf8(e.value)) as CredentialStatusRecord);
}

const anchor = (statusId = S1, caller: CallerInfo = isp) =>
  call('anchorCredential', { statusId, issuerDid: ISSUER, digest: D1 }, { caller });

describe('anchorCredential', () => {
  it('anchors an active entry with the caller as registrant and emits CredentialAnchored', async () => {
    const sim = await anchor();
    const expected: CredentialStatusRecord = {
      statusId: S1,
      issuerDid: ISSUER,
      digest: D1,
      registrant: { mspId: 'TelcoA', name: 'admin' },
      status: 'active',
      anchoredAt: '2025-01-01T00:01:00.000Z',
      anchorTxId: 'tx1',
      updatedAt: '2025-01-01T00:01:00.000Z',
    };
    expect(sim.result).toEqual(expected);
    expect(stored(S1)).toEqual(expected);
    expect(sim.events.map((e) => [e.name, JSON.parse(fromUtf8(e.payload))])).toEqual([
      ['CredentialAnchored', { statusId: S1, issuerDid: ISSUER }],
    ]);
  });

  it('refuses a status id that is already anchored with CREDENTIAL_EXISTS', async () => {
    await anchor();
    const sim = await anchor(S1, partner);
    expect(sim.error).toMatchObject({ code: 'CREDENTIAL_EXISTS', detail: { statusId: S1 } });
    expect(stored(S1)?.registrant.mspId).toBe('TelcoA');
  });

  it('refuses a malformed issuer DID with DID_MALFORMED', async () => {
    const sim = await call('anchorCredential', {
      statusId: S1,
      issuerDid: 'did:web:isp.example',
      digest: D1,
    });
    expect(sim.error?.code).toBe('DID_MALFORMED');
    expect(sim.error?.message).toContain("'issuerDid'");
  });

  it.each([
    [{ statusId: 'ABC', issuerDid: ISSUER, digest: D1 }, 'statusId'],
    [{ statusId: S1.toUpperCase().replace(/1/g, 'F'), issuerDid: ISSUER, digest: D1 }, 'statusId'],
    [{ statusId: S1, issuerDid: ISSUER, digest: 'xyz' }, 'digest'],
  ])('refuses %j with INVALID_ARGUMENT naming %s', async (args, field) => {
    const sim = await call('anchorCredential', args);
    expect(sim.error?.code).toBe('INVALID_ARGUMENT');
    expect(sim.error?.message).toContain(`'${field}'`);
  });
});

describe('revokeCredential', () => {
  beforeEach(async () => {
    await anchor();
  });

  it('lets the registrant revoke with reason codes (deduplicated) and emits CredentialRevoked', async () => {
    const sim = await call('revokeCredential', {
      statusId: S1,
      reasonCodes: ['affiliationChanged', 'affiliationChanged', 'privilegeWithdrawn'],
      reason: 'account closed',
    });
    expect(sim.ok).toBe(true);
    expect(stored(S1)).toMatchObject({
      status: 'revoked',
      updatedAt: '2025-01-01T00:02:00.000Z',
      revocation: {
        reasonCodes: ['affiliationChanged', 'privilegeWithdrawn'],
        reason: 'account closed',
        txId: 'tx2',
      },
    });
    expect(sim.events.map((e) => e.name)).toEqual(['CredentialRevoked']);
  });

  it('refuses anyone but the registrant, also of the same org, with REVOKE_FORBIDDEN', async () => {
    for (const caller of [partner, ispClerk]) {
      const sim = await call(
        'revokeCredential',
        { statusId: S1, reasonCodes: ['unspecified'], reason: 'x' },
        { caller },
      );
      expect(sim.error).toMatchObject({
        code: 'REVOKE_FORBIDDEN',
        detail: { registrant: { mspId: 'TelcoA', name: 'admin' } },
      });
    }
    expect(stored(S1)?.status).toBe('active');
  });

  it('refuses revoking twice with CREDENTIAL_NOT_ACTIVE', async () => {
    await call('revokeCredential', { statusId: S1, reasonCodes: ['unspecified'], reason: 'x' });
    const sim = await call('revokeCredential', { statusId: S1, reasonCodes: ['unspecified'], reason: 'y' });
    expect(sim.error).toMatchObject({ code: 'CREDENTIAL_NOT_ACTIVE', detail: { status: 'revoked' } });
  });

  it('refuses an unknown credential with CREDENTIAL_NOT_FOUND', async () => {
    const sim = await call('revokeCredential', { statusId: S2, reasonCodes: ['unspecified'], reason: 'x' });
    expect(sim.error?.code).toBe('CREDENTIAL_NOT_FOUND');
  });

  it.each([
    [{ statusId: S1, reasonCodes: [], reason: 'x' }, 'reasonCodes'],
    [{ statusId: S1, reasonCodes: ['becauseISaidSo'], reason: 'x' }, 'reasonCodes[0]'],
    [{ statusId: S1, reasonCodes: ['unspecified'], reason: '   ' }, 'reason'],
  ])('refuses %j with INVALID_ARGUMENT naming %s', async (args, field) => {
    const sim = await call('revokeCredential', args);
    expect(sim.error?.code).toBe('INVALID_ARGUMENT');
    expect(sim.error?.message).toContain(`'${field}'`);
  });
});

describe('amendCredential', () => {
  beforeEach(async () => {
    await anchor();
  });

  it('anchors the successor and marks the old entry superseded, linking both ways', async () => {
    const sim = await call('amendCredential', {
      statusId: S1,
      newStatusId: S2,
      newDigest: D2,
      reason: 'plan upgraded',
    });
    expect(sim.ok).toBe(true);
    expect(stored(S1)).toMatchObject({ status: 'superseded', supersededBy: S2, digest: D1 });
    expect(stored(S2)).toMatchObject({
      status: 'active',
      supersedes: S1,
      digest: D2,
      issuerDid: ISSUER,
      amendReason: 'plan upgraded',
      registrant: { mspId: 'TelcoA', name: 'admin' },
    });
    expect(sim.events.map((e) => e.name)).toEqual(['CredentialAmended']);
  });

  it('refuses anyone but the registrant with AMEND_FORBIDDEN', async () => {
    const sim = await call(
      'amendCredential',
      { statusId: S1, newStatusId: S2, newDigest: D2, reason: 'x' },
      { caller: partner },
    );
    expect(sim.error?.code).toBe('AMEND_FORBIDDEN');
    expect(stored(S2)).toBeUndefined();
  });

  it('refuses a successor id that exists (including the same id) with CREDENTIAL_EXISTS', async () => {
    await anchor(S2);
    expect(
      (await call('amendCredential', { statusId: S1, newStatusId: S2, newDigest: D2, reason: 'x' })).error
        ?.code,
    ).toBe('CREDENTIAL_EXISTS');
    expect(
      (await call('amendCredential', { statusId: S1, newStatusId: S1, newDigest: D2, reason: 'x' })).error
        ?.code,
    ).toBe('CREDENTIAL_EXISTS');
    expect(stored(S1)?.status).toBe('active');
  });

  it('refuses amending a superseded or revoked credential with CREDENTIAL_NOT_ACTIVE', async () => {
    await call('amendCredential', { statusId: S1, newStatusId: S2, newDigest: D2, reason: 'x' });
    const again = await call('amendCredential', {
      statusId: S1,
      newStatusId: h('3'),
      newDigest: D2,
      reason: 'x',
    });
    expect(again.error).toMatchObject({ code: 'CREDENTIAL_NOT_ACTIVE', detail: { status: 'superseded' } });
    await call('revokeCredential', { statusId: S2, reasonCodes: ['unspecified'], reason: 'x' });
    const afterRevoke = await call('amendCredential', {
      statusId: S2,
      newStatusId: h('4'),
      newDigest: D2,
      reason: 'x',
    });
    expect(afterRevoke.error).toMatchObject({ code: 'CREDENTIAL_NOT_ACTIVE', detail: { status: 'revoked' } });
    const revokeSuperseded = await call('revokeCredential', {
      statusId: S1,
      reasonCodes: ['unspecified'],
      reason: 'x',
    });
    expect(revokeSuperseded.error?.code).toBe('CREDENTIAL_NOT_ACTIVE');
  });
});

describe('getCredentialStatus', () => {
  it('returns the entry to anyone, and CREDENTIAL_NOT_FOUND for a missing one', async () => {
    await anchor();
    const sim = await call('getCredentialStatus', { statusId: S1 }, { kind: 'query', caller: partner });
    expect(sim.result).toMatchObject({ statusId: S1, status: 'active' });
    const missing = await call('getCredentialStatus', { statusId: S2 }, { kind: 'query' });
    expect(missing.error).toMatchObject({ code: 'CREDENTIAL_NOT_FOUND', detail: { statusId: S2 } });
  });

  it('is described with its argument schemas', () => {
    const d = describeContract(attestations);
    expect(Object.keys(d.transactions).sort()).toEqual([
      'amendCredential',
      'anchorCredential',
      'revokeCredential',
    ]);
    expect(Object.keys(d.queries)).toEqual(['getCredentialStatus']);
  });
});
