import type { LedgerIdentity } from './didDocument.js';

/** RFC 5280 CRLReason names accepted as revocation codes. */
export type RevocationCode =
  | 'unspecified'
  | 'keyCompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'privilegeWithdrawn';

/** An entry of the ledger's status list (the `attestations` contract). */
export interface CredentialStatusRecord {
  readonly statusId: string;
  readonly issuerDid: string;
  readonly digest: string;
  readonly registrant: LedgerIdentity;
  readonly status: 'active' | 'revoked' | 'superseded';
  readonly anchoredAt: string;
  readonly anchorTxId: string;
  readonly updatedAt: string;
  readonly revocation?: {
    readonly reasonCodes: RevocationCode[];
    readonly reason: string;
    readonly txId: string;
  };
  readonly supersedes?: string;
  readonly supersededBy?: string;
  readonly amendReason?: string;
}

/** Where verifiers read credential status from. */
export interface CredentialStatusSource {
  /** The entry, or undefined when the credential was never anchored. */
  getStatus(statusId: string): Promise<CredentialStatusRecord | undefined>;
}
