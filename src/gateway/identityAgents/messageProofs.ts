import { ConsortiaError } from '../../common/index.js';
import { didOfUrl } from './did.js';
import { type DidResolver, findKey } from './didDocument.js';
import { IdentityAgentErrorCodes } from './errors.js';
import { jwkToPublicKey, verifyDetached } from './jose.js';
import type { LocalDid } from './localDid.js';
import type { AttestationMessage } from './messages.js';

/**
 * Signs a message with the sender's DID authentication key: `proof` covers the canonical JSON
 * of the message without its proof.
 *
 * @example
 * const grant = signMessage(alice, { '@context': MESSAGE_CONTEXTS[0], '@type': 'GrantAccess', object: permission, startTime });
 */
export function signMessage<M extends AttestationMessage>(sender: LocalDid, message: M): M {
  const { proof: _old, ...unsigned } = message;
  return { ...unsigned, proof: sender.sign(unsigned) } as M;
}

/**
 * Verifies a message's proof against its sender's DID document on the ledger and returns the
 * sender DID. MESSAGE_UNSIGNED without a proof; KEY_NOT_AUTHORISED when `expectedSender` is
 * given and another DID signed, or the key is not a current authentication key; PROOF_INVALID
 * when the message was changed; DID_DEACTIVATED for a deactivated sender.
 *
 * @example
 * await verifyMessageSignature(grant, registry, grant.object.grantor);
 */
export async function verifyMessageSignature(
  message: AttestationMessage,
  resolver: DidResolver,
  expectedSender?: string,
): Promise<string> {
  const { proof, ...unsigned } = message;
  if (!proof) {
    throw new ConsortiaError(
      IdentityAgentErrorCodes.MESSAGE_UNSIGNED,
      `this ${message['@type']} message must be signed by its sender's DID`,
      { type: message['@type'] },
    );
  }
  const sender = didOfUrl(proof.verificationMethod, 'proof.verificationMethod');
  if (expectedSender !== undefined && sender !== expectedSender) {
    throw new ConsortiaError(
      IdentityAgentErrorCodes.KEY_NOT_AUTHORISED,
      `this ${message['@type']} message must be signed by ${expectedSender}, not ${sender}`,
      { expected: expectedSender, signer: sender },
    );
  }
  const resolved = await resolver.resolve(sender);
  if (resolved.metadata.deactivated) {
    throw new ConsortiaError(IdentityAgentErrorCodes.DID_DEACTIVATED, `the sender ${sender} is deactivated`, {
      did: sender,
    });
  }
  const vm = findKey(resolved.didDocument, proof.verificationMethod, 'authentication');
  verifyDetached(jwkToPublicKey(vm.publicKeyJwk), proof, unsigned);
  return sender;
}
