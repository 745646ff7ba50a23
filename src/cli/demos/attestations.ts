import {
  issueCredential,
  newMessageId,
  parseMessageOfType,
  respondToDidAuth,
  signMessage,
  type VerifiableCredential,
  verifyDidAuth,
  verifyMessageSignature,
  verifyPresentation,
} from '../../gateway/index.js';
import {
  check,
  type DemoContext,
  type DemoOptions,
  type DemoResult,
  type DemoScriptStep,
  runDemo,
} from './demoRunner.js';
import { assertDeployed, CHANNEL, CONTEXT, castAttestations, expectCode, FORMAT } from './identityDemoKit.js';

const YEAR_MS = 365 * 86_400_000;

/**
 * `consortia demo attestations`: seed 001, use case 6, on an embedded network. TelcoA plays the
 * ISP, TelcoB the partner telco, TelcoC the bank; Alice's wallet reaches the ledger through
 * Regulator.user1 (a DID hosting service that can relay, but not forge, her key-signed DID
 * operations). Alice links her DID to the ISP by DID-Auth, opens an account by presenting the
 * bank's identity attestation, receives an account attestation, presents it to the partner for
 * a discount, and after the ISP revokes it a later presentation fails. Then the bank amends her
 * identity attestation, and bad input is refused with clear codes. Every step checks itself.
 *
 * @example
 * const r = await runAttestationsDemo({ out: (line) => process.stdout.write(`${line}\n`) });
 * if (r.failed > 0) process.exitCode = 1;
 */
export function runAttestationsDemo(opts: Readonly<DemoOptions>): Promise<DemoResult> {
  const title = 'Identity attestations with DIDs and Verifiable Credentials';
  return runDemo({ name: 'attestations', title, steps: buildSteps }, opts);
}

function buildSteps(ctx: DemoContext): DemoScriptStep[] {
  const cast = castAttestations(ctx);
  const { isp, partner, bank, alice, wallet, ispChallenges, partnerChallenges, send, deliver } = cast;
  let identityVc: VerifiableCredential | undefined;
  let accountVc: VerifiableCredential | undefined;
  let permission = '';
  const step = (title: string, run: (log: (line: string) => void) => Promise<void>): DemoScriptStep => ({
    title,
    run: (log) => {
      cast.out.log = log;
      return run(log);
    },
  });

  return [
    step('Alice links her DID to the ISP (DID-Auth against the ledger)', async (log) => {
      assertDeployed(ctx, ['did-registry', 'attestations']);
      log(
        "roles: ISP = TelcoA, partner telco = TelcoB, bank = TelcoC, Alice's wallet relays via Regulator.user1",
      );
      for (const p of [isp, partner, bank]) {
        await p.registry.register(p.did);
        log(`${p.label.split('.')[0]} published ${p.did.did}`);
      }
      await alice.registry.register(alice.did);
      log(`Alice created ${alice.did.did} for this relationship`);
      // Seed §2.1 steps 5-10: the ISP's agent resolves her DID document and challenges her key.
      const resolved = await isp.registry.resolve(alice.did.did);
      check(resolved.didDocument.service?.[0]?.type === 'IdentityHub', 'her hub endpoint should resolve');
      const response = respondToDidAuth(alice.did, ispChallenges.issue());
      const auth = { challenges: ispChallenges, resolver: isp.registry };
      const { did } = await verifyDidAuth(JSON.parse(JSON.stringify(response)), auth);
      check(did === alice.did.did, 'the ISP should authenticate Alice');
      log(
        `ISP verified the DID-Auth response signed by ${response.proof.verificationMethod.split('#')[1]}: linked`,
      );
      await expectCode(
        () => verifyDidAuth(response, auth),
        'CHALLENGE_REPLAYED',
        'a replayed DID-Auth response',
      );
      log('the same response replayed: CHALLENGE_REPLAYED');
    }),

    step("Alice opens an account by presenting the bank's identity attestation", async (log) => {
      identityVc = issueCredential({
        issuer: bank.did,
        subject: alice.did.did,
        type: 'IdentityAttestation',
        claims: { givenName: 'Alice', familyName: 'Example', assurance: 'high' },
        validUntil: new Date(Date.now() + YEAR_MS),
      });
      await bank.status.anchor(identityVc);
      const fromBank = deliver('Bank', identityVc, {
        description: 'Verified identity',
        tags: ['identity', 'KYC'],
        note: 'anchored on the ledger beforehand',
      });
      await cast.verifyAs(alice, fromBank.object);
      wallet.store(fromBank.object);
      const request = send('Alice', 'ISP', {
        '@context': CONTEXT,
        '@type': 'RequestAttestation',
        identifier: newMessageId(),
        for: [alice.did.did],
        format: FORMAT,
        attestationType: 'ISPAccountAttestation',
        description: 'ISP account',
        tags: ['ISP_DID', 'Customer_DID', 'Account_Type'],
      });
      const preconditions = send(
        'ISP',
        'Alice',
        {
          '@context': CONTEXT,
          '@type': 'PreconditionsAttestation',
          identifier: request.identifier,
          preconditions: [
            {
              attestationType: 'IdentityAttestation',
              description: 'proof of identity from a bank',
              acceptedIssuers: [bank.did.did],
            },
          ],
        },
        'needs an IdentityAttestation from the bank',
      );
      const wanted = preconditions.preconditions[0]!;
      const presented = send(
        'Alice',
        'ISP',
        wallet.present(wallet.credentials(wanted.attestationType), ispChallenges.issue(), {
          identifier: request.identifier,
          description: 'Proof of identity',
          tags: ['identity'],
        }),
        "a presentation signed for the ISP's challenge",
      );
      await verifyMessageSignature(presented, isp.registry, alice.did.did);
      const { credentials } = await verifyPresentation(presented.object, {
        challenges: ispChallenges,
        resolver: isp.registry,
        status: isp.status,
        requiredType: wanted.attestationType,
        trustedIssuers: wanted.acceptedIssuers ?? [],
      });
      const subject = credentials[0]?.credential.credentialSubject;
      check(subject?.familyName === 'Example', 'the identity claims should verify');
      log(
        `ISP verified the bank's signature, DID and status entry: ${subject.givenName} ${subject.familyName}`,
      );
    }),

    step('She gets an account attestation from the ISP', async (log) => {
      accountVc = issueCredential({
        issuer: isp.did,
        subject: alice.did.did,
        type: 'ISPAccountAttestation',
        claims: { accountType: 'fibre-1000', accountStatus: 'active' },
        validUntil: new Date(Date.now() + YEAR_MS),
      });
      const entry = await isp.status.anchor(accountVc);
      log(`ISP anchored status ${entry.statusId.slice(0, 16)}… (digest only: no personal data on chain)`);
      const fromIsp = deliver('ISP', accountVc, {
        description: 'ISP Account',
        tags: ['ISP_DID', 'Customer_DID', 'Account_Type', 'Account_Status'],
      });
      const verified = await cast.verifyAs(alice, fromIsp.object);
      check(verified.issuer === isp.did.did, 'the account attestation should come from the ISP');
      wallet.store(fromIsp.object);
      log(`Alice's wallet verified and stored it: ${accountVc.credentialSubject.accountType}, active`);
    }),

    step('She presents it to the partner telco and gets a discount', async (log) => {
      const auth = { challenges: partnerChallenges, resolver: partner.registry };
      await verifyDidAuth(respondToDidAuth(alice.did, partnerChallenges.issue()), auth);
      log('partner linked Alice by DID-Auth');
      const request = send(
        'Partner',
        'Alice',
        signMessage(partner.did, {
          '@context': CONTEXT,
          '@type': 'RequestAccess',
          object: {
            id: newMessageId(),
            grantor: alice.did.did,
            grantee: partner.did.did,
            actions: ['retrieve'],
            attestationTypes: ['ISPAccountAttestation'],
          },
          purpose: 'discounted smartphone for customers of partner ISPs',
        }),
      );
      await verifyMessageSignature(request, alice.registry, request.object.grantee);
      const grant = send(
        'Alice',
        'Partner',
        wallet.grantAccess(request, { timeoutSeconds: 600 }),
        'timeout 600 s',
      );
      await verifyMessageSignature(grant, partner.registry, alice.did.did);
      permission = grant.object.id;
      const retrieve = send('Partner', 'Alice', cast.retrieval(permission));
      const presented = send('Alice', 'Partner', await wallet.retrieve(retrieve));
      const { credentials } = await cast.partnerVerifies(presented.object);
      check(credentials.length === 1, 'the partner should accept the ISP account attestation');
      const discount = issueCredential({
        issuer: partner.did,
        subject: alice.did.did,
        type: 'DiscountAttestation',
        claims: { offer: 'smartphone', discountPercent: 20 },
        validUntil: new Date(Date.now() + 30 * 86_400_000),
      });
      await partner.status.anchor(discount);
      const fromPartner = deliver('Partner', discount, {
        identifier: retrieve.identifier,
        description: '20% off a smartphone',
        tags: ['discount'],
      });
      await cast.verifyAs(alice, fromPartner.object);
      wallet.store(fromPartner.object);
      log('partner verified the ISP attestation and delivered a 20% discount attestation');
    }),

    step('The ISP revokes the account attestation; a later presentation fails', async (log) => {
      const vc = accountVc!;
      const revokeByPartner = () => partner.status.revoke(vc, ['unspecified'], 'not ours');
      await expectCode(revokeByPartner, 'REVOKE_FORBIDDEN', "the partner revoking the ISP's attestation");
      log('the partner tries to revoke it: REVOKE_FORBIDDEN (only the issuer may)');
      const entry = await isp.status.revoke(vc, ['affiliationChanged'], 'account closed');
      send(
        'ISP',
        'Alice',
        signMessage(isp.did, {
          '@context': CONTEXT,
          '@type': 'RevokeAttestation',
          identifier: newMessageId(),
          object: { id: vc.id, description: 'ISP Account' },
          result: {
            revocationCodes: ['affiliationChanged'],
            statusId: entry.statusId,
            transactionId: entry.revocation!.txId,
          },
          purpose: 'Your account was closed.',
        }),
      );
      const presented = await wallet.retrieve(send('Partner', 'Alice', cast.retrieval(permission), 'later'));
      await expectCode(
        () => cast.partnerVerifies(presented.object),
        'CREDENTIAL_REVOKED',
        'a presentation of the revoked attestation',
      );
      log('partner checks the ledger status list: CREDENTIAL_REVOKED (affiliationChanged)');
    }),

    step("The bank amends Alice's identity attestation; the old one is superseded", async (log) => {
      const old = identityVc!;
      const amended = issueCredential({
        issuer: bank.did,
        subject: alice.did.did,
        type: 'IdentityAttestation',
        claims: { givenName: 'Alice', familyName: 'Newname', assurance: 'high' },
        validUntil: new Date(Date.now() + YEAR_MS),
      });
      await bank.status.amend(old, amended, 'family name changed');
      const msg = send('Bank', 'Alice', {
        '@context': CONTEXT,
        '@type': 'AmendAttestation',
        identifier: newMessageId(),
        object: amended,
        replaces: { id: old.id },
        delta: { familyName: 'Newname' },
        purpose: 'Your family name was updated',
      });
      wallet.remove(old.id);
      wallet.store(msg.object);
      await expectCode(
        () => cast.verifyAs(isp, old),
        'CREDENTIAL_SUPERSEDED',
        'the old identity attestation',
      );
      const ok = await cast.verifyAs(isp, msg.object);
      check(
        ok.credential.credentialSubject.familyName === 'Newname',
        'the amended attestation should verify',
      );
      log('old: CREDENTIAL_SUPERSEDED; amended: valid (familyName Newname)');
    }),

    step('Bad input is refused with clear codes', async (log) => {
      const registry = ctx.client('TelcoA.admin').network(CHANNEL).contract('did-registry');
      const resolveBad = () =>
        registry.evaluate('resolveDid', { arguments: { did: 'did:consortia:NOT-HEX' } });
      await expectCode(resolveBad, 'DID_MALFORMED', 'a malformed DID');
      log('resolving did:consortia:NOT-HEX on the ledger: DID_MALFORMED');
      const held = wallet.credentials('IdentityAttestation')[0]!;
      const forged = { ...held, credentialSubject: { ...held.credentialSubject, givenName: 'Mallory' } };
      await expectCode(
        () => cast.verifyAs(isp, forged),
        'PROOF_INVALID',
        'a credential with a changed subject',
      );
      log('a credential with a changed name: PROOF_INVALID');
      const badGrant = { '@context': CONTEXT, '@type': 'GrantAccess', object: {}, timeout: -1 };
      await expectCode(
        () => parseMessageOfType(badGrant, 'GrantAccess'),
        'MESSAGE_INVALID',
        'a malformed GrantAccess',
      );
      log('a GrantAccess without permission and a negative timeout: MESSAGE_INVALID');
      cast.clock.skewMs = 601_000;
      const late = cast.retrieval(permission);
      await expectCode(
        () => wallet.retrieve(late),
        'ACCESS_EXPIRED',
        'a retrieval after the grant timed out',
      );
      cast.clock.skewMs = 0;
      log("a retrieval 10 minutes later, after the grant's timeout: ACCESS_EXPIRED");
    }),
  ];
}
