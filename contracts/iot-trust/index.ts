/**
 * iot-trust: trust attestations about IoT devices (use case 2 of seed 001).
 *
 * OEMs, network operators, service providers, certification bodies, security organisations and
 * peer devices post typed claims about a device. The attester is the ledger identity that signed
 * the transaction (never an argument), so a record cannot be attributed to someone else. The
 * contract scores nothing: each verifier fetches a device's attestations and evaluates them with
 * its own criteria (see evaluateDeviceReputation in the SDK).
 *
 * State keys:
 *   att:<deviceId>:<attestationId> → DeviceAttestation (attestationId = the posting txId)
 */
import { z } from 'zod';
import { type Context, ContractError, defineContract } from '../../src/contract/index.js';
import {
  ATTESTER_ROLES,
  type AttesterRole,
  CLAIMS_BY_ROLE,
  claimSchema,
  DEVICE_ID_PATTERN,
  type DeviceClaim,
} from './claims.js';

/** One attestation as stored and returned by the queries. */
export interface DeviceAttestation {
  readonly attestationId: string;
  readonly deviceId: string;
  /** The ledger identity that posted it: `mspId::name`. */
  readonly attester: { readonly id: string; readonly mspId: string; readonly name: string };
  readonly attesterRole: AttesterRole;
  /** For a peer device: the device that observed. */
  readonly attesterDeviceId?: string;
  readonly claim: DeviceClaim;
  readonly postedAt: string;
  readonly expiresAt?: string;
  readonly withdrawn: boolean;
  readonly withdrawnAt?: string;
}

const deviceId = z
  .string()
  .regex(DEVICE_ID_PATTERN, 'must be an RFC 9039 device URN such as urn:dev:mac:0024befffe804ff1')
  .describe('RFC 9039 device URN, e.g. urn:dev:mac:0024befffe804ff1 or urn:dev:ops:32473-Lock-0001');
/** A malformed device id is refused with DEVICE_ID_MALFORMED rather than INVALID_ARGUMENT. */
const argumentCodes = { deviceId: 'DEVICE_ID_MALFORMED', attesterDeviceId: 'DEVICE_ID_MALFORMED' } as const;
const attestationId = z.string().regex(/^[0-9a-f]{64}$/, 'must be an attestation id (64 lowercase hex)');

const key = (device: string, id: string) => `att:${device}:${id}`;

async function load(ctx: Context, device: string, id: string): Promise<DeviceAttestation> {
  const rec = await ctx.state.get<DeviceAttestation>(key(device, id));
  if (!rec) {
    throw new ContractError('ATTESTATION_NOT_FOUND', `device ${device} has no attestation ${id}`, {
      deviceId: device,
      attestationId: id,
    });
  }
  return rec;
}

export default defineContract({
  name: 'iot-trust',
  version: '1.0',
  description:
    'Trust attestations about IoT devices from OEMs, operators, certification bodies and peer devices; no central score.',
  transactions: {
    postAttestation: {
      description:
        'Posts a typed claim about a device; the caller is the attester. Peer devices name the observing device.',
      args: z.object({
        deviceId,
        attesterRole: z.enum(ATTESTER_ROLES),
        attesterDeviceId: deviceId.optional(),
        claim: claimSchema,
        expiresAt: z.iso.datetime({ error: 'must be an ISO 8601 UTC time' }).optional(),
      }),
      argumentCodes,
      async run(ctx, a) {
        if (!CLAIMS_BY_ROLE[a.attesterRole].includes(a.claim.type)) {
          throw new ContractError(
            'ROLE_CLAIM_MISMATCH',
            `a ${a.attesterRole} may not post a ${a.claim.type} claim; it may post ${CLAIMS_BY_ROLE[a.attesterRole].join(', ')}`,
            { attesterRole: a.attesterRole, claimType: a.claim.type },
          );
        }
        if (a.attesterRole === 'peer-device') {
          if (a.attesterDeviceId === undefined) {
            throw new ContractError(
              'OBSERVER_REQUIRED',
              'a peer-device attestation must name the observing device in attesterDeviceId',
            );
          }
          if (a.attesterDeviceId === a.deviceId) {
            throw new ContractError('SELF_ATTESTATION', `device ${a.deviceId} cannot attest about itself`, {
              deviceId: a.deviceId,
            });
          }
        } else if (a.attesterDeviceId !== undefined) {
          throw new ContractError(
            'OBSERVER_NOT_ALLOWED',
            'attesterDeviceId is only for peer-device attestations; leave it out',
          );
        }
        if (a.expiresAt !== undefined && Date.parse(a.expiresAt) <= ctx.timestamp.getTime()) {
          throw new ContractError('EXPIRY_IN_PAST', `expiresAt ${a.expiresAt} is not in the future`, {
            expiresAt: a.expiresAt,
          });
        }
        const rec: DeviceAttestation = {
          attestationId: ctx.txId,
          deviceId: a.deviceId,
          attester: {
            id: `${ctx.caller.mspId}::${ctx.caller.name}`,
            mspId: ctx.caller.mspId,
            name: ctx.caller.name,
          },
          attesterRole: a.attesterRole,
          ...(a.attesterDeviceId === undefined ? {} : { attesterDeviceId: a.attesterDeviceId }),
          claim: a.claim,
          postedAt: ctx.timestamp.toISOString(),
          ...(a.expiresAt === undefined ? {} : { expiresAt: new Date(a.expiresAt).toISOString() }),
          withdrawn: false,
        };
        await ctx.state.put(key(a.deviceId, rec.attestationId), rec);
        ctx.emit('DeviceAttestationPosted', {
          deviceId: a.deviceId,
          attestationId: rec.attestationId,
          attester: rec.attester.id,
          claimType: a.claim.type,
        });
        return rec;
      },
    },
    withdrawAttestation: {
      description: 'Withdraws an attestation (it stays visible, marked withdrawn). Its attester only.',
      args: z.object({ deviceId, attestationId }),
      argumentCodes,
      async run(ctx, a) {
        const rec = await load(ctx, a.deviceId, a.attestationId);
        if (rec.attester.mspId !== ctx.caller.mspId || rec.attester.name !== ctx.caller.name) {
          throw new ContractError(
            'NOT_ATTESTER',
            `attestation ${a.attestationId} was posted by ${rec.attester.id}; only that identity may withdraw it`,
            { attester: rec.attester.id, caller: `${ctx.caller.mspId}::${ctx.caller.name}` },
          );
        }
        if (rec.withdrawn) {
          throw new ContractError(
            'ATTESTATION_WITHDRAWN',
            `attestation ${a.attestationId} is already withdrawn`,
            { attestationId: a.attestationId },
          );
        }
        const next: DeviceAttestation = { ...rec, withdrawn: true, withdrawnAt: ctx.timestamp.toISOString() };
        await ctx.state.put(key(a.deviceId, a.attestationId), next);
        ctx.emit('DeviceAttestationWithdrawn', { deviceId: a.deviceId, attestationId: a.attestationId });
        return next;
      },
    },
  },
  queries: {
    listDeviceAttestations: {
      description: 'Every attestation about a device (withdrawn ones included, marked), oldest first.',
      args: z.object({ deviceId }),
      argumentCodes,
      async run(ctx, a) {
        const out: DeviceAttestation[] = [];
        for await (const { value } of ctx.state.range<DeviceAttestation>(
          `att:${a.deviceId}:`,
          `att:${a.deviceId};`,
        )) {
          out.push(value);
        }
        const order = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
        return out.sort((x, y) => order(x.postedAt, y.postedAt) || order(x.attestationId, y.attestationId));
      },
    },
    getAttestation: {
      description: 'One attestation about a device.',
      args: z.object({ deviceId, attestationId }),
      argumentCodes,
      run: (ctx, a) => load(ctx, a.deviceId, a.attestationId),
    },
  },
});
