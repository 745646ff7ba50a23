import { z } from 'zod';
import { type Context, ContractError, defineContract } from '../../src/contract/index.js';

/**
 * Number portability between carriers, under the regulator's eye (seed 004).
 *
 * A customer moves a phone number from the current carrier (the donor) to a new one (the
 * recipient). The recipient files a request with the customer data encrypted for itself and
 * the donor and the hash of the signed porting contract; the donor confirms or rejects; the
 * recipient may cancel. Ownership moves only on the donor's confirmation. The regulator
 * registers numbers and sees the SLA report of open requests.
 *
 * State keys:
 *   number:<E.164>      → NumberRecord
 *   request:<requestId> → PortRequest
 *   open:<requestId>    → { requestId, number, requestedAt } (index of open requests)
 */

/** The org that acts as regulator. */
export const REGULATOR = 'Regulator';

const e164 = z
  .string()
  .regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 number: + and 2 to 15 digits, e.g. +4915112345678');
const orgName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be an org name');
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hash: 64 lowercase hex characters');
const base64 = z
  .string()
  .min(4)
  .max(16_384)
  .regex(
    /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
    'must be padded base64 ciphertext (A-Z, a-z, 0-9, +, /, length a multiple of 4)',
  );
const requestId = z.string().regex(/^pr-[0-9a-f]{16}$/, 'must be a request id such as pr-0123456789abcdef');

interface NumberRecord {
  number: string;
  carrier: string;
  registeredAt: string;
  updatedAt: string;
  openRequestId: string | null;
}

type PortStatus = 'open' | 'confirmed' | 'rejected' | 'cancelled';

interface PortRequest {
  requestId: string;
  number: string;
  donor: string;
  recipient: string;
  status: PortStatus;
  contractHash: string;
  encryptedCustomerData: string;
  requestedAt: string;
  decidedAt: string | null;
  reason: string | null;
}

const numberKey = (n: string) => `number:${n}`;
const requestKey = (id: string) => `request:${id}`;
const openKey = (id: string) => `open:${id}`;

async function loadNumber(ctx: Context, number: string): Promise<NumberRecord> {
  const rec = await ctx.state.get<NumberRecord>(numberKey(number));
  if (!rec) throw new ContractError('UNKNOWN_NUMBER', `number ${number} is not registered`, { number });
  return rec;
}

async function loadRequest(ctx: Context, id: string): Promise<PortRequest> {
  const req = await ctx.state.get<PortRequest>(requestKey(id));
  if (!req) throw new ContractError('UNKNOWN_REQUEST', `there is no port request ${id}`, { requestId: id });
  return req;
}

function requireOpen(req: PortRequest): void {
  if (req.status !== 'open') {
    throw new ContractError('REQUEST_CLOSED', `port request ${req.requestId} is already ${req.status}`, {
      requestId: req.requestId,
      status: req.status,
    });
  }
}

/** Closes an open request: records the decision, frees the number, drops the open index. */
async function close(
  ctx: Context,
  req: PortRequest,
  status: PortStatus,
  reason: string | null,
  num: NumberRecord,
  newCarrier?: string,
) {
  const now = ctx.timestamp.toISOString();
  const closed: PortRequest = { ...req, status, decidedAt: now, reason };
  await ctx.state.put(requestKey(req.requestId), closed);
  await ctx.state.delete(openKey(req.requestId));
  await ctx.state.put(numberKey(req.number), {
    ...num,
    carrier: newCarrier ?? num.carrier,
    updatedAt: now,
    openRequestId: null,
  } satisfies NumberRecord);
  return closed;
}

export default defineContract({
  name: 'number-portability',
  version: '1.0',
  description: 'Phone number portability between carriers, with the regulator as a party to every change.',
  transactions: {
    registerNumber: {
      description:
        'Registers a number with its carrier. The regulator may register any number; a carrier only its own.',
      args: z.object({ number: e164, carrier: orgName }),
      argumentCodes: { number: 'INVALID_NUMBER' },
      async run(ctx, a) {
        if (ctx.caller.mspId !== REGULATOR && ctx.caller.mspId !== a.carrier) {
          throw new ContractError(
            'NOT_ALLOWED',
            `only ${REGULATOR} or ${a.carrier} itself may register a number for ${a.carrier}`,
            {
              caller: ctx.caller.mspId,
            },
          );
        }
        if (a.carrier === REGULATOR)
          throw new ContractError('NOT_A_CARRIER', `${REGULATOR} is not a carrier`);
        const key = numberKey(a.number);
        if (await ctx.state.get(key)) {
          throw new ContractError('NUMBER_EXISTS', `number ${a.number} is already registered`, {
            number: a.number,
          });
        }
        const now = ctx.timestamp.toISOString();
        const rec: NumberRecord = {
          number: a.number,
          carrier: a.carrier,
          registeredAt: now,
          updatedAt: now,
          openRequestId: null,
        };
        await ctx.state.put(key, rec);
        ctx.emit('NumberRegistered', { number: a.number, carrier: a.carrier });
        return rec;
      },
    },
    requestPort: {
      description: 'Called by the recipient carrier: asks to move a number to itself. Returns { requestId }.',
      args: z.object({ number: e164, encryptedCustomerData: base64, contractHash: sha256Hex }),
      argumentCodes: { number: 'INVALID_NUMBER' },
      async run(ctx, a) {
        const recipient = ctx.caller.mspId;
        if (recipient === REGULATOR)
          throw new ContractError('NOT_A_CARRIER', `${REGULATOR} cannot take over numbers`);
        const num = await loadNumber(ctx, a.number);
        if (num.carrier === recipient) {
          throw new ContractError('ALREADY_OWNER', `${recipient} already holds ${a.number}`, {
            number: a.number,
          });
        }
        if (num.openRequestId) {
          throw new ContractError(
            'REQUEST_OPEN',
            `number ${a.number} already has open request ${num.openRequestId}`,
            {
              number: a.number,
              requestId: num.openRequestId,
            },
          );
        }
        const id = `pr-${ctx.txId.slice(0, 16)}`;
        const now = ctx.timestamp.toISOString();
        const req: PortRequest = {
          requestId: id,
          number: a.number,
          donor: num.carrier,
          recipient,
          status: 'open',
          contractHash: a.contractHash,
          encryptedCustomerData: a.encryptedCustomerData,
          requestedAt: now,
          decidedAt: null,
          reason: null,
        };
        await ctx.state.put(requestKey(id), req);
        await ctx.state.put(openKey(id), { requestId: id, number: a.number, requestedAt: now });
        await ctx.state.put(numberKey(a.number), {
          ...num,
          openRequestId: id,
          updatedAt: now,
        } satisfies NumberRecord);
        ctx.emit('PortRequested', { requestId: id, number: a.number, donor: num.carrier, recipient });
        return { requestId: id };
      },
    },
    confirmPort: {
      description:
        'Called by the current owner (donor): confirms the request; the number moves to the recipient.',
      args: z.object({ requestId }),
      async run(ctx, a) {
        const req = await loadRequest(ctx, a.requestId);
        requireOpen(req);
        const num = await loadNumber(ctx, req.number);
        if (ctx.caller.mspId !== num.carrier) {
          throw new ContractError(
            'NOT_OWNER',
            `only the current owner ${num.carrier} may confirm request ${req.requestId}`,
            {
              owner: num.carrier,
            },
          );
        }
        const closed = await close(ctx, req, 'confirmed', null, num, req.recipient);
        ctx.emit('PortConfirmed', {
          requestId: req.requestId,
          number: req.number,
          from: req.donor,
          to: req.recipient,
        });
        return { requestId: closed.requestId, number: closed.number, carrier: req.recipient };
      },
    },
    rejectPort: {
      description: 'Called by the current owner (donor): rejects the request with a reason.',
      args: z.object({ requestId, reason: z.string().trim().min(1).max(500) }),
      async run(ctx, a) {
        const req = await loadRequest(ctx, a.requestId);
        requireOpen(req);
        const num = await loadNumber(ctx, req.number);
        if (ctx.caller.mspId !== num.carrier) {
          throw new ContractError(
            'NOT_OWNER',
            `only the current owner ${num.carrier} may reject request ${req.requestId}`,
            {
              owner: num.carrier,
            },
          );
        }
        await close(ctx, req, 'rejected', a.reason, num);
        ctx.emit('PortRejected', { requestId: req.requestId, number: req.number, reason: a.reason });
        return { requestId: req.requestId, status: 'rejected' };
      },
    },
    cancelPort: {
      description: 'Called by the recipient: withdraws its own open request.',
      args: z.object({ requestId }),
      async run(ctx, a) {
        const req = await loadRequest(ctx, a.requestId);
        requireOpen(req);
        if (ctx.caller.mspId !== req.recipient) {
          throw new ContractError(
            'NOT_RECIPIENT',
            `only the recipient ${req.recipient} may cancel request ${req.requestId}`,
            {
              recipient: req.recipient,
            },
          );
        }
        const num = await loadNumber(ctx, req.number);
        await close(ctx, req, 'cancelled', null, num);
        ctx.emit('PortCancelled', { requestId: req.requestId, number: req.number });
        return { requestId: req.requestId, status: 'cancelled' };
      },
    },
  },
  queries: {
    getNumber: {
      description: 'The number with its current carrier.',
      args: z.object({ number: e164 }),
      argumentCodes: { number: 'INVALID_NUMBER' },
      run: (ctx, a) => loadNumber(ctx, a.number),
    },
    getRequest: {
      description: 'A port request. The ciphertext is readable only by the donor and the recipient.',
      args: z.object({ requestId }),
      run: (ctx, a) => loadRequest(ctx, a.requestId),
    },
    numberHistory: {
      description: 'Every change of the number, oldest first, with its transaction id and timestamp.',
      args: z.object({ number: e164 }),
      argumentCodes: { number: 'INVALID_NUMBER' },
      async run(ctx, a) {
        const changes = await ctx.state.history<NumberRecord>(numberKey(a.number));
        if (changes.length === 0)
          throw new ContractError('UNKNOWN_NUMBER', `number ${a.number} was never registered`, {
            number: a.number,
          });
        return changes.map((c) => ({
          txId: c.txId,
          timestamp: c.timestamp.toISOString(),
          carrier: c.value?.carrier ?? null,
          openRequestId: c.value?.openRequestId ?? null,
          deleted: c.isDelete,
        }));
      },
    },
    openRequests: {
      description:
        "The regulator's SLA report: open requests, optionally only those older than a number of hours.",
      args: z.object({
        olderThanHours: z
          .number()
          .min(0)
          .max(24 * 365)
          .optional(),
      }),
      async run(ctx, a) {
        if (ctx.caller.mspId !== REGULATOR) {
          throw new ContractError('NOT_REGULATOR', `only ${REGULATOR} may read the SLA report`, {
            caller: ctx.caller.mspId,
          });
        }
        const now = ctx.timestamp.getTime();
        // Without olderThanHours every open request is listed, also one stamped later than this
        // query (proposal timestamps come from the clients' clocks, which may differ a little).
        const cutoff =
          a.olderThanHours === undefined ? Number.POSITIVE_INFINITY : now - a.olderThanHours * 3_600_000;
        const out = [];
        for await (const { value } of ctx.state.range<{
          requestId: string;
          number: string;
          requestedAt: string;
        }>('open:', 'open;')) {
          const at = Date.parse(value.requestedAt);
          if (at > cutoff) continue;
          const req = await loadRequest(ctx, value.requestId);
          out.push({
            requestId: req.requestId,
            number: req.number,
            donor: req.donor,
            recipient: req.recipient,
            requestedAt: req.requestedAt,
            ageHours: Math.max(0, Math.floor(((now - at) / 3_600_000) * 10) / 10),
          });
        }
        return out.sort((x, y) => x.requestedAt.localeCompare(y.requestedAt));
      },
    },
  },
});
