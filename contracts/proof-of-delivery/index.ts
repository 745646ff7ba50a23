/**
 * proof-of-delivery: proofs of delivery and of receipt of documents between organisations
 * (seed 002, the BeSure demonstrability service).
 *
 * The sender registers the SHA-256 hash of a document it delivered to a recipient org: the proof
 * of delivery. The recipient acknowledges it: the proof of receipt. No content is on chain, only
 * the hash, the two org names, the two times and an optional short reference. Any member of the
 * channel that knows a document's hash can check whether, when and between whom it was delivered
 * and received; each org can list its own deliveries. `consortia proof export` turns either
 * transaction into a standalone bundle that can be verified offline for decades.
 *
 * Values are kept small (the seed budgets about 400 bytes per proof), as compact canonical JSON:
 *
 *   d:<documentHash> → { s: sender, r: recipient, d: deliveredAt (ms), f?: reference,
 *                        a?: acknowledgedAt (ms) }
 *
 * The transaction ids are not stored: `getProof` reads them from the key's history (the first
 * change is the delivery, the second the receipt). Times are the proposal timestamps, which the
 * submitting client signs; the block timestamp set by the orderer is in the block header.
 */
import { z } from 'zod';
import { type Context, ContractError, defineContract } from '../../src/contract/index.js';

/** Most deliveries or receipts one batch transaction may carry. */
export const MAX_BATCH = 100;

/** Longest reference (UTF-16 code units); it is an identifier, never content. */
export const MAX_REFERENCE_LENGTH = 64;

const HASH_RE = /^[0-9a-f]{64}$/;
const ORG_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
// Printable ASCII and Latin-1 letters, no control characters: an id such as "INV-2025-0042".
const REFERENCE_RE = /^[\x20-\x7e\u00a0-\u00ff]{1,64}$/;

const documentHash = z
  .string()
  .regex(HASH_RE, 'must be a SHA-256 hash of the document: 64 lowercase hex characters');
const recipient = z.string().regex(ORG_RE, 'must be the name (MSP id) of the recipient org');
const reference = z
  .string()
  .regex(REFERENCE_RE, `must be a short printable reference of 1 to ${MAX_REFERENCE_LENGTH} characters`);

/** What is stored per document (compact keys; see the module comment). */
interface StoredProof {
  /** Sender org. */
  s: string;
  /** Recipient org. */
  r: string;
  /** Delivered at (ms since epoch, the delivery proposal's timestamp). */
  d: number;
  /** Optional reference given by the sender. */
  f?: string;
  /** Acknowledged at (ms since epoch, the receipt proposal's timestamp). */
  a?: number;
}

/** A proof as the queries return it. */
export interface Proof {
  readonly documentHash: string;
  readonly sender: string;
  readonly recipient: string;
  readonly reference?: string;
  readonly deliveredAt: string;
  readonly deliveryTxId?: string;
  readonly receivedAt?: string;
  readonly receiptTxId?: string;
}

const proofKey = (hash: string) => `d:${hash}`;
const hashOf = (key: string) => key.slice(2);

function toProof(hash: string, p: StoredProof): Proof {
  return {
    documentHash: hash,
    sender: p.s,
    recipient: p.r,
    ...(p.f !== undefined ? { reference: p.f } : {}),
    deliveredAt: new Date(p.d).toISOString(),
    ...(p.a !== undefined ? { receivedAt: new Date(p.a).toISOString() } : {}),
  };
}

async function loadProof(ctx: Context, hash: string): Promise<StoredProof> {
  const p = await ctx.state.get<StoredProof>(proofKey(hash));
  if (!p) {
    throw new ContractError('UNKNOWN_DOCUMENT', `no delivery of document ${hash} is registered`, {
      documentHash: hash,
    });
  }
  return p;
}

interface DeliveryInput {
  documentHash: string;
  recipient: string;
  reference?: string | undefined;
}

/** Checks one batch item the way the single-call schemas do, naming the item. */
function checkItem(item: DeliveryInput, i: number): void {
  const at = `deliveries[${i}]`;
  if (!HASH_RE.test(item.documentHash)) {
    throw new ContractError(
      'INVALID_DOCUMENT_HASH',
      `${at}.documentHash must be a SHA-256 hash of the document: 64 lowercase hex characters`,
      { index: i },
    );
  }
  if (!ORG_RE.test(item.recipient)) {
    throw new ContractError('INVALID_RECIPIENT', `${at}.recipient must be the name (MSP id) of an org`, {
      index: i,
    });
  }
  if (item.reference !== undefined && !REFERENCE_RE.test(item.reference)) {
    throw new ContractError(
      'INVALID_REFERENCE',
      `${at}.reference must be a short printable reference of 1 to ${MAX_REFERENCE_LENGTH} characters`,
      { index: i },
    );
  }
}

/** Registers one delivery by the caller's org; refuses self-delivery and duplicates. */
async function deliver(ctx: Context, item: DeliveryInput): Promise<Proof> {
  const sender = ctx.caller.mspId;
  if (item.recipient === sender) {
    throw new ContractError(
      'SELF_DELIVERY',
      `${sender} cannot deliver a document to itself; name another org as recipient`,
      { documentHash: item.documentHash },
    );
  }
  const key = proofKey(item.documentHash);
  const existing = await ctx.state.get<StoredProof>(key);
  if (existing) {
    throw new ContractError(
      'DELIVERY_EXISTS',
      `document ${item.documentHash} was already delivered by ${existing.s} to ${existing.r}; each document is registered once`,
      { documentHash: item.documentHash, sender: existing.s, recipient: existing.r },
    );
  }
  const stored: StoredProof = {
    s: sender,
    r: item.recipient,
    d: ctx.timestamp.getTime(),
    ...(item.reference !== undefined ? { f: item.reference } : {}),
  };
  await ctx.state.put(key, stored);
  return { ...toProof(item.documentHash, stored), deliveryTxId: ctx.txId };
}

/** Acknowledges one delivery as its recipient; refuses others and a second acknowledgement. */
async function acknowledge(ctx: Context, hash: string): Promise<Proof> {
  const stored = await loadProof(ctx, hash);
  if (ctx.caller.mspId !== stored.r) {
    throw new ContractError(
      'NOT_RECIPIENT',
      `document ${hash} was delivered to ${stored.r}; only ${stored.r} may acknowledge its receipt`,
      { documentHash: hash, recipient: stored.r, caller: ctx.caller.mspId },
    );
  }
  if (stored.a !== undefined) {
    throw new ContractError(
      'ALREADY_ACKNOWLEDGED',
      `the receipt of document ${hash} was already acknowledged at ${new Date(stored.a).toISOString()}`,
      { documentHash: hash },
    );
  }
  const next: StoredProof = { ...stored, a: ctx.timestamp.getTime() };
  await ctx.state.put(proofKey(hash), next);
  return { ...toProof(hash, next), receiptTxId: ctx.txId };
}

function noDuplicates(hashes: readonly string[]): void {
  const seen = new Set<string>();
  for (const [i, h] of hashes.entries()) {
    if (seen.has(h)) {
      throw new ContractError('DUPLICATE_IN_BATCH', `document ${h} appears twice in the batch`, {
        documentHash: h,
        index: i,
      });
    }
    seen.add(h);
  }
}

const batchItem = z.strictObject({
  documentHash: z.string(),
  recipient: z.string(),
  reference: z.string().optional(),
});

export default defineContract({
  name: 'proof-of-delivery',
  version: '1.0',
  description: 'Proofs of delivery and receipt of documents between orgs: only document hashes are on chain.',
  transactions: {
    registerDelivery: {
      description:
        "Called by the sender: records that the caller's org delivered the document with this SHA-256 hash to `recipient`.",
      args: z.strictObject({ documentHash, recipient, reference: reference.optional() }),
      argumentCodes: {
        documentHash: 'INVALID_DOCUMENT_HASH',
        recipient: 'INVALID_RECIPIENT',
        reference: 'INVALID_REFERENCE',
      },
      async run(ctx, a) {
        const proof = await deliver(ctx, a);
        ctx.emit('DeliveryRegistered', {
          documentHash: a.documentHash,
          sender: proof.sender,
          recipient: a.recipient,
        });
        return proof;
      },
    },
    registerDeliveries: {
      description: `Called by the sender: registers up to ${MAX_BATCH} deliveries in one transaction (all or none), which spreads the transaction's signatures and certificates over many documents.`,
      args: z.strictObject({ deliveries: z.array(batchItem).min(1).max(MAX_BATCH) }),
      argumentCodes: { deliveries: 'INVALID_BATCH' },
      async run(ctx, a) {
        a.deliveries.forEach(checkItem);
        noDuplicates(a.deliveries.map((d) => d.documentHash));
        const proofs: Proof[] = [];
        for (const item of a.deliveries) proofs.push(await deliver(ctx, item));
        ctx.emit('DeliveriesRegistered', {
          sender: ctx.caller.mspId,
          recipients: [...new Set(a.deliveries.map((d) => d.recipient))].sort(),
          count: proofs.length,
        });
        return { deliveryTxId: ctx.txId, count: proofs.length };
      },
    },
    acknowledgeReceipt: {
      description:
        'Called by the recipient: acknowledges that it received the document with this hash (once).',
      args: z.strictObject({ documentHash }),
      argumentCodes: { documentHash: 'INVALID_DOCUMENT_HASH' },
      async run(ctx, a) {
        const proof = await acknowledge(ctx, a.documentHash);
        ctx.emit('ReceiptAcknowledged', {
          documentHash: a.documentHash,
          sender: proof.sender,
          recipient: proof.recipient,
        });
        return proof;
      },
    },
    acknowledgeReceipts: {
      description: `Called by the recipient: acknowledges up to ${MAX_BATCH} receipts in one transaction (all or none).`,
      args: z.strictObject({ documentHashes: z.array(documentHash).min(1).max(MAX_BATCH) }),
      argumentCodes: { documentHashes: 'INVALID_DOCUMENT_HASH' },
      async run(ctx, a) {
        noDuplicates(a.documentHashes);
        const senders = new Set<string>();
        for (const h of a.documentHashes) senders.add((await acknowledge(ctx, h)).sender);
        ctx.emit('ReceiptsAcknowledged', {
          recipient: ctx.caller.mspId,
          senders: [...senders].sort(),
          count: a.documentHashes.length,
        });
        return { receiptTxId: ctx.txId, count: a.documentHashes.length };
      },
    },
  },
  queries: {
    getProof: {
      description:
        'Whether the document with this hash was delivered and received: by whom, to whom, when, and in which transactions.',
      args: z.strictObject({ documentHash }),
      argumentCodes: { documentHash: 'INVALID_DOCUMENT_HASH' },
      async run(ctx, a) {
        const stored = await loadProof(ctx, a.documentHash);
        const changes = await ctx.state.historyBytes(proofKey(a.documentHash));
        const delivery = changes[0];
        const receipt = stored.a !== undefined ? changes[1] : undefined;
        return {
          ...toProof(a.documentHash, stored),
          ...(delivery ? { deliveryTxId: delivery.txId } : {}),
          ...(receipt ? { receiptTxId: receipt.txId } : {}),
        };
      },
    },
    listDeliveries: {
      description:
        "The caller's own org's deliveries (as sender, recipient or either), optionally only those not yet acknowledged, in document-hash order, a page at a time (pass `next` back as `after`).",
      args: z.strictObject({
        as: z.enum(['sender', 'recipient', 'either']).optional(),
        pendingOnly: z.boolean().optional(),
        after: documentHash.optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      }),
      argumentCodes: { after: 'INVALID_DOCUMENT_HASH' },
      async run(ctx, a) {
        const org = ctx.caller.mspId;
        const as = a.as ?? 'either';
        const limit = a.limit ?? 100;
        const deliveries: Proof[] = [];
        let next: string | undefined;
        // The page starts just after `after`: keys have a fixed length, so `after` + U+0001 is the next one up.
        const start = a.after === undefined ? 'd:' : `${proofKey(a.after)}\u0001`;
        for await (const { key, value } of ctx.state.range<StoredProof>(start, 'd;')) {
          const mine = (as !== 'recipient' && value.s === org) || (as !== 'sender' && value.r === org);
          if (!mine || (a.pendingOnly === true && value.a !== undefined)) continue;
          if (deliveries.length === limit) {
            next = deliveries[deliveries.length - 1]!.documentHash;
            break;
          }
          deliveries.push(toProof(hashOf(key), value));
        }
        return next === undefined ? { deliveries } : { deliveries, next };
      },
    },
  },
});
