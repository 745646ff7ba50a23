import { describe, expect, it } from 'vitest';
import didRegistry from '../../../contracts/did-registry/index.js';
import { testCaller } from '../../contract/index.js';
import { generateKeyPair } from '../../crypto/index.js';
import { ChallengeIssuer } from './challenges.js';
import { respondToDidAuth, verifyDidAuth } from './didAuth.js';
import { DidRegistryClient } from './didRegistryClient.js';
import { signDetached } from './jose.js';
import { InMemoryLedger } from './ledgerContract.js';
import { LocalDid } from './localDid.js';

const caller = testCaller('Regulator', 'user1', '01');

async function setup() {
  let now = Date.UTC(2025, 0, 1);
  const ledger = new InMemoryLedger({ contracts: [didRegistry], now: () => now });
  const registry = new DidRegistryClient({ contract: ledger.contract('did-registry', caller) });
  const alice = LocalDid.generate();
  await registry.register(alice);
  const challenges = new ChallengeIssuer({ domain: 'isp.example', ttlMs: 60_000, now: () => new Date(now) });
  const verify = (response: unknown) => verifyDidAuth(response, { challenges, resolver: registry });
  return { registry, alice, challenges, verify, advance: (ms: number) => (now += ms) };
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('DID-Auth', () => {
  it('authenticates the holder of the DID key and returns the DID document from the ledger', async () => {
    const { alice, challenges, verify } = await setup();
    const challenge = challenges.issue();
    expect(challenge).toMatchObject({
      domain: 'isp.example',
      issuedAt: '2025-01-01T00:00:00.000Z',
      expiresAt: '2025-01-01T00:01:00.000Z',
    });
    expect(challenge.nonce).toMatch(/^[0-9a-f]{64}$/);
    const { did, didDocument } = await verify(respondToDidAuth(alice, challenge));
    expect(did).toBe(alice.did);
    expect(didDocument).toEqual(alice.document);
  });

  it('refuses a replayed response with CHALLENGE_REPLAYED', async () => {
    const { alice, challenges, verify } = await setup();
    const response = respondToDidAuth(alice, challenges.issue());
    await verify(response);
    expect(await codeOf(verify(response))).toBe('CHALLENGE_REPLAYED');
  });

  it('refuses an expired challenge with CHALLENGE_EXPIRED, and spends it', async () => {
    const { alice, challenges, verify, advance } = await setup();
    const response = respondToDidAuth(alice, challenges.issue());
    advance(60_000);
    expect(await codeOf(verify(response))).toBe('CHALLENGE_EXPIRED');
    expect(await codeOf(verify(response))).toBe('CHALLENGE_REPLAYED');
  });

  it('refuses a challenge it never issued (CHALLENGE_UNKNOWN) and one for another domain (CHALLENGE_DOMAIN_MISMATCH)', async () => {
    const { alice, challenges, verify } = await setup();
    const elsewhere = new ChallengeIssuer({ domain: 'evil.example' }).issue();
    expect(await codeOf(verify(respondToDidAuth(alice, elsewhere)))).toBe('CHALLENGE_UNKNOWN');
    const ours = challenges.issue();
    expect(await codeOf(verify(respondToDidAuth(alice, { nonce: ours.nonce, domain: 'evil.example' })))).toBe(
      'CHALLENGE_DOMAIN_MISMATCH',
    );
  });

  it("refuses a response signed with another key: as Alice's key id (PROOF_INVALID) or as its own (KEY_NOT_AUTHORISED)", async () => {
    const { alice, challenges, verify } = await setup();
    const malloryKeys = generateKeyPair();
    const c1 = challenges.issue();
    const signed = { type: 'DidAuthResponse', did: alice.did, nonce: c1.nonce, domain: c1.domain } as const;
    const forged = {
      ...signed,
      proof: signDetached(malloryKeys.privateKey, alice.authenticationKeyId, signed),
    };
    expect(await codeOf(verify(forged))).toBe('PROOF_INVALID');
    const mallory = LocalDid.generate();
    const own = respondToDidAuth(mallory, challenges.issue());
    expect(await codeOf(verify({ ...own, did: alice.did }))).toBe('KEY_NOT_AUTHORISED');
  });

  it('refuses a response whose signed fields were changed (PROOF_INVALID)', async () => {
    const { alice, challenges, verify } = await setup();
    const c1 = challenges.issue();
    const c2 = challenges.issue();
    const response = respondToDidAuth(alice, c1);
    expect(await codeOf(verify({ ...response, nonce: c2.nonce }))).toBe('PROOF_INVALID');
  });

  it('after a key rotation, the old key no longer authenticates (KEY_NOT_AUTHORISED) and the new one does', async () => {
    const { alice, challenges, verify, registry } = await setup();
    const challenge = challenges.issue();
    const before = respondToDidAuth(alice, challenge);
    await registry.rotateKey(alice);
    expect(await codeOf(verify(before))).toBe('KEY_NOT_AUTHORISED');
    const after = respondToDidAuth(alice, challenges.issue());
    expect(after.proof.verificationMethod).toBe(`${alice.did}#key-2`);
    expect((await verify(after)).did).toBe(alice.did);
  });

  it('refuses a deactivated DID with DID_DEACTIVATED', async () => {
    const { alice, challenges, verify, registry } = await setup();
    const response = respondToDidAuth(alice, challenges.issue());
    await registry.deactivate(alice);
    expect(await codeOf(verify(response))).toBe('DID_DEACTIVATED');
  });

  it('refuses malformed responses with DIDAUTH_RESPONSE_MALFORMED or DID_MALFORMED', async () => {
    const { alice, challenges, verify } = await setup();
    const response = respondToDidAuth(alice, challenges.issue());
    expect(await codeOf(verify({ ...response, type: 'Hello' }))).toBe('DIDAUTH_RESPONSE_MALFORMED');
    expect(await codeOf(verify({ ...response, nonce: 'short' }))).toBe('DIDAUTH_RESPONSE_MALFORMED');
    expect(await codeOf(verify({ ...response, extra: 1 }))).toBe('DIDAUTH_RESPONSE_MALFORMED');
    expect(await codeOf(verify('not an object'))).toBe('DIDAUTH_RESPONSE_MALFORMED');
    expect(await codeOf(verify({ ...response, did: 'did:consortia:nothex' }))).toBe('DID_MALFORMED');
  });
});
