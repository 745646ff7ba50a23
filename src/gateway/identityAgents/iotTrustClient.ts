import { ConsortiaError } from '../../common/index.js';
import { IdentityAgentErrorCodes } from './errors.js';
import type { LedgerContract } from './ledgerContract.js';

/** RFC 9039 device URNs, as the iot-trust contract accepts them. */
export const DEVICE_ID_PATTERN =
  /^urn:dev:(?:mac:[0-9a-f]{12}(?:[0-9a-f]{4})?|ow:[0-9a-f]{16}|(?:org|os):[1-9][0-9]{0,9}-[A-Za-z0-9._]{1,64}|ops:[1-9][0-9]{0,9}-[A-Za-z0-9._]{1,64}-[A-Za-z0-9._]{1,64})$/;

export type AttesterRole =
  | 'oem'
  | 'operator'
  | 'service-provider'
  | 'certification-body'
  | 'security-org'
  | 'peer-device';

/** The typed claims of the iot-trust contract. */
export type DeviceClaim =
  | { type: 'verified-boot'; firmwareVersion: string; firmwareHash: string; result: 'pass' | 'fail' }
  | {
      type: 'root-of-trust';
      kind: 'tpm2' | 'secure-element' | 'trustzone' | 'none';
      certificateFingerprint?: string;
    }
  | { type: 'certification'; program: string; level?: string; certificateId: string; validUntil: string }
  | { type: 'security-assessment'; rating: number; method: string }
  | {
      type: 'malicious-activity';
      category: 'botnet' | 'scanning' | 'spam' | 'ddos' | 'malware' | 'unauthorised-access' | 'other';
      severity: 'low' | 'medium' | 'high' | 'critical';
      observedAt: string;
      evidenceHash?: string;
    }
  | { type: 'peer-observation'; metric: string; consistent: boolean; observedAt: string };

export type ClaimType = DeviceClaim['type'];

/** One attestation as the iot-trust contract stores it. */
export interface DeviceAttestation {
  readonly attestationId: string;
  readonly deviceId: string;
  readonly attester: { readonly id: string; readonly mspId: string; readonly name: string };
  readonly attesterRole: AttesterRole;
  readonly attesterDeviceId?: string;
  readonly claim: DeviceClaim;
  readonly postedAt: string;
  readonly expiresAt?: string;
  readonly withdrawn: boolean;
  readonly withdrawnAt?: string;
}

/** What an attester posts (the attester itself is the calling ledger identity). */
export interface PostAttestationInput {
  readonly deviceId: string;
  readonly attesterRole: AttesterRole;
  readonly attesterDeviceId?: string;
  readonly claim: DeviceClaim;
  readonly expiresAt?: string;
}

/**
 * Throws DEVICE_ID_MALFORMED unless `id` is an RFC 9039 device URN.
 *
 * @example
 * assertDeviceId('urn:dev:ops:32473-AcmeLock-0001');
 */
export function assertDeviceId(id: string): void {
  if (!DEVICE_ID_PATTERN.test(id)) {
    throw new ConsortiaError(
      IdentityAgentErrorCodes.DEVICE_ID_MALFORMED,
      `${JSON.stringify(id.slice(0, 80))} is not an RFC 9039 device URN such as urn:dev:mac:0024befffe804ff1`,
    );
  }
}

export interface IotTrustClientOptions {
  /** The `iot-trust` contract, as the attester's or verifier's ledger identity calls it. */
  readonly contract: LedgerContract;
}

/**
 * The SDK side of the `iot-trust` contract: attesters post and withdraw attestations, verifiers
 * fetch a device's attestations to evaluate them with their own policy
 * ({@link evaluateDeviceReputation}).
 *
 * @example
 * const iot = new IotTrustClient({ contract: gw.network('telecom').contract('iot-trust') });
 * await iot.post({ deviceId, attesterRole: 'oem', claim: { type: 'root-of-trust', kind: 'tpm2' } });
 * const verdict = evaluateDeviceReputation(await iot.list(deviceId), myPolicy);
 */
export class IotTrustClient {
  readonly #contract: LedgerContract;

  constructor(opts: Readonly<IotTrustClientOptions>) {
    this.#contract = opts.contract;
  }

  async post(input: PostAttestationInput): Promise<DeviceAttestation> {
    const { result } = await this.#contract.submit<DeviceAttestation>('postAttestation', {
      arguments: { ...input },
    });
    return result;
  }

  async withdraw(deviceId: string, attestationId: string): Promise<DeviceAttestation> {
    const { result } = await this.#contract.submit<DeviceAttestation>('withdrawAttestation', {
      arguments: { deviceId, attestationId },
    });
    return result;
  }

  /** Every attestation about `deviceId`, withdrawn ones included, oldest first. */
  async list(deviceId: string): Promise<DeviceAttestation[]> {
    assertDeviceId(deviceId);
    return this.#contract.evaluate<DeviceAttestation[]>('listDeviceAttestations', {
      arguments: { deviceId },
    });
  }
}
