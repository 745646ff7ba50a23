import { describe, expect, it } from 'vitest';
import attestations from '../../../contracts/attestations/index.js';
import didRegistry from '../../../contracts/did-registry/index.js';
import { testCaller } from '../../contract/index.js';
import { ChallengeIssuer } from './challenges.js';
import { CredentialStatusClient } from './credentialStatusClient.js';
import { issueCredential } from './credentials.js';
import { DidRegistryClient } from './didRegistryClient.js';
import { accessExpiresAt, HolderWallet } from './holderWallet.js';
import { InMemoryLedger } from './ledgerContract.js';
import { LocalDid } from './localDid.js';
import { signMessage } from './messageProofs.js';
import { MESSAGE_CONTEXTS, newMessageId, type RequestAccess, type RetrieveAttestations } from './messages.js';
import { verifyPresentation } from './presentations.js';

const caller = testCaller('TelcoA', 'user1', '1');
const T0 = Date.UTC(2025, 0, 1);

async function setup() {
  let now = T0;
  const ledger = new InMemoryLedger({ contracts: [didRegistry, attestations], now: () => now });
  const registry = new DidRegistryClient({ contract: ledger.contract('did-registry', caller) });
  const status = new CredentialStatusClient({ contract: ledger.contract('attestations', caller) });
  const [isp, alice, partner, stranger] = [1, 2, 3, 4].map(() => LocalDid.generate()) as [
    LocalDid,
    LocalDid,
    LocalDid,
    LocalDid,
  ];
  for (const d of [isp, alice, partner, stranger]) await registry.register(d);
  const vc = issueCredential({
    issuer: isp,
    subject: alice.did,
    type: 'ISPAccountAttestation',
    claims: { plan: 'fibre' },
    now: new Date(T0),
  });
  await status.anchor(vc);
  const wallet = new HolderWallet({ holder: alice, resolver: registry, now: () => new Date(now) });
  wallet.store(vc);
  const challenges = new ChallengeIssuer({ domain: 'partner.example', now: () => new Date(now) });
  const request: RequestAccess = {
    '@context': MESSAGE_CONTEXTS[0],
    '@type': 'RequestAccess',
    object: {
      id: newMessageId(),
      grantor: alice.did,
      grantee: partner.did,
      actions: ['retrieve'],
      attestationTypes: ['ISPAccountAttestation'],
    },
    purpose: 'discounted smartphone for ISP customers',
  };
  const retrieval = (
    by: LocalDid,
    types = ['ISPAccountAttestation'],
    permission = request.object.id,
  ): RetrieveAttestations =>
    signMessage(by, {
      '@context': MESSAGE_CONTEXTS[0],
      '@type': 'RetrieveAttestations',
      identifier: newMessageId(),
      object: { permission, attestationTypes: types, challenge: challenges.issue() },
    });
  return {
    registry,
    status,
    isp,
    alice,
    partner,
    stranger,
    vc,
    wallet,
    challenges,
    request,
    retrieval,
    advance: (ms: number) => (now += ms),
  };
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('HolderWallet', () => {
  it('grants access with a timeout and answers a signed retrieval with a presentation the requester verifies', async () => {
    const { wallet, request, retrieval, partner, registry, status, challenges, vc } = await setup();
    const grant = wallet.grantAccess(request, { timeoutSeconds: 600 });
    expect(grant).toMatchObject({
      '@type': 'GrantAccess',
      startTime: '2025-01-01T00:00:00.000Z',
      timeout: 600,
      object: request.object,
    });
    expect(accessExpiresAt(grant)?.toISOString()).toBe('2025-01-01T00:10:00.000Z');
    const answer = await wallet.retrieve(retrieval(partner));
    expect(answer['@type']).toBe('PresentAttestation');
    const verified = await verifyPresentation(answer.object, { challenges, resolver: registry, status });
    expect(verified.credentials.map((c) => c.credential.id)).toEqual([vc.id]);
  });

  it('refuses after the timeout (ACCESS_EXPIRED) and after retraction (ACCESS_RETRACTED)', async () => {
    const a = await setup();
    a.wallet.grantAccess(a.request, { timeoutSeconds: 600 });
    a.advance(600_000);
    expect(await codeOf(a.wallet.retrieve(a.retrieval(a.partner)))).toBe('ACCESS_EXPIRED');
    const b = await setup();
    b.wallet.grantAccess(b.request);
    const retract = b.wallet.retractAccess(b.request.object.id, 'no longer');
    expect(retract).toMatchObject({ '@type': 'RetractAccess', object: { id: b.request.object.id } });
    expect(await codeOf(b.wallet.retrieve(b.retrieval(b.partner)))).toBe('ACCESS_RETRACTED');
  });

  it('without a timeout the grant stays in force', async () => {
    const { wallet, request, retrieval, partner, advance } = await setup();
    const grant = wallet.grantAccess(request);
    expect(accessExpiresAt(grant)).toBeUndefined();
    advance(400 * 86_400_000);
    expect((await wallet.retrieve(retrieval(partner)))['@type']).toBe('PresentAttestation');
  });

  it('answers only the grantee (KEY_NOT_AUTHORISED), signed (MESSAGE_UNSIGNED), within scope (ACCESS_SCOPE_EXCEEDED)', async () => {
    const { wallet, request, retrieval, partner, stranger } = await setup();
    wallet.grantAccess(request);
    expect(await codeOf(wallet.retrieve(retrieval(stranger)))).toBe('KEY_NOT_AUTHORISED');
    const { proof: _p, ...unsigned } = retrieval(partner);
    expect(await codeOf(wallet.retrieve(unsigned))).toBe('MESSAGE_UNSIGNED');
    expect(await codeOf(wallet.retrieve(retrieval(partner, ['IdentityAttestation'])))).toBe(
      'ACCESS_SCOPE_EXCEEDED',
    );
    expect(await codeOf(wallet.retrieve(retrieval(partner, ['ISPAccountAttestation'], newMessageId())))).toBe(
      'ACCESS_NOT_GRANTED',
    );
    expect(await codeOf(wallet.retrieve({ '@type': 'RetrieveAttestations' }))).toBe('MESSAGE_INVALID');
  });

  it('refuses to grant or deny for another holder (MESSAGE_INVALID) and denies with a signed DenyAccess', async () => {
    const { wallet, request, stranger } = await setup();
    const foreign = { ...request, object: { ...request.object, grantor: stranger.did } };
    expect(() => wallet.grantAccess(foreign)).toThrow(expect.objectContaining({ code: 'MESSAGE_INVALID' }));
    const deny = wallet.denyAccess(request, 'not now');
    expect(deny).toMatchObject({ '@type': 'DenyAccess', purpose: 'not now' });
    expect(deny.proof?.verificationMethod).toBe(wallet.holder.authenticationKeyId);
    expect(() => wallet.retractAccess(newMessageId(), 'x')).toThrow(
      expect.objectContaining({ code: 'ACCESS_NOT_GRANTED' }),
    );
  });

  it('says so when it holds no matching credential (NO_MATCHING_CREDENTIAL)', async () => {
    const { wallet, request, retrieval, partner, vc } = await setup();
    wallet.grantAccess(request);
    expect(wallet.remove(vc.id)).toBe(true);
    expect(wallet.credentials()).toEqual([]);
    expect(await codeOf(wallet.retrieve(retrieval(partner)))).toBe('NO_MATCHING_CREDENTIAL');
  });
});
