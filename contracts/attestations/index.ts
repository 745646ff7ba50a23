/**
 * attestations: the status list of Verifiable Credentials (use case 6 of seed 001).
 *
 * When an issuer delivers a credential it anchors it here: the entry's key is the SHA-256 of the
 * credential id (the `statusId`), and it holds the issuer DID and the SHA-256 of the signed
 * credential (its `digest`). No personal data is on chain: not the subject, not the claims.
 *
 * - Only the ledger identity that anchored an entry (its `registrant`) may revoke it
 *   (REVOKE_FORBIDDEN) or amend it (AMEND_FORBIDDEN).
 * - Amending anchors a new credential that supersedes the old one; the old entry is marked
 *   `superseded` and points at its successor.
 * - Revoked and superseded entries are final.
 *
 * Contracts cannot read other contracts' state, so this contract does not know who controls a
 * DID: verifiers check that the registrant is the ledger controller of `issuerDid` (the SDK's
 * credential verifier does), and the issuer's signature on the credential itself.
 *
 * State keys:
 *   cred:<statusId> → CredentialStatusRecord
 */
import { z } from 'zod';
import { type Context, ContractError, defineContract } from '../../src/contract/index.js';

const DID_PATTERN = /^did:consortia:[0-9a-f]{32}$/;

/** RFC 5280 CRLReason names, used as revocation codes (the seed asks for an existing standard). */
export const REVOCATION_CODES = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
] as const;

export type RevocationCode = (typeof REVOCATION_CODES)[number];

export interface LedgerIdentity {
  readonly mspId: string;
  readonly name: string;
}

export type CredentialState = 'active' | 'revoked' | 'superseded';

/** One credential's entry in the status list. */
export interface CredentialStatusRecord {
  readonly statusId: string;
  readonly issuerDid: string;
  readonly digest: string;
  readonly registrant: LedgerIdentity;
  readonly status: CredentialState;
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

const hex64 = (what: string) =>
  z.string().regex(/^[0-9a-f]{64}$/, `must be ${what}: a SHA-256 hash as 64 lowercase hex characters`);
const statusId = hex64('the status id').describe('SHA-256 of the credential id (lowercase hex)');
const digest = hex64('the digest').describe('SHA-256 of the canonical JSON of the signed credential');
const issuerDid = z
  .string()
  .regex(DID_PATTERN, 'must be did:consortia: followed by 32 lowercase hex characters')
  .describe('the issuer DID, did:consortia:<32 lowercase hex>');
const reason = z.string().trim().min(1).max(500);

const key = (id: string) => `cred:${id}`;

async function load(ctx: Context, id: string): Promise<CredentialStatusRecord> {
  const rec = await ctx.state.get<CredentialStatusRecord>(key(id));
  if (!rec) {
    throw new ContractError('CREDENTIAL_NOT_FOUND', `no credential is anchored with status id ${id}`, {
      statusId: id,
    });
  }
  return rec;
}

async function assertFree(ctx: Context, id: string): Promise<void> {
  if ((await ctx.state.getBytes(key(id))) !== undefined) {
    throw new ContractError(
      'CREDENTIAL_EXISTS',
      `a credential with status id ${id} is already anchored; issue the credential with a fresh id`,
      { statusId: id },
    );
  }
}

/** Checks that the caller anchored the entry (else `code`) and that it is still active. */
function assertCanChange(ctx: Context, rec: CredentialStatusRecord, code: string, action: string): void {
  if (ctx.caller.mspId !== rec.registrant.mspId || ctx.caller.name !== rec.registrant.name) {
    throw new ContractError(
      code,
      `only the issuer's identity ${rec.registrant.mspId}/${rec.registrant.name} may ${action} credential ${rec.statusId}`,
      {
        statusId: rec.statusId,
        registrant: rec.registrant,
        caller: { mspId: ctx.caller.mspId, name: ctx.caller.name },
      },
    );
  }
  if (rec.status !== 'active') {
    throw new ContractError(
      'CREDENTIAL_NOT_ACTIVE',
      `credential ${rec.statusId} is already ${rec.status}; it cannot be ${action}d`,
      { statusId: rec.statusId, status: rec.status },
    );
  }
}

function anchored(
  ctx: Context,
  id: string,
  did: string,
  dig: string,
  extra: Pick<CredentialStatusRecord, 'supersedes' | 'amendReason'> = {},
): CredentialStatusRecord {
  const now = ctx.timestamp.toISOString();
  return {
    statusId: id,
    issuerDid: did,
    digest: dig,
    registrant: { mspId: ctx.caller.mspId, name: ctx.caller.name },
    status: 'active',
    anchoredAt: now,
    anchorTxId: ctx.txId,
    updatedAt: now,
    ...extra,
  };
}

export default defineContract({
  name: 'attestations',
  version: '1.0',
  description:
    'Status list of Verifiable Credentials: anchoring at issuance, revocation and amendment by the issuer.',
  transactions: {
    anchorCredential: {
      description: 'Anchors a newly issued credential as active; the caller becomes its registrant.',
      args: z.object({ statusId, issuerDid, digest }),
      argumentCodes: { issuerDid: 'DID_MALFORMED' },
      async run(ctx, a) {
        await assertFree(ctx, a.statusId);
        const rec = anchored(ctx, a.statusId, a.issuerDid, a.digest);
        await ctx.state.put(key(a.statusId), rec);
        ctx.emit('CredentialAnchored', { statusId: a.statusId, issuerDid: a.issuerDid });
        return rec;
      },
    },
    revokeCredential: {
      description: 'Revokes an active credential, with RFC 5280 reason codes. Registrant only.',
      args: z.object({
        statusId,
        reasonCodes: z.array(z.enum(REVOCATION_CODES)).min(1).max(REVOCATION_CODES.length),
        reason,
      }),
      async run(ctx, a) {
        const rec = await load(ctx, a.statusId);
        assertCanChange(ctx, rec, 'REVOKE_FORBIDDEN', 'revoke');
        const next: CredentialStatusRecord = {
          ...rec,
          status: 'revoked',
          updatedAt: ctx.timestamp.toISOString(),
          revocation: { reasonCodes: [...new Set(a.reasonCodes)], reason: a.reason, txId: ctx.txId },
        };
        await ctx.state.put(key(a.statusId), next);
        ctx.emit('CredentialRevoked', { statusId: a.statusId, reasonCodes: next.revocation?.reasonCodes });
        return next;
      },
    },
    amendCredential: {
      description:
        'Anchors an amended credential that supersedes an active one; the old entry becomes superseded. Registrant only.',
      args: z.object({ statusId, newStatusId: statusId, newDigest: digest, reason }),
      async run(ctx, a) {
        const old = await load(ctx, a.statusId);
        assertCanChange(ctx, old, 'AMEND_FORBIDDEN', 'amend');
        await assertFree(ctx, a.newStatusId);
        const now = ctx.timestamp.toISOString();
        const replaced: CredentialStatusRecord = {
          ...old,
          status: 'superseded',
          updatedAt: now,
          supersededBy: a.newStatusId,
        };
        const successor = anchored(ctx, a.newStatusId, old.issuerDid, a.newDigest, {
          supersedes: a.statusId,
          amendReason: a.reason,
        });
        await ctx.state.put(key(a.statusId), replaced);
        await ctx.state.put(key(a.newStatusId), successor);
        ctx.emit('CredentialAmended', { statusId: a.statusId, newStatusId: a.newStatusId });
        return { superseded: replaced, successor };
      },
    },
  },
  queries: {
    getCredentialStatus: {
      description: 'The status entry of one credential.',
      args: z.object({ statusId }),
      run: (ctx, a) => load(ctx, a.statusId),
    },
  },
});
