import { z } from 'zod';
import { ConsortiaError } from '../../common/index.js';
import type { Challenge, ChallengeIssuer } from './challenges.js';
import type { CredentialStatusSource } from './credentialStatus.js';
import {
  CONSORTIA_PROOF_TYPE,
  credentialSchema,
  proofPayload,
  proofSchema,
  VC_CONTEXT_V2,
  type VerifiableCredential,
  type VerifiedCredential,
  verifyCredential,
} from './credentials.js';
import { assertDid, didOfUrl } from './did.js';
import { type DidResolver, findKey } from './didDocument.js';
import { IdentityAgentErrorCodes } from './errors.js';
import { jwkToPublicKey, verifyDetached } from './jose.js';
import type { LocalDid } from './localDid.js';
import { parseWith } from './schemaError.js';

export const presentationSchema = z.strictObject({
  '@context': z
    .array(z.string().min(1).max(256))
    .min(1)
    .max(8)
    .refine((c) => c[0] === VC_CONTEXT_V2, `the first context must be ${VC_CONTEXT_V2}`),
  type: z
    .array(z.string().max(64))
    .min(1)
    .max(4)
    .refine((t) => t[0] === 'VerifiablePresentation', 'the first type must be VerifiablePresentation'),
  holder: z.string().max(200),
  verifiableCredential: z.array(credentialSchema).min(1).max(16),
  proof: proofSchema,
});

/** A W3C Verifiable Presentation signed by its holder for one verifier's challenge. */
export type VerifiablePresentation = z.infer<typeof presentationSchema>;

export interface CreatePresentationOptions {
  readonly holder: LocalDid;
  readonly credentials: readonly VerifiableCredential[];
  /** The verifier's challenge (its nonce and domain are signed in). */
  readonly challenge: Pick<Challenge, 'nonce' | 'domain'>;
  readonly now?: Date;
}

/**
 * The holder wraps credentials in a presentation and signs it, with the verifier's challenge,
 * using its DID's authentication key: a replayed or forwarded presentation does not verify.
 *
 * @example
 * const vp = createPresentation({ holder: alice, credentials: [accountVc], challenge });
 */
export function createPresentation(opts: Readonly<CreatePresentationOptions>): VerifiablePresentation {
  const unsigned = {
    '@context': [VC_CONTEXT_V2],
    type: ['VerifiablePresentation'],
    holder: opts.holder.did,
    verifiableCredential: [...opts.credentials],
  };
  const proofOptions = {
    type: CONSORTIA_PROOF_TYPE as typeof CONSORTIA_PROOF_TYPE,
    created: (opts.now ?? new Date()).toISOString(),
    verificationMethod: opts.holder.authenticationKeyId,
    proofPurpose: 'authentication' as const,
    challenge: opts.challenge.nonce,
    domain: opts.challenge.domain,
  };
  const { jws } = opts.holder.sign({ ...unsigned, proof: proofOptions }, 'authentication');
  return { ...unsigned, proof: { ...proofOptions, jws } };
}

export interface VerifyPresentationOptions {
  /** The verifier's challenges; the presentation's nonce is spent. */
  readonly challenges: ChallengeIssuer;
  readonly resolver: DidResolver;
  readonly status: CredentialStatusSource;
  readonly now?: Date;
  /** Every presented credential must be of this type. */
  readonly requiredType?: string;
  /** Every presented credential must come from one of these issuers. */
  readonly trustedIssuers?: readonly string[];
}

/**
 * Verifies a presentation: its shape (PRESENTATION_MALFORMED), the challenge (CHALLENGE_*), the
 * holder's DID and signature (DID_DEACTIVATED, KEY_NOT_AUTHORISED, PROOF_INVALID), then every
 * credential as {@link verifyCredential} does, and that each is about the holder
 * (HOLDER_MISMATCH).
 *
 * @example
 * const { holder, credentials } = await verifyPresentation(vp, { challenges, resolver, status, requiredType: 'ISPAccountAttestation' });
 */
export async function verifyPresentation(
  value: unknown,
  opts: Readonly<VerifyPresentationOptions>,
): Promise<{ holder: string; credentials: VerifiedCredential[] }> {
  const vp = parseWith(
    presentationSchema,
    value,
    IdentityAgentErrorCodes.PRESENTATION_MALFORMED,
    'presentation',
  );
  assertDid(vp.holder, 'holder');
  const { challenge, domain, proofPurpose, verificationMethod } = vp.proof;
  if (challenge === undefined || domain === undefined || proofPurpose !== 'authentication') {
    throw new ConsortiaError(
      IdentityAgentErrorCodes.PRESENTATION_MALFORMED,
      'the presentation is invalid at proof: it needs proofPurpose authentication, a challenge and a domain',
      { path: 'proof' },
    );
  }
  if (didOfUrl(verificationMethod) !== vp.holder) {
    throw new ConsortiaError(
      IdentityAgentErrorCodes.KEY_NOT_AUTHORISED,
      `the presentation of ${vp.holder} is signed by ${verificationMethod}, a key of another DID`,
      { holder: vp.holder, verificationMethod },
    );
  }
  opts.challenges.consume(challenge, domain);
  const holder = await opts.resolver.resolve(vp.holder);
  if (holder.metadata.deactivated) {
    throw new ConsortiaError(
      IdentityAgentErrorCodes.DID_DEACTIVATED,
      `the holder ${vp.holder} is deactivated`,
      {
        did: vp.holder,
      },
    );
  }
  const vm = findKey(holder.didDocument, verificationMethod, 'authentication');
  verifyDetached(jwkToPublicKey(vm.publicKeyJwk), vp.proof, proofPayload(vp));

  const credentials: VerifiedCredential[] = [];
  for (const vc of vp.verifiableCredential) {
    const verified = await verifyCredential(vc, {
      resolver: opts.resolver,
      status: opts.status,
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.requiredType ? { requiredType: opts.requiredType } : {}),
      ...(opts.trustedIssuers ? { trustedIssuers: opts.trustedIssuers } : {}),
    });
    if (verified.subject !== vp.holder) {
      throw new ConsortiaError(
        IdentityAgentErrorCodes.HOLDER_MISMATCH,
        `credential ${vc.id} is about ${verified.subject}, not the holder ${vp.holder}`,
        { credential: vc.id, subject: verified.subject, holder: vp.holder },
      );
    }
    credentials.push(verified);
  }
  return { holder: vp.holder, credentials };
}
