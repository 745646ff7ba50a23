import { describe, expect, it } from 'vitest';
import iotTrust from '../../../contracts/iot-trust/index.js';
import type { CallerInfo } from '../../contract/index.js';
import { evaluateDeviceReputation } from './iotReputation.js';
import { assertDeviceId, IotTrustClient } from './iotTrustClient.js';
import { InMemoryLedger } from './ledgerContract.js';

const as = (mspId: string, name: string): CallerInfo => ({
  mspId,
  role: 'client',
  id: `${mspId}::${name}::1`,
  name,
  attributes: {},
});
const LOCK = 'urn:dev:ops:32473-AcmeLock-0001';

describe('IotTrustClient', () => {
  it('posts as the calling identity, lists oldest first, withdraws, and feeds the evaluation', async () => {
    let now = Date.UTC(2025, 0, 1);
    const ledger = new InMemoryLedger({ contracts: [iotTrust], now: () => (now += 1000) });
    const oem = new IotTrustClient({ contract: ledger.contract('iot-trust', as('TelcoC', 'admin')) });
    const body = new IotTrustClient({ contract: ledger.contract('iot-trust', as('Regulator', 'admin')) });
    const boot = await oem.post({
      deviceId: LOCK,
      attesterRole: 'oem',
      claim: { type: 'verified-boot', firmwareVersion: '1', firmwareHash: 'a'.repeat(64), result: 'pass' },
    });
    expect(boot.attester).toEqual({ id: 'TelcoC::admin', mspId: 'TelcoC', name: 'admin' });
    await body.post({
      deviceId: LOCK,
      attesterRole: 'certification-body',
      claim: {
        type: 'certification',
        program: 'CTIA IoT',
        certificateId: 'C-1',
        validUntil: '2030-01-01T00:00:00Z',
      },
    });
    const list = await body.list(LOCK);
    expect(list.map((a) => a.claim.type)).toEqual(['verified-boot', 'certification']);
    const policy = { name: 'p', trustedAttesters: { TelcoC: 1, Regulator: 1 }, threshold: 50 };
    const at = { now: new Date('2025-06-01T00:00:00Z') };
    expect(evaluateDeviceReputation(list, policy, at)).toMatchObject({ verdict: 'trusted', score: 50 });
    await expect(body.withdraw(LOCK, boot.attestationId)).rejects.toMatchObject({ code: 'NOT_ATTESTER' });
    await oem.withdraw(LOCK, boot.attestationId);
    expect(evaluateDeviceReputation(await oem.list(LOCK), policy, at)).toMatchObject({
      verdict: 'untrusted',
      score: 30,
    });
  });

  it('refuses a malformed device id before asking the ledger (DEVICE_ID_MALFORMED)', async () => {
    const ledger = new InMemoryLedger({ contracts: [iotTrust] });
    const client = new IotTrustClient({ contract: ledger.contract('iot-trust', as('TelcoA', 'admin')) });
    await expect(client.list('urn:dev:mac:XYZ')).rejects.toMatchObject({ code: 'DEVICE_ID_MALFORMED' });
    expect(() => assertDeviceId('urn:dev:ow:10e2073a01080063')).not.toThrow();
  });
});
