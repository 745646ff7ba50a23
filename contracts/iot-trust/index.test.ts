import { beforeEach, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../src/common/index.js';
import {
  type CallerInfo,
  ContractTestBench,
  describeContract,
  type FunctionKind,
  type MemoryState,
  testCaller,
} from '../../src/contract/index.js';
import iotTrust, { type DeviceAttestation } from './index.js';

const oem = testCaller('TelcoC', 'admin', '01', 'admin');
const operator = testCaller('TelcoA', 'admin', '02', 'admin');
const camera = testCaller('TelcoA', 'user1', '03');

const LOCK = 'urn:dev:ops:32473-AcmeLock-0001';
const CAM = 'urn:dev:mac:0024befffe804ff1';
const HASH = 'c'.repeat(64);
const boot = { type: 'verified-boot', firmwareVersion: '1.4.2', firmwareHash: HASH, result: 'pass' };

let bench: ContractTestBench;
let state: MemoryState;

beforeEach(() => {
  bench = new ContractTestBench({
    definition: iotTrust,
    caller: oem,
    txId: (n) => n.toString(16).padStart(64, '0'),
  });
  state = bench.state;
});

/** Simulates one call; a valid transaction is committed to `state`, as a peer would. */
const call = (
  fn: string,
  argsJson: Record<string, unknown>,
  opts: { caller?: CallerInfo; kind?: FunctionKind } = {},
) => bench.call(fn, argsJson, opts);

const list = async (deviceId: string) =>
  (await call('listDeviceAttestations', { deviceId }, { kind: 'query' })).result as DeviceAttestation[];

describe('postAttestation', () => {
  it('stores the claim with the caller as attester and the txId as id, and emits DeviceAttestationPosted', async () => {
    const sim = await call('postAttestation', { deviceId: LOCK, attesterRole: 'oem', claim: boot });
    const id = '1'.padStart(64, '0');
    const expected: DeviceAttestation = {
      attestationId: id,
      deviceId: LOCK,
      attester: { id: 'TelcoC::admin', mspId: 'TelcoC', name: 'admin' },
      attesterRole: 'oem',
      claim: boot as DeviceAttestation['claim'],
      postedAt: '2025-01-01T00:01:00.000Z',
      withdrawn: false,
    };
    expect(sim.result).toEqual(expected);
    expect(JSON.parse(fromUtf8(state.getState('iot-trust', `att:${LOCK}:${id}`)!.value))).toEqual(expected);
    expect(sim.events.map((e) => [e.name, JSON.parse(fromUtf8(e.payload))])).toEqual([
      [
        'DeviceAttestationPosted',
        { deviceId: LOCK, attestationId: id, attester: 'TelcoC::admin', claimType: 'verified-boot' },
      ],
    ]);
  });

  it('takes the attester from the caller, never from the arguments', async () => {
    const sim = await call('postAttestation', {
      deviceId: LOCK,
      attesterRole: 'oem',
      claim: boot,
      attester: 'TelcoB::admin',
    });
    expect((sim.result as DeviceAttestation).attester.id).toBe('TelcoC::admin');
    const claimExtra = await call('postAttestation', {
      deviceId: LOCK,
      attesterRole: 'oem',
      claim: { ...boot, attester: 'x' },
    });
    expect(claimExtra.error?.code).toBe('INVALID_ARGUMENT');
  });

  it.each([
    'urn:dev:mac:0024BEFFFE804FF1',
    'urn:dev:mac:0024befffe804f',
    'urn:dev:ops:0-Lock-1',
    'urn:dev:org:32473',
    'urn:dev:foo:1234',
    'device-1',
    '',
  ])('refuses the device id %j with DEVICE_ID_MALFORMED', async (deviceId) => {
    const sim = await call('postAttestation', { deviceId, attesterRole: 'oem', claim: boot });
    expect(sim.error?.code).toBe('DEVICE_ID_MALFORMED');
    expect(sim.error?.message).toContain("'deviceId'");
  });

  it.each([
    'urn:dev:mac:0024befffe80',
    'urn:dev:ow:10e2073a01080063',
    'urn:dev:org:32473-foo',
    'urn:dev:os:32473-123456',
  ])('accepts the RFC 9039 device id %s', async (deviceId) => {
    expect((await call('postAttestation', { deviceId, attesterRole: 'oem', claim: boot })).ok).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a verified boot without hash',
      { type: 'verified-boot', firmwareVersion: '1', result: 'pass' },
      'claim.firmwareHash',
    ],
    ['an unknown claim type', { type: 'vibes', good: true }, 'claim.type'],
    ['a rating above 100', { type: 'security-assessment', rating: 101, method: 'pen test' }, 'claim.rating'],
    [
      'a severity out of range',
      {
        type: 'malicious-activity',
        category: 'botnet',
        severity: 'apocalyptic',
        observedAt: '2025-01-01T00:00:00Z',
      },
      'claim.severity',
    ],
    [
      'a certification without validity',
      { type: 'certification', program: 'Zigbee', certificateId: 'Z-1' },
      'claim.validUntil',
    ],
  ])('refuses %s with INVALID_ARGUMENT at %s', async (_what, claim, path) => {
    const role =
      claim.type === 'certification'
        ? 'certification-body'
        : claim.type === 'verified-boot'
          ? 'oem'
          : 'operator';
    const sim = await call(
      'postAttestation',
      { deviceId: LOCK, attesterRole: role, claim },
      { caller: operator },
    );
    expect(sim.error?.code).toBe('INVALID_ARGUMENT');
    expect(sim.error?.message).toContain(`'${path}'`);
  });

  it('refuses a claim the role may not make with ROLE_CLAIM_MISMATCH', async () => {
    const cert = {
      type: 'certification',
      program: 'Zigbee 3.0',
      certificateId: 'Z-1',
      validUntil: '2026-01-01T00:00:00Z',
    };
    const sim = await call('postAttestation', { deviceId: LOCK, attesterRole: 'oem', claim: cert });
    expect(sim.error).toMatchObject({
      code: 'ROLE_CLAIM_MISMATCH',
      detail: { attesterRole: 'oem', claimType: 'certification' },
    });
  });

  it('requires peer devices to name the observing device, which is not the device itself', async () => {
    const obs = {
      type: 'peer-observation',
      metric: 'temperature',
      consistent: true,
      observedAt: '2025-01-01T00:00:00Z',
    };
    const base = { deviceId: LOCK, attesterRole: 'peer-device', claim: obs };
    expect((await call('postAttestation', base, { caller: camera })).error?.code).toBe('OBSERVER_REQUIRED');
    expect(
      (await call('postAttestation', { ...base, attesterDeviceId: LOCK }, { caller: camera })).error?.code,
    ).toBe('SELF_ATTESTATION');
    expect(
      (await call('postAttestation', { ...base, attesterDeviceId: 'cam-1' }, { caller: camera })).error?.code,
    ).toBe('DEVICE_ID_MALFORMED');
    const ok = await call('postAttestation', { ...base, attesterDeviceId: CAM }, { caller: camera });
    expect(ok.result).toMatchObject({ attesterDeviceId: CAM, attester: { id: 'TelcoA::user1' } });
    const notPeer = await call('postAttestation', {
      deviceId: LOCK,
      attesterRole: 'oem',
      claim: boot,
      attesterDeviceId: CAM,
    });
    expect(notPeer.error?.code).toBe('OBSERVER_NOT_ALLOWED');
  });

  it('refuses an expiry that is not in the future with EXPIRY_IN_PAST, and normalises a valid one', async () => {
    const past = await call('postAttestation', {
      deviceId: LOCK,
      attesterRole: 'oem',
      claim: boot,
      expiresAt: '2025-01-01T00:00:00Z',
    });
    expect(past.error?.code).toBe('EXPIRY_IN_PAST');
    const future = await call('postAttestation', {
      deviceId: LOCK,
      attesterRole: 'oem',
      claim: boot,
      expiresAt: '2026-01-01T00:00:00Z',
    });
    expect((future.result as DeviceAttestation).expiresAt).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('withdrawAttestation', () => {
  let id: string;
  beforeEach(async () => {
    id = (
      (await call('postAttestation', { deviceId: LOCK, attesterRole: 'oem', claim: boot }))
        .result as DeviceAttestation
    ).attestationId;
  });

  it('lets the attester withdraw; the record stays, marked, and DeviceAttestationWithdrawn is emitted', async () => {
    const sim = await call('withdrawAttestation', { deviceId: LOCK, attestationId: id });
    expect(sim.result).toMatchObject({ withdrawn: true, withdrawnAt: '2025-01-01T00:02:00.000Z' });
    expect(sim.events.map((e) => e.name)).toEqual(['DeviceAttestationWithdrawn']);
    expect((await list(LOCK)).map((a) => a.withdrawn)).toEqual([true]);
  });

  it('refuses another identity with NOT_ATTESTER, a second withdrawal with ATTESTATION_WITHDRAWN', async () => {
    expect(
      (await call('withdrawAttestation', { deviceId: LOCK, attestationId: id }, { caller: operator })).error,
    ).toMatchObject({
      code: 'NOT_ATTESTER',
      detail: { attester: 'TelcoC::admin' },
    });
    await call('withdrawAttestation', { deviceId: LOCK, attestationId: id });
    expect((await call('withdrawAttestation', { deviceId: LOCK, attestationId: id })).error?.code).toBe(
      'ATTESTATION_WITHDRAWN',
    );
  });

  it('refuses an unknown attestation with ATTESTATION_NOT_FOUND', async () => {
    const sim = await call('withdrawAttestation', { deviceId: LOCK, attestationId: 'f'.repeat(64) });
    expect(sim.error?.code).toBe('ATTESTATION_NOT_FOUND');
    expect(
      (await call('getAttestation', { deviceId: CAM, attestationId: id }, { kind: 'query' })).error?.code,
    ).toBe('ATTESTATION_NOT_FOUND');
  });
});

describe('queries', () => {
  it('list only the device asked for, oldest first, and getAttestation returns one', async () => {
    await call('postAttestation', { deviceId: LOCK, attesterRole: 'oem', claim: boot });
    await call('postAttestation', { deviceId: CAM, attesterRole: 'oem', claim: boot });
    const assess = { type: 'security-assessment', rating: 80, method: 'network scan' };
    await call(
      'postAttestation',
      { deviceId: LOCK, attesterRole: 'operator', claim: assess },
      { caller: operator },
    );
    const lock = await list(LOCK);
    expect(lock.map((a) => [a.attester.id, a.claim.type])).toEqual([
      ['TelcoC::admin', 'verified-boot'],
      ['TelcoA::admin', 'security-assessment'],
    ]);
    expect((await list(CAM)).length).toBe(1);
    expect(await list('urn:dev:mac:111111111111')).toEqual([]);
    const one = await call(
      'getAttestation',
      { deviceId: LOCK, attestationId: lock[1]!.attestationId },
      { kind: 'query' },
    );
    expect(one.result).toEqual(lock[1]);
    expect((await call('listDeviceAttestations', { deviceId: 'nope' }, { kind: 'query' })).error?.code).toBe(
      'DEVICE_ID_MALFORMED',
    );
  });

  it('are described', () => {
    const d = describeContract(iotTrust);
    expect(Object.keys(d.transactions).sort()).toEqual(['postAttestation', 'withdrawAttestation']);
    expect(Object.keys(d.queries).sort()).toEqual(['getAttestation', 'listDeviceAttestations']);
  });
});
