import type { KeyObject } from 'node:crypto';
import { ConsortiaError } from '../../common/index.js';
import { generateKeyPair } from '../../crypto/index.js';
import {
  DID_CONTEXT,
  type DidDocument,
  type DidService,
  didOperationPayload,
  JWS_2020_CONTEXT,
  type VerificationMethod,
} from './didDocument.js';
import { IdentityAgentErrorCodes } from './errors.js';
import { type DetachedProof, didFromJwk, publicKeyToJwk, signDetached } from './jose.js';

/** A service endpoint to publish: `#<fragment>`, a type such as IdentityHub, and an https URL. */
export interface ServiceEndpointInput {
  readonly fragment: string;
  readonly type: string;
  readonly serviceEndpoint: string;
}

export interface LocalDidOptions {
  readonly services?: readonly ServiceEndpointInput[];
}

/** The arguments of the did-registry's createDid. */
export interface CreateDidOperation {
  readonly did: string;
  readonly document: DidDocument;
  readonly proof: DetachedProof;
}

/** The arguments of the did-registry's updateDid. */
export interface UpdateDidOperation extends CreateDidOperation {
  readonly version: number;
}

/** The arguments of the did-registry's deactivateDid. */
export interface DeactivateDidOperation {
  readonly did: string;
  readonly version: number;
  readonly proof: DetachedProof;
}

/** An operation prepared locally; `apply()` makes it the local state once the ledger committed it. */
export interface PreparedOperation<T> {
  readonly operation: T;
  apply(): void;
}

/**
 * A DID held by an agent (Alice's wallet, an enterprise agent): its private keys, never shared,
 * and the document the ledger should hold. It signs DID operations, DID-Auth responses,
 * credentials, presentations and messages. Keys are P-256; ids are `<did>#key-<n>`.
 *
 * @example
 * const alice = LocalDid.generate({ services: [{ fragment: 'hub', type: 'IdentityHub', serviceEndpoint: 'https://hub.example/alice' }] });
 * await registry.register(alice);
 */
export class LocalDid {
  readonly did: string;
  readonly #keys = new Map<string, KeyObject>();
  #document: DidDocument;
  #version = 0;
  #keyCounter = 1;
  #deactivated = false;

  private constructor(did: string, document: DidDocument, keyId: string, privateKey: KeyObject) {
    this.did = did;
    this.#document = document;
    this.#keys.set(keyId, privateKey);
  }

  /** A new DID with a fresh P-256 key; its id derives from that key. */
  static generate(opts: Readonly<LocalDidOptions> = {}): LocalDid {
    const keys = generateKeyPair();
    const jwk = publicKeyToJwk(keys.publicKey);
    const did = didFromJwk(jwk);
    const keyId = `${did}#key-1`;
    const document: DidDocument = {
      '@context': [DID_CONTEXT, JWS_2020_CONTEXT],
      id: did,
      verificationMethod: [{ id: keyId, type: 'JsonWebKey2020', controller: did, publicKeyJwk: jwk }],
      authentication: [keyId],
      assertionMethod: [keyId],
      ...(opts.services && opts.services.length > 0
        ? {
            service: opts.services.map((s) => ({
              id: `${did}#${s.fragment}`,
              type: s.type,
              serviceEndpoint: s.serviceEndpoint,
            })),
          }
        : {}),
    };
    return new LocalDid(did, document, keyId, keys.privateKey);
  }

  /** The document as this agent last applied it. */
  get document(): DidDocument {
    return this.#document;
  }

  /** The version of the document as this agent last applied it (0 after creation). */
  get version(): number {
    return this.#version;
  }

  get deactivated(): boolean {
    return this.#deactivated;
  }

  /** The id of the current authentication key. */
  get authenticationKeyId(): string {
    return this.#document.authentication[0]!;
  }

  /** The id of the current assertion key (credential signing). */
  get assertionKeyId(): string {
    return this.#document.assertionMethod?.[0] ?? this.authenticationKeyId;
  }

  /** The createDid arguments: the document, signed by the key the DID derives from. */
  createOperation(): CreateDidOperation {
    if (this.#version !== 0)
      this.#stateError('the DID was already updated; it can only be created at version 0');
    const payload = didOperationPayload({
      did: this.did,
      version: 0,
      type: 'create',
      document: this.#document,
    });
    return { did: this.did, document: this.#document, proof: this.#sign(this.authenticationKeyId, payload) };
  }

  /**
   * Prepares a key rotation: a new key replaces the current one (as authentication and
   * assertion key). With `retainForAssertions`, the old public key stays listed under
   * assertionMethod so that credentials it signed keep verifying.
   */
  prepareKeyRotation(opts: { retainForAssertions?: boolean } = {}): PreparedOperation<UpdateDidOperation> {
    this.#assertActive();
    const keys = generateKeyPair();
    const keyId = `${this.did}#key-${this.#keyCounter + 1}`;
    const newVm: VerificationMethod = {
      id: keyId,
      type: 'JsonWebKey2020',
      controller: this.did,
      publicKeyJwk: publicKeyToJwk(keys.publicKey),
    };
    const old = this.#document;
    const kept = opts.retainForAssertions
      ? old.verificationMethod.filter((v) => v.id === this.assertionKeyId)
      : [];
    const document: DidDocument = {
      ...old,
      verificationMethod: [newVm, ...kept],
      authentication: [keyId],
      assertionMethod: [keyId, ...kept.map((v) => v.id)],
    };
    return this.#prepareUpdate(document, () => {
      this.#keyCounter += 1;
      this.#keys.set(keyId, keys.privateKey);
    });
  }

  /** Prepares an update of the service endpoints (keys unchanged). */
  prepareServiceUpdate(services: readonly ServiceEndpointInput[]): PreparedOperation<UpdateDidOperation> {
    this.#assertActive();
    const service: DidService[] = services.map((s) => ({
      id: `${this.did}#${s.fragment}`,
      type: s.type,
      serviceEndpoint: s.serviceEndpoint,
    }));
    const { service: _dropped, ...rest } = this.#document;
    return this.#prepareUpdate(service.length > 0 ? { ...rest, service } : rest, () => {});
  }

  /** Prepares the deactivation, signed by the current authentication key. */
  prepareDeactivation(): PreparedOperation<DeactivateDidOperation> {
    this.#assertActive();
    const version = this.#version + 1;
    const proof = this.#sign(
      this.authenticationKeyId,
      didOperationPayload({ did: this.did, version, type: 'deactivate' }),
    );
    return {
      operation: { did: this.did, version, proof },
      apply: () => {
        this.#version = version;
        this.#deactivated = true;
      },
    };
  }

  /**
   * Signs the canonical JSON of `payload` with the current key for `purpose` (authentication
   * for DID-Auth, presentations and messages; assertionMethod for credentials).
   */
  sign(payload: unknown, purpose: 'authentication' | 'assertionMethod' = 'authentication'): DetachedProof {
    this.#assertActive();
    return this.#sign(purpose === 'authentication' ? this.authenticationKeyId : this.assertionKeyId, payload);
  }

  #prepareUpdate(document: DidDocument, onApply: () => void): PreparedOperation<UpdateDidOperation> {
    const version = this.#version + 1;
    // Signed by the current (pre-update) authentication key, as resolvers check.
    const proof = this.#sign(
      this.authenticationKeyId,
      didOperationPayload({ did: this.did, version, type: 'update', document }),
    );
    return {
      operation: { did: this.did, version, document, proof },
      apply: () => {
        onApply();
        this.#document = document;
        this.#version = version;
      },
    };
  }

  #sign(keyId: string, payload: unknown): DetachedProof {
    const key = this.#keys.get(keyId);
    if (!key) this.#stateError(`this agent holds no private key for ${keyId}`);
    return signDetached(key, keyId, payload);
  }

  #assertActive(): void {
    if (this.#deactivated) this.#stateError(`${this.did} is deactivated`);
  }

  #stateError(message: string): never {
    throw new ConsortiaError(IdentityAgentErrorCodes.DID_STATE, message, { did: this.did });
  }
}
