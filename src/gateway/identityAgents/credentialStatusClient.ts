import { isConsortiaError } from '../../common/index.js';
import type { CredentialStatusRecord, CredentialStatusSource, RevocationCode } from './credentialStatus.js';
import { credentialDigest, statusIdOf, type VerifiableCredential } from './credentials.js';
import type { LedgerContract } from './ledgerContract.js';

export interface CredentialStatusClientOptions {
  /** The `attestations` contract, as the agent's ledger identity calls it. */
  readonly contract: LedgerContract;
}

/**
 * The SDK side of the `attestations` status list: issuers anchor, revoke and amend their
 * credentials; verifiers read entries.
 *
 * @example
 * const statusList = new CredentialStatusClient({ contract: gw.network('telecom').contract('attestations') });
 * await statusList.anchor(vc);
 * await statusList.revoke(vc, ['affiliationChanged'], 'account closed');
 */
export class CredentialStatusClient implements CredentialStatusSource {
  readonly #contract: LedgerContract;

  constructor(opts: Readonly<CredentialStatusClientOptions>) {
    this.#contract = opts.contract;
  }

  /** Anchors a freshly issued credential as active (the caller becomes its registrant). */
  async anchor(vc: VerifiableCredential): Promise<CredentialStatusRecord> {
    const { result } = await this.#contract.submit<CredentialStatusRecord>('anchorCredential', {
      arguments: { statusId: statusIdOf(vc.id), issuerDid: vc.issuer, digest: credentialDigest(vc) },
    });
    return result;
  }

  /** Revokes a credential (registrant only: REVOKE_FORBIDDEN otherwise). */
  async revoke(
    vc: Pick<VerifiableCredential, 'id'>,
    reasonCodes: readonly RevocationCode[],
    reason: string,
  ): Promise<CredentialStatusRecord> {
    const { result } = await this.#contract.submit<CredentialStatusRecord>('revokeCredential', {
      arguments: { statusId: statusIdOf(vc.id), reasonCodes: [...reasonCodes], reason },
    });
    return result;
  }

  /** Anchors `amended` as the successor of `original`, which becomes superseded (registrant only). */
  async amend(
    original: Pick<VerifiableCredential, 'id'>,
    amended: VerifiableCredential,
    reason: string,
  ): Promise<{ superseded: CredentialStatusRecord; successor: CredentialStatusRecord }> {
    const { result } = await this.#contract.submit<{
      superseded: CredentialStatusRecord;
      successor: CredentialStatusRecord;
    }>('amendCredential', {
      arguments: {
        statusId: statusIdOf(original.id),
        newStatusId: statusIdOf(amended.id),
        newDigest: credentialDigest(amended),
        reason,
      },
    });
    return result;
  }

  async getStatus(statusId: string): Promise<CredentialStatusRecord | undefined> {
    try {
      return await this.#contract.evaluate<CredentialStatusRecord>('getCredentialStatus', {
        arguments: { statusId },
      });
    } catch (err) {
      if (isConsortiaError(err, 'CREDENTIAL_NOT_FOUND')) return undefined;
      throw err;
    }
  }
}
