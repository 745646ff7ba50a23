import { describe, expect, it } from 'vitest';
import attestations from '../../../contracts/attestations/index.js';
import didRegistry from '../../../contracts/did-registry/index.js';
import type { CallerInfo } from '../../contract/index.js';
import { CredentialStatusClient } from './credentialStatusClient.js';
import {
  credentialDigest,
  issueCredential,
  statusIdOf,
  type VerifiableCredential,
  verifyCredential,
} from './credentials.js';
import { DidRegistryClient } from './didRegistryClient.js';
import { InMemoryLedger } from './ledgerContract.js';
import { LocalDid } from './localDid.js';

const as = (mspId: string, name: string): CallerInfo => ({
  mspId,
  role: 'client',
  id: `${mspId}::${name}::1`,
  name,
  attributes: {},
});
const T0 = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

async function setup() {
  const ledger = new InMemoryLedger({ contracts: [didRegistry, attestations], now: () => T0 });
  const party = async (mspId: string, name: string) => {
    const did = LocalDid.generate();
    const registry = new DidRegistryClient({ contract: ledger.contract('did-registry', as(mspId, name)) });
    await registry.register(did);
    const status = new CredentialStatusClient({ contract: ledger.contract('attestations', as(mspId, name)) });
    return { did, registry, status };
  };
  const bank = await party('TelcoC', 'admin');
  const mallory = await party('TelcoB', 'admin');
  const alice = await party('Regulator', 'user1');
  const issue = (over: Partial<Parameters<typeof issueCredential>[0]> = {}) =>
    issueCredential({
      issuer: bank.did,
      subject: alice.did.did,
      type: 'IdentityAttestation',
      claims: { givenName: 'Alice', assurance: 'high' },
      now: new Date(T0),
      validUntil: new Date(T0 + 365 * DAY),
      ...over,
    });
  const verify = (vc: unknown, opts: { now?: Date; requiredType?: string; trustedIssuers?: string[] } = {}) =>
    verifyCredential(vc, { resolver: bank.registry, status: bank.status, now: new Date(T0 + DAY), ...opts });
  return { ledger, bank, mallory, alice, issue, verify };
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

const clone = (vc: VerifiableCredential) => structuredClone(vc) as VerifiableCredential;

describe('issueCredential', () => {
  it('builds a VC 2.0 shaped credential with a ledger status entry and a Consortia JWS proof', async () => {
    const { issue, bank, alice } = await setup();
    const vc = issue({ id: 'urn:uuid:6a1f6f2e-8f8b-4c1e-9a55-3c8f35a7d7a1' });
    expect(vc).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: 'urn:uuid:6a1f6f2e-8f8b-4c1e-9a55-3c8f35a7d7a1',
      type: ['VerifiableCredential', 'IdentityAttestation'],
      issuer: bank.did.did,
      validFrom: '2025-01-01T00:00:00.000Z',
      validUntil: '2026-01-01T00:00:00.000Z',
      credentialSubject: { id: alice.did.did, givenName: 'Alice', assurance: 'high' },
      credentialStatus: {
        type: 'ConsortiaLedgerStatus2025',
        statusId: statusIdOf('urn:uuid:6a1f6f2e-8f8b-4c1e-9a55-3c8f35a7d7a1'),
      },
      proof: {
        type: 'ConsortiaJwsSignature2025',
        proofPurpose: 'assertionMethod',
        verificationMethod: `${bank.did.did}#key-1`,
      },
    });
    expect(vc.proof.jws).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/);
  });

  it('refuses a malformed subject DID with DID_MALFORMED', async () => {
    const { issue } = await setup();
    expect(() => issue({ subject: 'alice@example.com' })).toThrow(
      expect.objectContaining({ code: 'DID_MALFORMED' }),
    );
  });
});

describe('verifyCredential', () => {
  it('verifies an anchored credential from a resolved issuer', async () => {
    const { issue, bank, verify, alice } = await setup();
    const vc = issue();
    const entry = await bank.status.anchor(vc);
    expect(entry).toMatchObject({
      digest: credentialDigest(vc),
      registrant: { mspId: 'TelcoC', name: 'admin' },
      status: 'active',
    });
    const ok = await verify(vc, { requiredType: 'IdentityAttestation', trustedIssuers: [bank.did.did] });
    expect(ok).toMatchObject({ issuer: bank.did.did, subject: alice.did.did, statusId: statusIdOf(vc.id) });
  });

  it('detects a changed subject, claim or validity (PROOF_INVALID) and a bad signature (PROOF_INVALID)', async () => {
    const { issue, bank, verify, mallory } = await setup();
    const vc = issue();
    await bank.status.anchor(vc);
    const subject = clone(vc);
    subject.credentialSubject.id = mallory.did.did;
    expect(await codeOf(verify(subject))).toBe('PROOF_INVALID');
    const claim = clone(vc);
    claim.credentialSubject.assurance = 'low';
    expect(await codeOf(verify(claim))).toBe('PROOF_INVALID');
    const longer = clone(vc);
    longer.validUntil = '2099-01-01T00:00:00.000Z';
    expect(await codeOf(verify(longer))).toBe('PROOF_INVALID');
    const badSig = clone(vc);
    const [h, , s] = badSig.proof.jws.split('.');
    const flipped = Buffer.from(s!, 'base64url');
    flipped[10] = (flipped[10] ?? 0) ^ 1;
    badSig.proof.jws = `${h}..${flipped.toString('base64url')}`;
    expect(await codeOf(verify(badSig))).toBe('PROOF_INVALID');
  });

  it('detects a changed issuer: PROOF_ISSUER_MISMATCH, or PROOF_MALFORMED/PROOF_INVALID when the key id is changed too', async () => {
    const { issue, bank, verify, mallory } = await setup();
    const vc = issue();
    await bank.status.anchor(vc);
    const issuer = clone(vc);
    issuer.issuer = mallory.did.did;
    expect(await codeOf(verify(issuer))).toBe('PROOF_ISSUER_MISMATCH');
    issuer.proof.verificationMethod = `${mallory.did.did}#key-1`;
    expect(await codeOf(verify(issuer))).toBe('PROOF_MALFORMED'); // the JWS header still names the bank's key
    // Mallory re-signs the whole thing with her own key: the signature is fine, the ledger entry is not hers.
    const resigned = issueCredential({
      issuer: mallory.did,
      subject: vc.credentialSubject.id,
      type: 'IdentityAttestation',
      claims: { givenName: 'Alice', assurance: 'high' },
      id: vc.id,
      now: new Date(T0),
    });
    expect(await codeOf(verify(resigned))).toBe('STATUS_MISMATCH');
    expect(await codeOf(verify(resigned, { trustedIssuers: [bank.did.did] }))).toBe('ISSUER_NOT_TRUSTED');
  });

  it('refuses an expired (CREDENTIAL_EXPIRED) or not yet valid (CREDENTIAL_NOT_YET_VALID) credential', async () => {
    const { issue, bank, verify } = await setup();
    const vc = issue();
    await bank.status.anchor(vc);
    expect(await codeOf(verify(vc, { now: new Date(T0 + 365 * DAY) }))).toBe('CREDENTIAL_EXPIRED');
    expect(await codeOf(verify(vc, { now: new Date(T0 - 1) }))).toBe('CREDENTIAL_NOT_YET_VALID');
  });

  it('refuses a revoked credential (CREDENTIAL_REVOKED) with the reason codes; only the issuer may revoke', async () => {
    const { issue, bank, verify, mallory } = await setup();
    const vc = issue();
    await bank.status.anchor(vc);
    expect(await codeOf(mallory.status.revoke(vc, ['unspecified'], 'spite'))).toBe('REVOKE_FORBIDDEN');
    expect((await verify(vc)).statusId).toBe(statusIdOf(vc.id));
    await bank.status.revoke(vc, ['affiliationChanged'], 'customer left');
    const err = await verify(vc).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'CREDENTIAL_REVOKED',
      detail: { reasonCodes: ['affiliationChanged'] },
    });
  });

  it('amends: the old credential is CREDENTIAL_SUPERSEDED, the new one verifies', async () => {
    const { issue, bank, verify, mallory } = await setup();
    const vc = issue();
    await bank.status.anchor(vc);
    const amended = issue({ claims: { givenName: 'Alice', assurance: 'high', address: 'New Street 1' } });
    expect(await codeOf(mallory.status.amend(vc, amended, 'moved'))).toBe('AMEND_FORBIDDEN');
    const { superseded, successor } = await bank.status.amend(vc, amended, 'moved');
    expect(superseded.supersededBy).toBe(statusIdOf(amended.id));
    expect(successor.supersedes).toBe(statusIdOf(vc.id));
    const err = await verify(vc).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'CREDENTIAL_SUPERSEDED',
      detail: { supersededBy: statusIdOf(amended.id) },
    });
    expect((await verify(amended)).credential.credentialSubject.address).toBe('New Street 1');
  });

  it('refuses a credential never anchored (CREDENTIAL_NOT_ANCHORED) or anchored by someone else (STATUS_MISMATCH)', async () => {
    const { issue, verify, mallory } = await setup();
    const vc = issue();
    expect(await codeOf(verify(vc))).toBe('CREDENTIAL_NOT_ANCHORED');
    // Mallory anchors the bank's credential under her own ledger identity, hoping to control its status.
    await mallory.status.anchor(vc);
    expect(await codeOf(verify(vc))).toBe('STATUS_MISMATCH');
  });

  it('follows the issuer DID: deactivation (DID_DEACTIVATED), rotation without (KEY_NOT_AUTHORISED) or with retained key', async () => {
    const a = await setup();
    const vc = a.issue();
    await a.bank.status.anchor(vc);
    await a.bank.registry.rotateKey(a.bank.did, { retainForAssertions: true });
    expect((await a.verify(vc)).issuer).toBe(a.bank.did.did);
    await a.bank.registry.rotateKey(a.bank.did);
    expect(await codeOf(a.verify(vc))).toBe('KEY_NOT_AUTHORISED');
    const fresh = a.issue();
    await a.bank.status.anchor(fresh);
    expect(fresh.proof.verificationMethod).toBe(`${a.bank.did.did}#key-3`);
    expect((await a.verify(fresh)).issuer).toBe(a.bank.did.did);
    await a.bank.registry.deactivate(a.bank.did);
    expect(await codeOf(a.verify(fresh))).toBe('DID_DEACTIVATED');
  });

  it('refuses the wrong type (CREDENTIAL_TYPE_MISMATCH) and malformed credentials (CREDENTIAL_MALFORMED with the path)', async () => {
    const { issue, bank, verify } = await setup();
    const vc = issue();
    await bank.status.anchor(vc);
    expect(await codeOf(verify(vc, { requiredType: 'ISPAccountAttestation' }))).toBe(
      'CREDENTIAL_TYPE_MISMATCH',
    );
    const cases: [(v: Record<string, unknown>) => void, string][] = [
      [(v) => delete v.proof, 'proof'],
      [(v) => (v['@context'] = ['https://example.com/v1']), '@context'],
      [(v) => (v.type = ['IdentityAttestation', 'VerifiableCredential']), 'type'],
      [(v) => (v.validFrom = 'yesterday'), 'validFrom'],
      [(v) => ((v.proof as Record<string, unknown>).type = 'Ed25519Signature2020'), 'proof.type'],
      [
        (v) => ((v.credentialStatus as Record<string, unknown>).statusId = 'f'.repeat(64)),
        'credentialStatus.statusId',
      ],
      [(v) => (v.evil = true), '(root)'],
    ];
    for (const [change, path] of cases) {
      const bad = structuredClone(vc) as unknown as Record<string, unknown>;
      change(bad);
      const err = await verify(bad).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'CREDENTIAL_MALFORMED', detail: { path } });
    }
    expect(await codeOf(verify({ ...vc, issuer: 'did:web:bank.example' }))).toBe('DID_MALFORMED');
  });
});
