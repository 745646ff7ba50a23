/**
 * carsharing: monthly kilometre records of a car-sharing provider, each readable only by its
 * customer (seed 004).
 *
 * The provider signs a record (canonical JSON) with its key, encrypts the record and the
 * signature to the customer's public key (and its own) with the ECIES helpers, and publishes
 * the ciphertext here with the SHA-256 of the record. The channel holds only ciphertext and
 * hashes. The customer decrypts its records and can hand one to an insurer, who checks the
 * provider's signature and, with `getRecord`, that the provider published that very record.
 * Encryption and signing happen in the clients (src/cli/demos/carsharingRecords.ts); a contract
 * cannot hold keys.
 *
 *   rec:<customer>:<month>:<provider> → { provider, customer, month, recordHash, ciphertext, publishedAt }
 *
 * `customer` is the hex SHA-256 of the customer's public key (SPKI DER): the provider addresses
 * customers without naming them on chain.
 */
import { z } from 'zod';
import { ContractError, defineContract } from '../../src/contract/index.js';

/** Largest ciphertext accepted (base64 characters). */
export const MAX_CIPHERTEXT = 16 * 1024;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits (a SHA-256)');
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM');
const base64 = z
  .string()
  .min(4)
  .max(MAX_CIPHERTEXT)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');
const org = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be an org (MSP id)');

/** A published record, as stored and returned. */
export interface PublishedRecord {
  readonly provider: string;
  readonly customer: string;
  readonly month: string;
  readonly recordHash: string;
  readonly ciphertext: string;
  readonly publishedAt: string;
}

const recordKey = (customer: string, m: string, provider: string) => `rec:${customer}:${m}:${provider}`;

export default defineContract({
  name: 'carsharing',
  version: '1.0',
  transactions: {
    /** Publishes one month's encrypted record of a customer; the caller's org is the provider. */
    publishRecord: {
      args: z.object({ customer: hex64, month, recordHash: hex64, ciphertext: base64 }),
      run: async (ctx, a) => {
        const provider = ctx.caller.mspId;
        const key = recordKey(a.customer, a.month, provider);
        if ((await ctx.state.get(key)) !== undefined) {
          throw new ContractError(
            'RECORD_EXISTS',
            `${provider} already published the record of ${a.month} for this customer`,
            { month: a.month },
          );
        }
        const rec: PublishedRecord = {
          provider,
          customer: a.customer,
          month: a.month,
          recordHash: a.recordHash,
          ciphertext: a.ciphertext,
          publishedAt: ctx.timestamp.toISOString(),
        };
        await ctx.state.put(key, rec);
        ctx.emit('RecordPublished', {
          provider,
          customer: a.customer,
          month: a.month,
          recordHash: a.recordHash,
        });
        return { provider, month: a.month, recordHash: a.recordHash };
      },
    },
  },
  queries: {
    /** One published record. */
    getRecord: {
      args: z.object({ customer: hex64, month, provider: org }),
      run: async (ctx, a) => {
        const rec = await ctx.state.get<PublishedRecord>(recordKey(a.customer, a.month, a.provider));
        if (rec === undefined) {
          throw new ContractError(
            'RECORD_NOT_FOUND',
            `${a.provider} published no record of ${a.month} for this customer`,
          );
        }
        return rec;
      },
    },
    /** Every record of a customer, by month. */
    listRecords: {
      args: z.object({ customer: hex64 }),
      run: async (ctx, a) => {
        const out: PublishedRecord[] = [];
        for await (const { value } of ctx.state.range<PublishedRecord>(
          `rec:${a.customer}:`,
          `rec:${a.customer};`,
        )) {
          out.push(value);
        }
        return { records: out };
      },
    },
  },
});
