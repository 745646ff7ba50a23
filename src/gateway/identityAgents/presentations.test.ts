import { describe, expect, it } from 'vitest';
import attestations from '../../../contracts/attestations/index.js';
import didRegistry from '../../../contracts/did-registry/index.js';
import type { CallerInfo } from '../../contract/index.js';
import { ChallengeIssuer } from './challenges.js';
import { CredentialStatusClient } from './credentialStatusClient.js';
import { issueCredential } from './credentials.js';
import { DidRegistryClient } from './didRegistryClient.js';
import { InMemoryLedger } from './ledgerContract.js';
import { LocalDid } from './localDid.js';
import { createPresentation, type VerifiablePresentation, verifyPresentation } from './presentations.js';

const as = (mspId: string, name: string): CallerInfo => ({
  mspId,
  role: 'client',
  id: `${mspId}::${name}::1`,
  name,
  attributes: {},
});

async function setup() {
  const ledger = new InMemoryLedger({ contracts: [didRegistry, attestations] });
  const registry = new DidRegistryClient({
    contract: ledger.contract('did-registry', as('TelcoA', 'admin')),
  });
  const status = new CredentialStatusClient({
    contract: ledger.contract('attestations', as('TelcoA', 'admin')),
  });
  const isp = LocalDid.generate();
  const alice = LocalDid.generate();
  const bob = LocalDid.generate();
  for (const d of [isp, alice, bob]) await registry.register(d);
  const account = (holder: LocalDid) =>
    issueCredential({
      issuer: isp,
      subject: holder.did,
      type: 'ISPAccountAttestation',
      claims: { plan: 'fibre' },
    });
  const aliceVc = account(alice);
  const bobVc = account(bob);
  await status.anchor(aliceVc);
  await status.anchor(bobVc);
  const challenges = new ChallengeIssuer({ domain: 'partner.example' });
  const verify = (vp: unknown) =>
    verifyPresentation(vp, {
      challenges,
      resolver: registry,
      status,
      requiredType: 'ISPAccountAttestation',
      trustedIssuers: [isp.did],
    });
  return { registry, status, isp, alice, bob, aliceVc, bobVc, challenges, verify };
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('presentations', () => {
  it("verifies the holder's signature for the challenge and every credential", async () => {
    const { alice, aliceVc, challenges, verify } = await setup();
    const vp = createPresentation({ holder: alice, credentials: [aliceVc], challenge: challenges.issue() });
    expect(vp).toMatchObject({
      type: ['VerifiablePresentation'],
      holder: alice.did,
      proof: {
        proofPurpose: 'authentication',
        domain: 'partner.example',
        verificationMethod: `${alice.did}#key-1`,
      },
    });
    const { holder, credentials } = await verify(vp);
    expect(holder).toBe(alice.did);
    expect(credentials.map((c) => c.credential.id)).toEqual([aliceVc.id]);
  });

  it('refuses a replayed presentation (CHALLENGE_REPLAYED)', async () => {
    const { alice, aliceVc, challenges, verify } = await setup();
    const vp = createPresentation({ holder: alice, credentials: [aliceVc], challenge: challenges.issue() });
    await verify(vp);
    expect(await codeOf(verify(vp))).toBe('CHALLENGE_REPLAYED');
  });

  it("refuses someone else's credential (HOLDER_MISMATCH) and a swapped-in credential (PROOF_INVALID)", async () => {
    const { alice, aliceVc, bobVc, challenges, verify } = await setup();
    const stolen = createPresentation({ holder: alice, credentials: [bobVc], challenge: challenges.issue() });
    expect(await codeOf(verify(stolen))).toBe('HOLDER_MISMATCH');
    const vp = createPresentation({ holder: alice, credentials: [aliceVc], challenge: challenges.issue() });
    const swapped: VerifiablePresentation = { ...vp, verifiableCredential: [bobVc] };
    expect(await codeOf(verify(swapped))).toBe('PROOF_INVALID');
  });

  it('refuses a presentation signed by another DID than the holder (KEY_NOT_AUTHORISED)', async () => {
    const { alice, bob, aliceVc, challenges, verify } = await setup();
    const vp = createPresentation({ holder: bob, credentials: [aliceVc], challenge: challenges.issue() });
    expect(await codeOf(verify({ ...vp, holder: alice.did }))).toBe('KEY_NOT_AUTHORISED');
  });

  it('refuses a revoked credential inside a valid presentation (CREDENTIAL_REVOKED)', async () => {
    const { alice, aliceVc, status, challenges, verify } = await setup();
    await status.revoke(aliceVc, ['privilegeWithdrawn'], 'account closed');
    const vp = createPresentation({ holder: alice, credentials: [aliceVc], challenge: challenges.issue() });
    expect(await codeOf(verify(vp))).toBe('CREDENTIAL_REVOKED');
  });

  it('refuses malformed presentations (PRESENTATION_MALFORMED) and ones without a challenge', async () => {
    const { alice, aliceVc, challenges, verify } = await setup();
    const vp = createPresentation({ holder: alice, credentials: [aliceVc], challenge: challenges.issue() });
    expect(await codeOf(verify({ ...vp, verifiableCredential: [] }))).toBe('PRESENTATION_MALFORMED');
    expect(await codeOf(verify({ ...vp, type: ['VerifiableCredential'] }))).toBe('PRESENTATION_MALFORMED');
    const { challenge: _c, ...noChallenge } = vp.proof;
    const err = await verify({ ...vp, proof: noChallenge }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PRESENTATION_MALFORMED', detail: { path: 'proof' } });
    expect(await codeOf(verify({ ...vp, holder: 'alice' }))).toBe('DID_MALFORMED');
  });
});
