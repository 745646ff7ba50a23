import { assertDid } from './did.js';
import {
  type DidOperationRecord,
  type DidRecord,
  type DidResolver,
  type LedgerIdentity,
  type ResolvedDid,
  verifyDidOperations,
} from './didDocument.js';
import type { LedgerContract } from './ledgerContract.js';
import type { LocalDid, ServiceEndpointInput } from './localDid.js';

export interface DidRegistryClientOptions {
  /** The `did-registry` contract, as the agent's ledger identity calls it. */
  readonly contract: LedgerContract;
}

/**
 * The SDK side of the `did-registry` contract: registers, rotates and deactivates the agent's
 * own DIDs (the calling ledger identity becomes or must be the controller), and resolves any
 * DID, verifying its whole key-signed history before trusting the document.
 *
 * @example
 * const registry = new DidRegistryClient({ contract: gw.network('telecom').contract('did-registry') });
 * await registry.register(alice);
 * const { didDocument } = await registry.resolve(alice.did);
 */
export class DidRegistryClient implements DidResolver {
  readonly #contract: LedgerContract;

  constructor(opts: Readonly<DidRegistryClientOptions>) {
    this.#contract = opts.contract;
  }

  /** Registers `local` at version 0; the caller becomes its ledger controller. */
  async register(local: LocalDid): Promise<DidRecord> {
    const op = local.createOperation();
    const { result } = await this.#contract.submit<DidRecord>('createDid', { arguments: { ...op } });
    return result;
  }

  /** Rotates the key of `local` on the ledger, then locally. */
  async rotateKey(local: LocalDid, opts: { retainForAssertions?: boolean } = {}): Promise<DidRecord> {
    const prepared = local.prepareKeyRotation(opts);
    const { result } = await this.#contract.submit<DidRecord>('updateDid', {
      arguments: { ...prepared.operation },
    });
    prepared.apply();
    return result;
  }

  /** Replaces the service endpoints of `local` on the ledger, then locally. */
  async updateServices(local: LocalDid, services: readonly ServiceEndpointInput[]): Promise<DidRecord> {
    const prepared = local.prepareServiceUpdate(services);
    const { result } = await this.#contract.submit<DidRecord>('updateDid', {
      arguments: { ...prepared.operation },
    });
    prepared.apply();
    return result;
  }

  /** Deactivates `local` on the ledger for good, then locally. */
  async deactivate(local: LocalDid): Promise<DidRecord> {
    const prepared = local.prepareDeactivation();
    const { result } = await this.#contract.submit<DidRecord>('deactivateDid', {
      arguments: { ...prepared.operation },
    });
    prepared.apply();
    return result;
  }

  /** Hands ledger control of `did` to another ledger identity. */
  async transferController(did: string, newController: LedgerIdentity): Promise<DidRecord> {
    const { result } = await this.#contract.submit<DidRecord>('transferController', {
      arguments: { did, newController },
    });
    return result;
  }

  /**
   * Resolves `did` from the ledger and verifies its history (DID_HISTORY_INVALID when it does
   * not verify; DID_NOT_FOUND from the ledger when it was never registered). A deactivated DID
   * resolves with `metadata.deactivated`; verifiers refuse it.
   */
  async resolve(did: string): Promise<ResolvedDid> {
    assertDid(did);
    const { record, operations } = await this.#contract.evaluate<{
      record: DidRecord;
      operations: DidOperationRecord[];
    }>('resolveDid', { arguments: { did } });
    return verifyDidOperations(did, record, operations);
  }
}
