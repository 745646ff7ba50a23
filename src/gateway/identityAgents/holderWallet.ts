import { ConsortiaError } from '../../common/index.js';
import type { Challenge } from './challenges.js';
import type { VerifiableCredential } from './credentials.js';
import type { DidResolver } from './didDocument.js';
import { IdentityAgentErrorCodes } from './errors.js';
import type { LocalDid } from './localDid.js';
import { signMessage, verifyMessageSignature } from './messageProofs.js';
import {
  type DenyAccess,
  type GrantAccess,
  MESSAGE_CONTEXTS,
  type PresentAttestation,
  parseMessageOfType,
  type RetractAccess,
} from './messages.js';
import { createPresentation } from './presentations.js';

export interface HolderWalletOptions {
  /** The holder's DID with its keys. */
  readonly holder: LocalDid;
  /** Resolves the DIDs of parties that send signed requests. */
  readonly resolver: DidResolver;
  /** The clock. Default `() => new Date()`. */
  readonly now?: () => Date;
}

/**
 * When a granted permission lapses: `startTime + timeout`, or undefined for one without timeout.
 *
 * @example
 * accessExpiresAt(grant)?.toISOString(); // '2025-01-01T00:10:00.000Z'
 */
export function accessExpiresAt(grant: Pick<GrantAccess, 'startTime' | 'timeout'>): Date | undefined {
  return grant.timeout === undefined
    ? undefined
    : new Date(Date.parse(grant.startTime) + grant.timeout * 1000);
}

/**
 * The holder's user agent and DID service (seed use case 6): keeps her credentials, answers
 * access requests with signed GrantAccess / DenyAccess / RetractAccess messages (with the
 * optional timeout), and answers a RetrieveAttestations message only when it is signed by the
 * grantee of a permission that is still in force and within its scope, with a presentation
 * bound to the requester's challenge.
 *
 * @example
 * const wallet = new HolderWallet({ holder: alice, resolver: registry });
 * wallet.store(accountVc);
 * const grant = wallet.grantAccess(requestAccess, { timeoutSeconds: 600 });
 * const presented = await wallet.retrieve(retrieveMessage);
 */
export class HolderWallet {
  readonly holder: LocalDid;
  readonly #resolver: DidResolver;
  readonly #now: () => Date;
  readonly #credentials = new Map<string, VerifiableCredential>();
  readonly #grants = new Map<string, { grant: GrantAccess; retracted: boolean }>();

  constructor(opts: Readonly<HolderWalletOptions>) {
    this.holder = opts.holder;
    this.#resolver = opts.resolver;
    this.#now = opts.now ?? (() => new Date());
  }

  /** Keeps a credential (verify it first; the wallet does not). */
  store(vc: VerifiableCredential): void {
    this.#credentials.set(vc.id, vc);
  }

  /** Drops a credential; true when it was held. */
  remove(id: string): boolean {
    return this.#credentials.delete(id);
  }

  /** The held credentials, optionally only those of `type`. */
  credentials(type?: string): VerifiableCredential[] {
    return [...this.#credentials.values()].filter((vc) => type === undefined || vc.type.includes(type));
  }

  /** Grants a RequestAccess (after the holder agreed), optionally for `timeoutSeconds`; signed. */
  grantAccess(request: unknown, opts: { timeoutSeconds?: number; purpose?: string } = {}): GrantAccess {
    const req = parseMessageOfType(request, 'RequestAccess');
    this.#assertGrantor(req.object.grantor);
    const grant = signMessage(
      this.holder,
      parseMessageOfType(
        {
          '@context': MESSAGE_CONTEXTS[0],
          '@type': 'GrantAccess',
          ...(req.identifier === undefined ? {} : { identifier: req.identifier }),
          object: req.object,
          ...(opts.purpose === undefined ? {} : { purpose: opts.purpose }),
          startTime: this.#now().toISOString(),
          ...(opts.timeoutSeconds === undefined ? {} : { timeout: opts.timeoutSeconds }),
        },
        'GrantAccess',
      ),
    );
    this.#grants.set(req.object.id, { grant, retracted: false });
    return grant;
  }

  /** Refuses a RequestAccess; signed. */
  denyAccess(request: unknown, purpose: string): DenyAccess {
    const req = parseMessageOfType(request, 'RequestAccess');
    this.#assertGrantor(req.object.grantor);
    return signMessage(this.holder, {
      '@context': MESSAGE_CONTEXTS[0],
      '@type': 'DenyAccess',
      ...(req.identifier === undefined ? {} : { identifier: req.identifier }),
      object: req.object,
      purpose,
    });
  }

  /** Retracts a granted permission; signed. Throws ACCESS_NOT_GRANTED for an unknown one. */
  retractAccess(permissionId: string, purpose: string): RetractAccess {
    const entry = this.#grants.get(permissionId);
    if (!entry) throw this.#notGranted(permissionId);
    entry.retracted = true;
    return signMessage(this.holder, {
      '@context': MESSAGE_CONTEXTS[0],
      '@type': 'RetractAccess',
      object: entry.grant.object,
      purpose,
    });
  }

  /**
   * Answers a RetrieveAttestations message with a signed PresentAttestation holding a
   * presentation for the requester's challenge. Refuses with ACCESS_NOT_GRANTED,
   * ACCESS_RETRACTED, ACCESS_EXPIRED, ACCESS_SCOPE_EXCEEDED, NO_MATCHING_CREDENTIAL, or the
   * signature codes of verifyMessageSignature (the request must be signed by the grantee).
   */
  async retrieve(message: unknown): Promise<PresentAttestation> {
    const msg = parseMessageOfType(message, 'RetrieveAttestations');
    const entry = this.#grants.get(msg.object.permission);
    if (!entry) throw this.#notGranted(msg.object.permission);
    const permission = entry.grant.object;
    await verifyMessageSignature(msg, this.#resolver, permission.grantee);
    if (entry.retracted) {
      throw new ConsortiaError(
        IdentityAgentErrorCodes.ACCESS_RETRACTED,
        `the holder retracted permission ${permission.id}`,
        { permission: permission.id },
      );
    }
    const expires = accessExpiresAt(entry.grant);
    if (expires !== undefined && expires.getTime() <= this.#now().getTime()) {
      throw new ConsortiaError(
        IdentityAgentErrorCodes.ACCESS_EXPIRED,
        `permission ${permission.id} timed out at ${expires.toISOString()}; request access again`,
        { permission: permission.id, expiredAt: expires.toISOString() },
      );
    }
    const outside = msg.object.attestationTypes.filter((t) => !permission.attestationTypes.includes(t));
    if (outside.length > 0) {
      throw new ConsortiaError(
        IdentityAgentErrorCodes.ACCESS_SCOPE_EXCEEDED,
        `permission ${permission.id} does not cover ${outside.join(', ')}`,
        { permission: permission.id, notGranted: outside },
      );
    }
    const credentials = this.credentials().filter((vc) =>
      msg.object.attestationTypes.some((t) => vc.type.includes(t)),
    );
    return this.present(credentials, msg.object.challenge, {
      identifier: msg.identifier,
      description: msg.description ?? `Attestations for ${permission.grantee}`,
      tags: msg.object.attestationTypes,
    });
  }

  /**
   * A signed PresentAttestation of `credentials` for a verifier's challenge (used for
   * preconditions, RequestAttestation answers and retrievals).
   */
  present(
    credentials: readonly VerifiableCredential[],
    challenge: Pick<Challenge, 'nonce' | 'domain'>,
    info: { identifier?: string; description: string; tags?: readonly string[] },
  ): PresentAttestation {
    if (credentials.length === 0) {
      throw new ConsortiaError(
        IdentityAgentErrorCodes.NO_MATCHING_CREDENTIAL,
        'the wallet holds no credential that answers the request',
      );
    }
    const vp = createPresentation({ holder: this.holder, credentials, challenge, now: this.#now() });
    return signMessage(this.holder, {
      '@context': MESSAGE_CONTEXTS[0],
      '@type': 'PresentAttestation',
      ...(info.identifier === undefined ? {} : { identifier: info.identifier }),
      object: vp,
      description: info.description,
      tags: [...(info.tags ?? [])],
    });
  }

  #assertGrantor(grantor: string): void {
    if (grantor !== this.holder.did) {
      throw new ConsortiaError(
        IdentityAgentErrorCodes.MESSAGE_INVALID,
        `the message is invalid at object.grantor: it names ${grantor}, not this wallet's holder ${this.holder.did}`,
        { path: 'object.grantor' },
      );
    }
  }

  #notGranted(permissionId: string): ConsortiaError {
    return new ConsortiaError(
      IdentityAgentErrorCodes.ACCESS_NOT_GRANTED,
      `no access was granted under permission ${permissionId}`,
      { permission: permissionId },
    );
  }
}
