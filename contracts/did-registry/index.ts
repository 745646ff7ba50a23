/**
 * did-registry: the `did:consortia` DID method (use case 6 of seed 001).
 *
 * A DID is `did:consortia:<id>`, where `<id>` is 32 lowercase hex characters: the first 16
 * bytes of the SHA-256 JWK thumbprint (RFC 7638) of the key that signed the DID's creation.
 *
 * Two kinds of control, on purpose:
 * - **Ledger control.** Only the ledger identity that created a DID (its `controller`, an MSP id
 *   and an enrolled name) may update, deactivate or hand it on. The contract checks this, and the
 *   version sequence, and the shape of every document.
 * - **Key control.** Each operation carries a detached ES256 JWS by an authentication key of the
 *   DID (for a creation: by the key the id is derived from; afterwards: by a key of the previous
 *   version). Contracts cannot verify signatures, so resolvers do (the SDK's DID registry
 *   client refuses a DID whose chain does not verify). A controller that goes rogue can
 *   therefore break a DID, but cannot take it over.
 *
 * State keys:
 *   did:<id>             → DidRecord (current version, controller, deactivated)
 *   op:<id>:<version 6d> → DidOperationRecord (the signed operation of that version)
 */
import { z } from 'zod';
import { type Context, ContractError, defineContract } from '../../src/contract/index.js';
import {
  checkDocument,
  checkProofKey,
  DID_PATTERN,
  type DidDocument,
  didDocumentSchema,
  MAX_DID_VERSIONS,
  type OperationProof,
  operationProofSchema,
} from './document.js';

/** A ledger identity: an org's MSP id and the enrolled name. */
export interface LedgerIdentity {
  readonly mspId: string;
  readonly name: string;
}

/** The current state of a DID. */
export interface DidRecord {
  readonly did: string;
  readonly version: number;
  readonly deactivated: boolean;
  readonly controller: LedgerIdentity;
  readonly created: string;
  readonly updated: string;
}

/** One signed operation, as recorded. The signature covers `{ did, version, type, document }`. */
export interface DidOperationRecord {
  readonly did: string;
  readonly version: number;
  readonly type: 'create' | 'update' | 'deactivate';
  readonly document?: DidDocument;
  readonly proof: OperationProof;
  readonly txId: string;
  readonly timestamp: string;
  readonly submitter: LedgerIdentity;
}

const did = z
  .string()
  .regex(DID_PATTERN, 'must be did:consortia: followed by 32 lowercase hex characters')
  .describe('did:consortia:<32 lowercase hex>');
/** A malformed DID argument is refused with DID_MALFORMED rather than INVALID_ARGUMENT. */
const argumentCodes = { did: 'DID_MALFORMED' } as const;
const version = z.number().int().min(1).max(MAX_DID_VERSIONS).describe('the version this operation creates');
const ledgerIdentity = z.strictObject({
  mspId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be an MSP id'),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/, 'must be an enrolled identity name'),
});

const idOf = (d: string) => d.slice('did:consortia:'.length);
const recordKey = (d: string) => `did:${idOf(d)}`;
const opKey = (d: string, v: number) => `op:${idOf(d)}:${String(v).padStart(6, '0')}`;

function callerIdentity(ctx: Context): LedgerIdentity {
  return { mspId: ctx.caller.mspId, name: ctx.caller.name };
}

async function loadRecord(ctx: Context, d: string): Promise<DidRecord> {
  const rec = await ctx.state.get<DidRecord>(recordKey(d));
  if (!rec) throw new ContractError('DID_NOT_FOUND', `${d} is not registered; create it first`, { did: d });
  return rec;
}

/** Loads the record and checks that the caller controls it and that it is still active. */
async function loadForChange(ctx: Context, d: string): Promise<DidRecord> {
  const rec = await loadRecord(ctx, d);
  const me = callerIdentity(ctx);
  if (rec.controller.mspId !== me.mspId || rec.controller.name !== me.name) {
    throw new ContractError(
      'NOT_CONTROLLER',
      `${d} is controlled by ${rec.controller.mspId}/${rec.controller.name}; only that identity may change it`,
      { did: d, controller: rec.controller, caller: me },
    );
  }
  if (rec.deactivated) {
    throw new ContractError('DID_DEACTIVATED', `${d} is deactivated; a deactivated DID cannot change`, {
      did: d,
    });
  }
  return rec;
}

function checkVersion(rec: DidRecord, next: number): void {
  if (next !== rec.version + 1) {
    throw new ContractError(
      'DID_VERSION_CONFLICT',
      `${rec.did} is at version ${rec.version}; the next operation must carry version ${rec.version + 1}, not ${next}`,
      { did: rec.did, current: rec.version, given: next },
    );
  }
}

async function currentDocument(ctx: Context, rec: DidRecord): Promise<DidDocument> {
  // The latest operation that carried a document (deactivation ends the chain, so it is the current one).
  const op = await ctx.state.get<DidOperationRecord>(opKey(rec.did, rec.version));
  if (!op?.document) {
    throw new ContractError('DID_STATE_CORRUPT', `${rec.did} has no document at version ${rec.version}`, {
      did: rec.did,
    });
  }
  return op.document;
}

async function record(
  ctx: Context,
  rec: DidRecord,
  op: Omit<DidOperationRecord, 'txId' | 'timestamp' | 'submitter'>,
): Promise<DidRecord> {
  const now = ctx.timestamp.toISOString();
  const full: DidOperationRecord = { ...op, txId: ctx.txId, timestamp: now, submitter: callerIdentity(ctx) };
  await ctx.state.put(opKey(op.did, op.version), full);
  await ctx.state.put(recordKey(op.did), rec);
  return rec;
}

export default defineContract({
  name: 'did-registry',
  version: '1.0',
  description:
    'did:consortia DIDs: documents with P-256 keys and service endpoints, created, updated and deactivated by their controller.',
  transactions: {
    createDid: {
      description:
        'Registers a DID with its first document (version 0); the caller becomes its controller. The proof is a JWS by the key the id derives from.',
      args: z.object({ did, document: didDocumentSchema, proof: operationProofSchema }),
      argumentCodes,
      async run(ctx, a) {
        checkDocument(a.did, a.document);
        checkProofKey(a.document, a.proof);
        if ((await ctx.state.getBytes(recordKey(a.did))) !== undefined) {
          throw new ContractError('DID_EXISTS', `${a.did} is already registered; create a new key and DID`, {
            did: a.did,
          });
        }
        const now = ctx.timestamp.toISOString();
        const rec: DidRecord = {
          did: a.did,
          version: 0,
          deactivated: false,
          controller: callerIdentity(ctx),
          created: now,
          updated: now,
        };
        await record(ctx, rec, {
          did: a.did,
          version: 0,
          type: 'create',
          document: a.document,
          proof: a.proof,
        });
        ctx.emit('DidCreated', { did: a.did, controller: rec.controller });
        return rec;
      },
    },
    updateDid: {
      description:
        'Replaces the document (key rotation, services). Controller only; the proof is a JWS by an authentication key of the previous version.',
      args: z.object({ did, version, document: didDocumentSchema, proof: operationProofSchema }),
      argumentCodes,
      async run(ctx, a) {
        const rec = await loadForChange(ctx, a.did);
        checkVersion(rec, a.version);
        checkDocument(a.did, a.document);
        checkProofKey(await currentDocument(ctx, rec), a.proof);
        const next: DidRecord = { ...rec, version: a.version, updated: ctx.timestamp.toISOString() };
        await record(ctx, next, {
          did: a.did,
          version: a.version,
          type: 'update',
          document: a.document,
          proof: a.proof,
        });
        ctx.emit('DidUpdated', { did: a.did, version: a.version });
        return next;
      },
    },
    deactivateDid: {
      description:
        'Deactivates a DID for good. Controller only; the proof is a JWS by an authentication key of the current version.',
      args: z.object({ did, version, proof: operationProofSchema }),
      argumentCodes,
      async run(ctx, a) {
        const rec = await loadForChange(ctx, a.did);
        checkVersion(rec, a.version);
        const doc = await currentDocument(ctx, rec);
        checkProofKey(doc, a.proof);
        const next: DidRecord = {
          ...rec,
          version: a.version,
          deactivated: true,
          updated: ctx.timestamp.toISOString(),
        };
        // The deactivation record repeats the last document, so the current one is always at `version`.
        await record(ctx, next, {
          did: a.did,
          version: a.version,
          type: 'deactivate',
          document: doc,
          proof: a.proof,
        });
        ctx.emit('DidDeactivated', { did: a.did, version: a.version });
        return next;
      },
    },
    transferController: {
      description: 'Hands ledger control of a DID to another ledger identity. Controller only.',
      args: z.object({ did, newController: ledgerIdentity }),
      argumentCodes,
      async run(ctx, a) {
        const rec = await loadForChange(ctx, a.did);
        const next: DidRecord = { ...rec, controller: a.newController, updated: ctx.timestamp.toISOString() };
        await ctx.state.put(recordKey(a.did), next);
        ctx.emit('DidControllerTransferred', { did: a.did, from: rec.controller, to: a.newController });
        return next;
      },
    },
  },
  queries: {
    resolveDid: {
      description:
        'The DID record and every signed operation, oldest first, so that a resolver can verify the key chain.',
      args: z.object({ did }),
      argumentCodes,
      async run(ctx, a) {
        const rec = await loadRecord(ctx, a.did);
        const operations: DidOperationRecord[] = [];
        const id = idOf(a.did);
        for await (const { value } of ctx.state.range<DidOperationRecord>(`op:${id}:`, `op:${id};`)) {
          operations.push(value);
        }
        return { record: rec, operations };
      },
    },
  },
});
