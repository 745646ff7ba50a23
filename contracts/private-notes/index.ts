/**
 * private-notes: notes kept in private data collections (docs/private-data.md).
 *
 * A note's text travels in the proposal's transient data (`note`, UTF-8), never in the
 * arguments, and is stored with `ctx.private(collection)`: only the member orgs' peers keep the
 * plaintext; the block and every other peer hold SHA-256 hashes. Any org can read a note's hash
 * (`getNoteHash`) and acknowledge it on the public state (`acknowledgeNote`), without seeing the
 * text. `purgeNote` erases the text from every member peer, leaving only hashes.
 *
 * No function returns or emits a note's text from a transaction: transaction results and events
 * are written into the block, which every channel member receives.
 *
 *   ctx.private(collection): <id> → { text, author, updatedAt }
 *   public state:            ack:<collection>:<id>:<mspId> → { valueHash, at }
 *                            check:<collection>:<id>:<txId> → { matches, by, at }
 */
import { z } from 'zod';
import { type Context, ContractError, defineContract } from '../../src/contract/index.js';

/** Longest note text, in bytes of UTF-8. */
export const MAX_NOTE_BYTES = 64 * 1024;

const ref = z.object({
  collection: z.string().min(1).max(64),
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'a note id: letters, digits, _ . : - (max 128)'),
});

/** A note as stored (and as `getNote` returns it). */
export interface Note {
  readonly text: string;
  readonly author: string;
  readonly updatedAt: string;
}

function transientNote(ctx: Context): string {
  const bytes = ctx.transient.get('note');
  if (bytes === undefined || bytes.byteLength === 0) {
    throw new ContractError(
      'NOTE_REQUIRED',
      "pass the note's text in the transient data under 'note' (never in the arguments, which go on chain)",
    );
  }
  if (bytes.byteLength > MAX_NOTE_BYTES) {
    throw new ContractError('NOTE_TOO_LONG', `a note is at most ${MAX_NOTE_BYTES} bytes of UTF-8`);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

async function existing(ctx: Context, collection: string, id: string): Promise<Note> {
  const note = await ctx.private(collection).get<Note>(id);
  if (note === undefined) {
    throw new ContractError('NOTE_NOT_FOUND', `there is no note ${id} in collection ${collection}`, {
      collection,
      id,
    });
  }
  return note;
}

export default defineContract({
  name: 'private-notes',
  version: '1.0',
  transactions: {
    /** Writes (or replaces) a note; the text comes from transient `note`. */
    putNote: {
      args: ref,
      run: async (ctx, a) => {
        const text = transientNote(ctx);
        const note: Note = { text, author: ctx.caller.mspId, updatedAt: ctx.timestamp.toISOString() };
        await ctx.private(a.collection).put(a.id, note);
        ctx.emit('NoteWritten', { collection: a.collection, id: a.id, by: ctx.caller.mspId });
        return { collection: a.collection, id: a.id };
      },
    },
    /** Appends a line (transient `note`) to an existing note: a private read, then a write. */
    appendNote: {
      args: ref,
      run: async (ctx, a) => {
        const text = transientNote(ctx);
        const note = await existing(ctx, a.collection, a.id);
        await ctx.private(a.collection).put(a.id, {
          text: `${note.text}\n${text}`,
          author: ctx.caller.mspId,
          updatedAt: ctx.timestamp.toISOString(),
        } satisfies Note);
        return { collection: a.collection, id: a.id };
      },
    },
    /** Deletes a note (member peers keep only current values, so its text is erased too). */
    deleteNote: {
      args: ref,
      run: async (ctx, a) => {
        await existing(ctx, a.collection, a.id);
        await ctx.private(a.collection).delete(a.id);
        return { collection: a.collection, id: a.id };
      },
    },
    /** Purges a note: every member peer erases its text; only hashes remain (right to be forgotten). */
    purgeNote: {
      args: ref,
      run: async (ctx, a) => {
        if ((await ctx.private(a.collection).getHash(a.id)) === undefined) {
          throw new ContractError('NOTE_NOT_FOUND', `there is no note ${a.id} in collection ${a.collection}`);
        }
        await ctx.private(a.collection).purge(a.id);
        ctx.emit('NotePurged', { collection: a.collection, id: a.id, by: ctx.caller.mspId });
        return { collection: a.collection, id: a.id };
      },
    },
    /** Records on the public state that the caller's org saw the note's hash (any org may). */
    acknowledgeNote: {
      args: ref,
      run: async (ctx, a) => {
        const valueHash = await ctx.private(a.collection).getHash(a.id);
        if (valueHash === undefined) {
          throw new ContractError('NOTE_NOT_FOUND', `there is no note ${a.id} in collection ${a.collection}`);
        }
        await ctx.state.put(`ack:${a.collection}:${a.id}:${ctx.caller.mspId}`, {
          valueHash,
          at: ctx.timestamp.toISOString(),
        });
        return { valueHash };
      },
    },
    /**
     * Records whether a text (transient `note`) is the note's current text, without storing the
     * text: only `{ matches }` goes on the public state.
     */
    checkNote: {
      args: ref,
      run: async (ctx, a) => {
        const text = transientNote(ctx);
        const note = await existing(ctx, a.collection, a.id);
        const matches = note.text === text;
        await ctx.state.put(`check:${a.collection}:${a.id}:${ctx.txId}`, {
          matches,
          by: ctx.caller.mspId,
          at: ctx.timestamp.toISOString(),
        });
        return { matches };
      },
    },
  },
  queries: {
    /** The note (member orgs' clients, on a member peer). */
    getNote: {
      args: ref,
      run: async (ctx, a) => existing(ctx, a.collection, a.id),
    },
    /** The SHA-256 (hex) of the note as stored; any org may read it. */
    getNoteHash: {
      args: ref,
      run: async (ctx, a) => {
        const valueHash = await ctx.private(a.collection).getHash(a.id);
        if (valueHash === undefined) {
          throw new ContractError('NOTE_NOT_FOUND', `there is no note ${a.id} in collection ${a.collection}`);
        }
        return { valueHash };
      },
    },
  },
});
