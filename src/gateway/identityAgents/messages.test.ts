import { describe, expect, it } from 'vitest';
import didRegistry from '../../../contracts/did-registry/index.js';
import type { CallerInfo } from '../../contract/index.js';
import { issueCredential } from './credentials.js';
import { DidRegistryClient } from './didRegistryClient.js';
import { InMemoryLedger } from './ledgerContract.js';
import { LocalDid } from './localDid.js';
import { signMessage, verifyMessageSignature } from './messageProofs.js';
import {
  type AttestationMessage,
  MESSAGE_CONTEXTS,
  newMessageId,
  parseAttestationMessage,
  parseMessageOfType,
} from './messages.js';
import { createPresentation } from './presentations.js';

const isp = LocalDid.generate();
const alice = LocalDid.generate();
const partner = LocalDid.generate();
const ctx = MESSAGE_CONTEXTS[0];
const id = newMessageId();
const vc = issueCredential({
  issuer: isp,
  subject: alice.did,
  type: 'ISPAccountAttestation',
  claims: { plan: 'fibre' },
});
const vp = createPresentation({
  holder: alice,
  credentials: [vc],
  challenge: { nonce: 'a'.repeat(64), domain: 'isp.example' },
});
const tags = ['ISP_DID', 'Customer_DID', 'Account_Type'];
const permission = {
  id: newMessageId(),
  grantor: alice.did,
  grantee: partner.did,
  actions: ['retrieve'],
  attestationTypes: ['ISPAccountAttestation'],
};
const { proof: _p, ...unsignedVc } = vc;

/** One well-formed example of each message type of seed 001, use case 6. */
const GOOD: Record<AttestationMessage['@type'], Record<string, unknown>> = {
  RequestAttestation: {
    '@context': ctx,
    '@type': 'RequestAttestation',
    identifier: id,
    for: [alice.did],
    format: 'vc+consortia-jws',
    attestationType: 'ISPAccountAttestation',
    expiration: 1_767_225_600,
    description: 'ISP account',
    tags,
    preconditions: [vp],
  },
  DenyAttestation: {
    '@context': ctx,
    '@type': 'DenyAttestation',
    identifier: id,
    purpose: 'insufficient proofs',
  },
  PreconditionsAttestation: {
    '@context': ctx,
    '@type': 'PreconditionsAttestation',
    identifier: id,
    preconditions: [
      { attestationType: 'IdentityAttestation', description: 'a bank identity', acceptedIssuers: [isp.did] },
    ],
  },
  OfferAttestation: {
    '@context': ctx,
    '@type': 'OfferAttestation',
    identifier: id,
    availableAttestations: [
      {
        attestationType: 'ISPAccountAttestation',
        tags,
        description: 'account',
        formats: ['vc+consortia-jws'],
      },
    ],
  },
  DeliverAttestation: {
    '@context': ctx,
    '@type': 'DeliverAttestation',
    identifier: id,
    object: vc,
    description: 'ISP account',
    tags,
    deliveredAt: '2025-01-01T00:00:00.000Z',
  },
  PresentAttestation: {
    '@context': ctx,
    '@type': 'PresentAttestation',
    object: vp,
    description: 'ISP account',
    tags,
  },
  SignAttestation: {
    '@context': ctx,
    '@type': 'SignAttestation',
    identifier: id,
    object: unsignedVc,
    description: 'x',
    tags,
  },
  RevokeAttestation: {
    '@context': ctx,
    '@type': 'RevokeAttestation',
    identifier: id,
    object: { id: vc.id, description: 'ISP account', tags },
    result: { revocationCodes: ['affiliationChanged'], statusId: vc.credentialStatus.statusId },
    purpose: 'Your account was revoked.',
  },
  AmendAttestation: {
    '@context': MESSAGE_CONTEXTS[1],
    '@type': 'AmendAttestation',
    identifier: id,
    object: vc,
    replaces: { id: 'urn:uuid:00000000-0000-4000-8000-000000000000' },
    delta: { plan: 'fibre' },
    purpose: ['Your account has been reopened'],
  },
  RequestAccess: {
    '@context': ctx,
    '@type': 'RequestAccess',
    object: permission,
    purpose: 'discount for ISP customers',
  },
  GrantAccess: {
    '@context': ctx,
    '@type': 'GrantAccess',
    object: permission,
    startTime: '2025-01-01T00:00:00Z',
    timeout: 600,
  },
  DenyAccess: { '@context': ctx, '@type': 'DenyAccess', object: permission, purpose: 'not now' },
  RetractAccess: { '@context': ctx, '@type': 'RetractAccess', object: permission, purpose: 'no longer' },
  RetrieveAttestations: {
    '@context': ctx,
    '@type': 'RetrieveAttestations',
    identifier: id,
    object: {
      permission: permission.id,
      attestationTypes: ['ISPAccountAttestation'],
      challenge: { nonce: 'b'.repeat(64), domain: 'partner.example' },
    },
    description: 'ISP account',
  },
};

function failure(value: unknown): { code?: string; detail?: { path?: string } } {
  try {
    parseAttestationMessage(value);
    return {};
  } catch (err) {
    return err as { code?: string; detail?: { path?: string } };
  }
}

describe('use-case-6 message schemas', () => {
  it.each(Object.entries(GOOD))('accepts a well-formed %s', (type, msg) => {
    expect(parseAttestationMessage(JSON.parse(JSON.stringify(msg)))['@type']).toBe(type);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown @type', { ...GOOD.DenyAttestation, '@type': 'Gossip' }, '@type'],
    ['a foreign @context', { ...GOOD.DenyAttestation, '@context': 'https://schema.org/' }, '@context'],
    [
      'a RequestAttestation for a non-DID',
      { ...GOOD.RequestAttestation, for: ['alice@example.com'] },
      'for[0]',
    ],
    ['a RequestAttestation for nobody', { ...GOOD.RequestAttestation, for: [] }, 'for'],
    ['a fractional expiration', { ...GOOD.RequestAttestation, expiration: 1.5 }, 'expiration'],
    ['a RequestAttestation without tags', { ...GOOD.RequestAttestation, tags: undefined }, 'tags'],
    ['a DenyAttestation without reason', { ...GOOD.DenyAttestation, purpose: '' }, 'purpose'],
    ['no preconditions', { ...GOOD.PreconditionsAttestation, preconditions: [] }, 'preconditions'],
    [
      'an offer without formats',
      {
        ...GOOD.OfferAttestation,
        availableAttestations: [{ attestationType: 'X', tags: [], description: 'd', formats: [] }],
      },
      'availableAttestations[0].formats',
    ],
    [
      'a delivered credential without proof',
      { ...GOOD.DeliverAttestation, object: unsignedVc },
      'object.proof',
    ],
    [
      'a delivered credential with a bad issuance time',
      { ...GOOD.DeliverAttestation, object: { ...vc, validFrom: 'now' } },
      'object.validFrom',
    ],
    [
      'a revocation with an invented code',
      {
        ...GOOD.RevokeAttestation,
        result: { revocationCodes: ['meh'], statusId: vc.credentialStatus.statusId },
      },
      'result.revocationCodes[0]',
    ],
    ['an amendment without the past id', { ...GOOD.AmendAttestation, replaces: {} }, 'replaces.id'],
    [
      'a permission with an unknown action',
      { ...GOOD.RequestAccess, object: { ...permission, actions: ['delete'] } },
      'object.actions[0]',
    ],
    ['a grant with a timeout over a year', { ...GOOD.GrantAccess, timeout: 365 * 24 * 3600 + 1 }, 'timeout'],
    ['a grant with a negative timeout', { ...GOOD.GrantAccess, timeout: -5 }, 'timeout'],
    ['a grant without start time', { ...GOOD.GrantAccess, startTime: undefined }, 'startTime'],
    [
      'a retrieval without challenge',
      { ...GOOD.RetrieveAttestations, object: { permission: permission.id, attestationTypes: ['X'] } },
      'object.challenge',
    ],
    ['an unknown field', { ...GOOD.DenyAccess, secret: 1 }, '(root)'],
  ])('refuses %s with MESSAGE_INVALID at %s', (_what, msg, path) => {
    const err = failure(msg);
    expect(err.code).toBe('MESSAGE_INVALID');
    expect(err.detail?.path).toBe(path);
  });

  it('refuses non-objects with MESSAGE_INVALID', () => {
    for (const v of [null, 'GrantAccess', 42, []]) expect(failure(v).code).toBe('MESSAGE_INVALID');
  });

  it('parseMessageOfType refuses a valid message of another type, naming @type', () => {
    expect(parseMessageOfType(GOOD.GrantAccess, 'GrantAccess').timeout).toBe(600);
    expect(() => parseMessageOfType(GOOD.DenyAccess, 'GrantAccess')).toThrow(
      expect.objectContaining({
        code: 'MESSAGE_INVALID',
        detail: expect.objectContaining({ path: '@type' }),
      }),
    );
  });
});

describe('message signatures', () => {
  const caller: CallerInfo = {
    mspId: 'TelcoB',
    role: 'client',
    id: 'TelcoB::user1::1',
    name: 'user1',
    attributes: {},
  };

  it("signs with the sender's DID key and verifies against the ledger; detects tampering and the wrong sender", async () => {
    const ledger = new InMemoryLedger({ contracts: [didRegistry] });
    const registry = new DidRegistryClient({ contract: ledger.contract('did-registry', caller) });
    await registry.register(alice);
    await registry.register(partner);
    const grant = signMessage(alice, parseMessageOfType(GOOD.GrantAccess, 'GrantAccess'));
    expect(parseAttestationMessage(grant)).toEqual(grant);
    expect(await verifyMessageSignature(grant, registry, alice.did)).toBe(alice.did);
    await expect(verifyMessageSignature({ ...grant, timeout: 60_000 }, registry)).rejects.toMatchObject({
      code: 'PROOF_INVALID',
    });
    await expect(verifyMessageSignature(grant, registry, partner.did)).rejects.toMatchObject({
      code: 'KEY_NOT_AUTHORISED',
    });
    const unsigned = parseMessageOfType(GOOD.GrantAccess, 'GrantAccess');
    await expect(verifyMessageSignature(unsigned, registry)).rejects.toMatchObject({
      code: 'MESSAGE_UNSIGNED',
    });
  });
});
