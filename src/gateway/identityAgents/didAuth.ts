import { z } from 'zod';
import { ConsortiaError } from '../../common/index.js';
import type { Challenge, ChallengeIssuer } from './challenges.js';
import { assertDid } from './did.js';
import { type DidDocument, type DidResolver, findKey } from './didDocument.js';
import { IdentityAgentErrorCodes } from './errors.js';
import { type DetachedProof, jwkToPublicKey, verifyDetached } from './jose.js';
import type { LocalDid } from './localDid.js';
import { parseWith } from './schemaError.js';

/** The holder's answer to a DID-Auth challenge, signed with an authentication key of its DID. */
export interface DidAuthResponse {
  readonly type: 'DidAuthResponse';
  readonly did: string;
  readonly nonce: string;
  readonly domain: string;
  readonly proof: DetachedProof;
}

const responseSchema = z.strictObject({
  type: z.literal('DidAuthResponse'),
  did: z.string().max(200),
  nonce: z.string().regex(/^[0-9a-f]{64}$/, 'must be the challenge nonce (64 hex characters)'),
  domain: z.string().min(1).max(253),
  proof: z.strictObject({ verificationMethod: z.string().min(1).max(200), jws: z.string().min(1).max(1024) }),
});

const signedPart = (r: Pick<DidAuthResponse, 'type' | 'did' | 'nonce' | 'domain'>) => ({
  type: r.type,
  did: r.did,
  nonce: r.nonce,
  domain: r.domain,
});

/**
 * The holder's agent answers a challenge: it signs `{ type, did, nonce, domain }` with the
 * DID's current authentication key.
 *
 * @example
 * const response = respondToDidAuth(alice, challenge);
 */
export function respondToDidAuth(
  holder: LocalDid,
  challenge: Pick<Challenge, 'nonce' | 'domain'>,
): DidAuthResponse {
  const unsigned = {
    type: 'DidAuthResponse' as const,
    did: holder.did,
    nonce: challenge.nonce,
    domain: challenge.domain,
  };
  return { ...unsigned, proof: holder.sign(signedPart(unsigned)) };
}

export interface VerifyDidAuthOptions {
  /** The verifier's challenges; the response's nonce is spent. */
  readonly challenges: ChallengeIssuer;
  readonly resolver: DidResolver;
}

/**
 * The verifier's side of DID-Auth (seed use case 6, §2.1 steps 5–10): checks the response's
 * shape, spends its challenge (unknown, replayed, expired or other-domain challenges fail),
 * resolves the DID from the ledger (a deactivated DID fails with DID_DEACTIVATED), checks that
 * the signing key is a current authentication key (KEY_NOT_AUTHORISED, e.g. after rotation) and
 * that the signature verifies (PROOF_INVALID). Returns the authenticated DID and its document.
 *
 * @example
 * const challenge = challenges.issue();
 * const { did } = await verifyDidAuth(respondToDidAuth(alice, challenge), { challenges, resolver: registry });
 */
export async function verifyDidAuth(
  response: unknown,
  opts: Readonly<VerifyDidAuthOptions>,
): Promise<{ did: string; didDocument: DidDocument }> {
  const r = parseWith(
    responseSchema,
    response,
    IdentityAgentErrorCodes.DIDAUTH_RESPONSE_MALFORMED,
    'DID-Auth response',
  );
  assertDid(r.did);
  opts.challenges.consume(r.nonce, r.domain);
  const resolved = await opts.resolver.resolve(r.did);
  if (resolved.metadata.deactivated) {
    throw new ConsortiaError(
      IdentityAgentErrorCodes.DID_DEACTIVATED,
      `${r.did} is deactivated; it cannot authenticate`,
      {
        did: r.did,
      },
    );
  }
  const vm = findKey(resolved.didDocument, r.proof.verificationMethod, 'authentication');
  verifyDetached(jwkToPublicKey(vm.publicKeyJwk), r.proof, signedPart(r));
  return { did: r.did, didDocument: resolved.didDocument };
}
