import { ConsortiaError, toConsortiaError } from '../../common/index.js';
import {
  type AttestationMessage,
  ChallengeIssuer,
  CredentialStatusClient,
  type DeliverAttestation,
  DidRegistryClient,
  HolderWallet,
  LocalDid,
  MESSAGE_CONTEXTS,
  newMessageId,
  parseAttestationMessage,
  type RetrieveAttestations,
  signMessage,
  type VerifiableCredential,
  type VerifiedCredential,
  verifyCredential,
  verifyPresentation,
} from '../../gateway/index.js';
import { check, type DemoContext } from './demoRunner.js';

/** The channel the identity demos run on. */
export const CHANNEL = 'telecom';
export const CONTEXT = MESSAGE_CONTEXTS[0];
export const FORMAT = 'vc+consortia-jws';

/** Runs `fn` and returns the code of the error it throws (undefined when it does not throw). */
export async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
    return undefined;
  } catch (err) {
    return toConsortiaError(err).code;
  }
}

/** Fails the step unless `fn` is refused with `code`. */
export async function expectCode(fn: () => unknown, code: string, what: string): Promise<void> {
  const got = await codeOf(fn);
  check(got === code, `${what} should be refused with ${code}, got ${got ?? 'success'}`);
}

/** Throws DEMO_CONTRACT_MISSING when the network (e.g. an older data dir) lacks a contract. */
export function assertDeployed(ctx: DemoContext, names: readonly string[]): void {
  const deployed =
    ctx.network.config.channels.find((c) => c.name === CHANNEL)?.contracts.map((c) => c.name) ?? [];
  for (const name of names) {
    if (!deployed.includes(name)) {
      throw new ConsortiaError(
        'DEMO_CONTRACT_MISSING',
        `this network has no ${name} contract; run the demo on a fresh data dir`,
        { contract: name },
      );
    }
  }
}

/** One party of the attestations story: its DID with keys, and ledger clients as its org identity. */
export interface Party {
  readonly label: string;
  readonly did: LocalDid;
  readonly registry: DidRegistryClient;
  readonly status: CredentialStatusClient;
}

function party(ctx: DemoContext, label: string, did = LocalDid.generate()): Party {
  const network = ctx.client(label).network(CHANNEL);
  return {
    label,
    did,
    registry: new DidRegistryClient({ contract: network.contract('did-registry') }),
    status: new CredentialStatusClient({ contract: network.contract('attestations') }),
  };
}

/**
 * The cast of the attestations demo: the ISP (TelcoA), the partner telco (TelcoB), the bank
 * (TelcoC) and Alice, whose wallet reaches the ledger through Regulator.user1; their challenge
 * issuers; and `send`, which passes a message as JSON and validates it on arrival.
 */
export function castAttestations(ctx: DemoContext) {
  const isp = party(ctx, 'TelcoA.admin');
  const partner = party(ctx, 'TelcoB.admin');
  const bank = party(ctx, 'TelcoC.admin');
  const alice = party(
    ctx,
    'Regulator.user1',
    LocalDid.generate({
      services: [{ fragment: 'hub', type: 'IdentityHub', serviceEndpoint: 'https://hub.example/alice' }],
    }),
  );
  const clock = { skewMs: 0 };
  const wallet = new HolderWallet({
    holder: alice.did,
    resolver: alice.registry,
    now: () => new Date(Date.now() + clock.skewMs),
  });
  const ispChallenges = new ChallengeIssuer({ domain: 'isp.example' });
  const partnerChallenges = new ChallengeIssuer({ domain: 'partner.example' });
  const out = { log: (_line: string): void => undefined };

  const send = <M extends AttestationMessage>(from: string, to: string, msg: M, note = ''): M => {
    const received = parseAttestationMessage(JSON.parse(JSON.stringify(msg))) as M;
    out.log(`${from} → ${to}: ${msg['@type']}${note ? ` (${note})` : ''}`);
    return received;
  };
  const deliver = (
    from: string,
    vc: VerifiableCredential,
    info: Pick<DeliverAttestation, 'description' | 'tags'> & { identifier?: string; note?: string },
  ): DeliverAttestation =>
    send(
      from,
      'Alice',
      {
        '@context': CONTEXT,
        '@type': 'DeliverAttestation',
        identifier: info.identifier ?? newMessageId(),
        object: vc,
        description: info.description,
        tags: info.tags,
        format: FORMAT,
        deliveredAt: new Date().toISOString(),
      },
      info.note,
    );
  /** The partner asks Alice's wallet for her ISP account attestation under `permission`. */
  const retrieval = (permission: string): RetrieveAttestations =>
    signMessage(partner.did, {
      '@context': CONTEXT,
      '@type': 'RetrieveAttestations',
      identifier: newMessageId(),
      object: {
        permission,
        attestationTypes: ['ISPAccountAttestation'],
        challenge: partnerChallenges.issue(),
      },
    });
  /** The partner verifies a presentation of an ISP account attestation. */
  const partnerVerifies = (vp: unknown): Promise<{ credentials: VerifiedCredential[] }> =>
    verifyPresentation(vp, {
      challenges: partnerChallenges,
      resolver: partner.registry,
      status: partner.status,
      requiredType: 'ISPAccountAttestation',
      trustedIssuers: [isp.did.did],
    });
  const verifyAs = (who: Party, vc: unknown) =>
    verifyCredential(vc, { resolver: who.registry, status: who.status });

  return {
    isp,
    partner,
    bank,
    alice,
    wallet,
    clock,
    ispChallenges,
    partnerChallenges,
    out,
    send,
    deliver,
    retrieval,
    partnerVerifies,
    verifyAs,
  };
}
