import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateDeviceReputation, type ReputationPolicy } from './iotReputation.js';
import type { DeviceAttestation, DeviceClaim } from './iotTrustClient.js';

const DEVICE = 'urn:dev:ops:32473-AcmeLock-0001';
const NOW = new Date('2025-06-01T00:00:00.000Z');
let seq = 0;

function att(attester: string, claim: DeviceClaim, over: Partial<DeviceAttestation> = {}): DeviceAttestation {
  const [mspId, name] = attester.split('::') as [string, string];
  seq += 1;
  return {
    attestationId: seq.toString(16).padStart(64, '0'),
    deviceId: DEVICE,
    attester: { id: attester, mspId, name },
    attesterRole: 'oem',
    claim,
    postedAt: `2025-05-${String(1 + (seq % 27)).padStart(2, '0')}T00:00:00.000Z`,
    withdrawn: false,
    ...over,
  };
}

const HASH = 'c'.repeat(64);
const bootPass: DeviceClaim = {
  type: 'verified-boot',
  firmwareVersion: '1.4',
  firmwareHash: HASH,
  result: 'pass',
};
const bootFail: DeviceClaim = { ...bootPass, result: 'fail' };
const rot: DeviceClaim = { type: 'root-of-trust', kind: 'secure-element' };
const cert: DeviceClaim = {
  type: 'certification',
  program: 'Zigbee 3.0',
  certificateId: 'Z-1',
  validUntil: '2026-01-01T00:00:00.000Z',
};
const assess = (rating: number): DeviceClaim => ({ type: 'security-assessment', rating, method: 'scan' });
const report = (severity: 'low' | 'medium' | 'high' | 'critical'): DeviceClaim => ({
  type: 'malicious-activity',
  category: 'scanning',
  severity,
  observedAt: '2025-05-20T00:00:00.000Z',
});
const peer = (consistent: boolean): DeviceClaim => ({
  type: 'peer-observation',
  metric: 'temperature',
  consistent,
  observedAt: '2025-05-20T00:00:00.000Z',
});

const strict: ReputationPolicy = {
  name: 'strict',
  trustedAttesters: { TelcoC: 1, Regulator: 1, 'TelcoB::user1': 1 },
  requiredClaims: ['certification', 'verified-boot'],
  threshold: 50,
  vetoSeverity: 'high',
};
const lenient: ReputationPolicy = {
  name: 'lenient',
  trustedAttesters: { TelcoC: 1, Regulator: 1, TelcoA: 0.5 },
  threshold: 40,
};

const evaluate = (list: DeviceAttestation[], policy: ReputationPolicy) =>
  evaluateDeviceReputation(list, policy, { now: NOW, deviceId: DEVICE });

describe('evaluateDeviceReputation', () => {
  const evidence = () => [
    att('TelcoC::admin', bootPass),
    att('TelcoC::admin', rot),
    att('Regulator::admin', cert, { attesterRole: 'certification-body' }),
    att('TelcoA::admin', assess(80), { attesterRole: 'operator' }),
    att('TelcoB::user1', report('high'), { attesterRole: 'security-org' }),
    att('TelcoA::user1', peer(true), {
      attesterRole: 'peer-device',
      attesterDeviceId: 'urn:dev:mac:0024befffe804ff1',
    }),
  ];

  it('two verifiers with different policies reach different verdicts on the same evidence', () => {
    const list = evidence();
    const a = evaluate(list, strict);
    const b = evaluate(list, lenient);
    expect(a.verdict).toBe('untrusted');
    expect(a.reasons).toContain('vetoed: high scanning report by TelcoB::user1');
    expect(b.verdict).toBe('trusted');
    // lenient: 20 boot + 15 rot + 30 cert + 0.5 × 20 × 0.6 assessment + 0.5 × 5 peer
    expect(b.score).toBe(20 + 15 + 30 + 6 + 2.5);
    expect(b.trustedAttesters).toBe(4);
    expect(b.ignored.map((i) => [i.attester, i.reason])).toEqual([
      ['TelcoB::user1', 'attester not trusted by this policy'],
    ]);
    expect(a.lifetimeDays).toBe(b.lifetimeDays);
  });

  it('identity weights win over org weights, and weight 0 means not trusted', () => {
    const list = [att('TelcoA::admin', assess(100), { attesterRole: 'operator' })];
    const policy = { name: 'p', trustedAttesters: { TelcoA: 1, 'TelcoA::admin': 0.25 }, threshold: 0 };
    expect(evaluate(list, policy).score).toBe(5);
    expect(
      evaluate(list, { ...policy, trustedAttesters: { TelcoA: 1, 'TelcoA::admin': 0 } }).ignored,
    ).toHaveLength(1);
  });

  it('ignores withdrawn, expired, too old attestations and expired certifications, with the reason', () => {
    const list = [
      att('TelcoC::admin', bootPass, { withdrawn: true }),
      att('TelcoC::admin', rot, { expiresAt: '2025-05-31T00:00:00.000Z' }),
      att('TelcoA::admin', assess(90), { postedAt: '2024-01-01T00:00:00.000Z' }),
      att('Regulator::admin', { ...cert, validUntil: '2025-05-01T00:00:00.000Z' }),
    ];
    const v = evaluate(list, { ...lenient, maxAgeDays: 365 });
    expect(v.counted).toEqual([]);
    expect(v.ignored.map((i) => i.reason)).toEqual([
      'withdrawn by its attester',
      'expired at 2025-05-31T00:00:00.000Z',
      'older than 365 days',
      'certification expired at 2025-05-01T00:00:00.000Z',
    ]);
    expect(v.verdict).toBe('insufficient-evidence');
  });

  it("counts only an attester's latest claim of a kind, but every malicious-activity report", () => {
    const older = att('TelcoC::admin', bootPass, { postedAt: '2025-05-01T00:00:00.000Z' });
    const newer = att('TelcoC::admin', bootFail, { postedAt: '2025-05-10T00:00:00.000Z' });
    const r1 = att('TelcoA::admin', report('low'), { attesterRole: 'operator' });
    const r2 = att('TelcoA::admin', report('medium'), { attesterRole: 'operator' });
    const v = evaluate([newer, older, r1, r2], {
      name: 'p',
      trustedAttesters: { TelcoC: 1, TelcoA: 1 },
      threshold: 0,
    });
    expect(v.counted.map((c) => [c.claimType, c.contribution])).toEqual([
      ['verified-boot', -20],
      ['malicious-activity', -10],
      ['malicious-activity', -20],
    ]);
    expect(v.ignored).toEqual([
      {
        attestationId: older.attestationId,
        attester: 'TelcoC::admin',
        reason: 'replaced by a newer claim of the same attester',
      },
    ]);
    expect(v.verdict).toBe('untrusted');
  });

  it('needs required claims with a positive contribution and enough distinct trusted attesters', () => {
    const failing = [att('TelcoC::admin', bootFail), att('Regulator::admin', cert)];
    const v = evaluate(failing, { ...strict, vetoSeverity: undefined });
    expect(v.verdict).toBe('insufficient-evidence');
    expect(v.reasons).toEqual(['missing required claims from trusted attesters: verified-boot']);
    const one = evaluate([att('TelcoC::admin', bootPass)], {
      ...lenient,
      threshold: 0,
      minTrustedAttesters: 2,
    });
    expect(one.verdict).toBe('insufficient-evidence');
    expect(one.reasons).toEqual(['1 trusted attesters counted, 2 required']);
    const none = evaluate([], lenient);
    expect(none).toMatchObject({
      verdict: 'insufficient-evidence',
      score: 0,
      lifetimeDays: null,
      deviceId: DEVICE,
    });
  });

  it('applies custom claim points and a veto only at or above its severity', () => {
    const list = [att('TelcoC::admin', bootPass), att('TelcoB::user1', report('medium'))];
    const v = evaluate(list, {
      name: 'p',
      trustedAttesters: { TelcoC: 1, TelcoB: 1 },
      claimPoints: { 'verified-boot': 100 },
      threshold: 50,
      vetoSeverity: 'high',
    });
    expect(v).toMatchObject({ verdict: 'trusted', score: 80 });
    expect(
      evaluate(list, {
        name: 'p',
        trustedAttesters: { TelcoC: 1, TelcoB: 1 },
        threshold: 0,
        vetoSeverity: 'medium',
      }).verdict,
    ).toBe('untrusted');
  });

  it('refuses malformed policies (POLICY_INVALID) and attestation lists (ATTESTATIONS_INVALID)', () => {
    const bad: [unknown, string][] = [
      [{ ...lenient, trustedAttesters: {} }, 'trustedAttesters'],
      [{ ...lenient, trustedAttesters: { TelcoA: 2 } }, 'trustedAttesters.TelcoA'],
      [{ ...lenient, trustedAttesters: { 'Telco A': 1 } }, 'trustedAttesters.Telco A'],
      [{ ...lenient, requiredClaims: ['good-vibes'] }, 'requiredClaims[0]'],
      [{ ...lenient, threshold: undefined }, 'threshold'],
    ];
    for (const [policy, path] of bad) {
      expect(() => evaluate([], policy as ReputationPolicy)).toThrow(
        expect.objectContaining({ code: 'POLICY_INVALID', detail: expect.objectContaining({ path }) }),
      );
    }
    const broken = {
      ...att('TelcoC::admin', bootPass),
      claim: { type: 'verified-boot', result: 'maybe' },
    } as unknown as DeviceAttestation;
    expect(() => evaluate([broken], lenient)).toThrow(
      expect.objectContaining({ code: 'ATTESTATIONS_INVALID' }),
    );
    const other = att('TelcoC::admin', rot, { deviceId: 'urn:dev:mac:0024befffe804ff1' });
    expect(() => evaluate([att('TelcoC::admin', bootPass), other], lenient)).toThrow(
      expect.objectContaining({ code: 'ATTESTATIONS_INVALID' }),
    );
  });

  const claimArb = fc.constantFrom<DeviceClaim>(
    bootPass,
    bootFail,
    rot,
    cert,
    assess(10),
    assess(95),
    report('low'),
    report('critical'),
    peer(true),
    peer(false),
  );
  const attesterArb = fc.constantFrom(
    'TelcoC::admin',
    'Regulator::admin',
    'TelcoA::admin',
    'TelcoA::user1',
    'TelcoB::user1',
  );
  const listArb = fc
    .array(fc.tuple(attesterArb, claimArb, fc.integer({ min: 1, max: 28 })), { maxLength: 12 })
    .map((xs) =>
      xs.map(([who, claim, day], i) =>
        att(who, claim, {
          attestationId: (i + 1).toString(16).padStart(64, '0'),
          postedAt: `2025-05-${String(day).padStart(2, '0')}T00:00:00.000Z`,
        }),
      ),
    );

  it('does not depend on the order of the attestations (property)', () => {
    fc.assert(
      fc.property(listArb, fc.constantFrom(strict, lenient), (list, policy) => {
        const a = evaluate(list, policy);
        const b = evaluate([...list].reverse(), policy);
        return a.verdict === b.verdict && a.score === b.score;
      }),
      { numRuns: 200 },
    );
  });

  it('is not moved by attesters the verifier does not trust (property)', () => {
    fc.assert(
      fc.property(listArb, listArb, (list, noise) => {
        const outsiders = noise.map((a, i) =>
          att('Mallory::bot', a.claim, {
            attestationId: `f${i.toString(16).padStart(63, '0')}`,
            postedAt: a.postedAt,
          }),
        );
        const base = evaluate(list, lenient);
        const noisy = evaluate([...list, ...outsiders], lenient);
        return base.verdict === noisy.verdict && base.score === noisy.score;
      }),
      { numRuns: 200 },
    );
  });
});
