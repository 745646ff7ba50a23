import { z } from 'zod';
import { ConsortiaError, canonicalJson, fromBase64, fromUtf8, toBase64, utf8 } from '../common/index.js';
import type { CollectionPvtWrites, NsPvtWrites } from './privateData.js';

/*
 * Messages between peers for private data, as bytes (canonical UTF-8 JSON) so any transport can
 * carry them: the in-process network calls the receiving peer, and a gRPC service can carry the
 * same bytes. They are not signed: the transport authenticates the sending peer (mutual TLS
 * between nodes) and the receiver checks that the sender's org may see what it asks for.
 */

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const hex32 = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits');
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const PvtWriteJson = z.object({
  key: z.string().min(1),
  value: b64,
  isDelete: z.boolean(),
  isPurge: z.boolean(),
});

const CollectionJson = z.object({ collection: z.string().min(1), writes: z.array(PvtWriteJson) });

const PushJson = z.object({
  type: z.literal('push'),
  channel: z.string().min(1),
  txId: z.string().min(1),
  namespace: z.string().min(1),
  collections: z.array(CollectionJson),
});

const PullItemJson = z.object({
  namespace: z.string().min(1),
  collection: z.string().min(1),
  block: z.number().int().min(0),
  tx: z.number().int().min(0),
  keyHashes: z.array(hex32),
});

const PullJson = z.object({
  type: z.literal('pull'),
  channel: z.string().min(1),
  items: z.array(PullItemJson),
});

const PulledJson = z.object({
  type: z.literal('pulled'),
  channel: z.string().min(1),
  entries: z.array(
    z.object({
      namespace: z.string().min(1),
      collection: z.string().min(1),
      block: z.number().int().min(0),
      tx: z.number().int().min(0),
      key: z.string().min(1),
      value: b64,
    }),
  ),
});

/** An endorser sends a transaction's private writes to another member peer before it signs. */
export interface PrivateDataPush {
  readonly type: 'push';
  readonly channel: string;
  readonly txId: string;
  readonly namespace: string;
  /** Only the collections the receiving peer's org is a member of. */
  readonly collections: readonly CollectionPvtWrites[];
}

/** What a reconciling peer asks another member peer for: values written by (block, tx). */
export interface PrivateDataPullItem {
  readonly namespace: string;
  readonly collection: string;
  readonly block: number;
  readonly tx: number;
  readonly keyHashes: readonly string[];
}

export interface PrivateDataPull {
  readonly type: 'pull';
  readonly channel: string;
  readonly items: readonly PrivateDataPullItem[];
}

/** One private value a peer still holds at the version asked for. */
export interface PulledEntry {
  readonly namespace: string;
  readonly collection: string;
  readonly block: number;
  readonly tx: number;
  readonly key: string;
  readonly value: Uint8Array;
}

export interface PrivateDataPulled {
  readonly type: 'pulled';
  readonly channel: string;
  readonly entries: readonly PulledEntry[];
}

export type PrivateDataMessage = PrivateDataPush | PrivateDataPull | PrivateDataPulled;

function collectionJson(c: CollectionPvtWrites) {
  return {
    collection: c.collection,
    writes: c.writes.map((w) => ({
      key: w.key,
      value: toBase64(w.value),
      isDelete: w.isDelete,
      isPurge: w.isPurge,
    })),
  };
}

/**
 * Encodes a private data message as canonical UTF-8 JSON bytes.
 *
 * @example
 * await transport.push(peerId, encodePrivateDataMessage({ type: 'push', channel, txId, namespace, collections }));
 */
export function encodePrivateDataMessage(m: PrivateDataMessage): Uint8Array {
  switch (m.type) {
    case 'push':
      return utf8(canonicalJson({ ...m, collections: m.collections.map(collectionJson) }));
    case 'pull':
      return utf8(canonicalJson({ type: m.type, channel: m.channel, items: m.items }));
    case 'pulled':
      return utf8(
        canonicalJson({
          type: m.type,
          channel: m.channel,
          entries: m.entries.map((e) => ({ ...e, value: toBase64(e.value) })),
        }),
      );
  }
}

/**
 * Decodes and checks a private data message; throws BAD_PRIVATE_DATA_MESSAGE when the bytes are
 * not one, or when it is not of the `expected` type.
 *
 * @example
 * const push = decodePrivateDataMessage(bytes, 'push');
 */
export function decodePrivateDataMessage<T extends PrivateDataMessage['type']>(
  bytes: Uint8Array,
  expected: T,
): Extract<PrivateDataMessage, { type: T }> {
  const bad = (why: string) =>
    new ConsortiaError('BAD_PRIVATE_DATA_MESSAGE', `the private data message is malformed: ${why}`);
  if (bytes.byteLength > MAX_MESSAGE_BYTES) throw bad('too large');
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(bytes));
  } catch {
    throw bad('not UTF-8 JSON');
  }
  const schema = expected === 'push' ? PushJson : expected === 'pull' ? PullJson : PulledJson;
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw bad(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'bad value'}`);
  }
  const m = r.data;
  let out: PrivateDataMessage;
  if (m.type === 'push') {
    out = {
      ...m,
      collections: m.collections.map((c) => ({
        collection: c.collection,
        writes: c.writes.map((w) => ({ ...w, value: fromBase64(w.value) })),
      })),
    };
  } else if (m.type === 'pulled') {
    out = { ...m, entries: m.entries.map((e) => ({ ...e, value: fromBase64(e.value) })) };
  } else {
    out = m;
  }
  return out as Extract<PrivateDataMessage, { type: T }>;
}

/** The plaintext writes of a push, as one namespace's private writes. */
export function pushWrites(m: PrivateDataPush): NsPvtWrites {
  return { namespace: m.namespace, collections: m.collections };
}
