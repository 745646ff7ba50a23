import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../crypto/index.js';
import {
  type DeviceAttestation,
  evaluateDeviceReputation,
  IotTrustClient,
  type ReputationPolicy,
  type ReputationVerdict,
} from '../../gateway/index.js';
import {
  check,
  type DemoContext,
  type DemoOptions,
  type DemoResult,
  type DemoScriptStep,
  runDemo,
} from './demoRunner.js';
import { assertDeployed, CHANNEL, expectCode } from './identityDemoKit.js';

/** Lisa's home gateway: zero trust. Needs certification and verified boot; any trusted high-severity report vetoes. */
export const HOME_GATEWAY_POLICY: ReputationPolicy = {
  name: 'home-gateway',
  trustedAttesters: { TelcoC: 1, Regulator: 1, 'TelcoB::user1': 1 },
  requiredClaims: ['certification', 'verified-boot'],
  threshold: 50,
  vetoSeverity: 'high',
  minTrustedAttesters: 2,
};

/** A smart-home app: trusts the OEM, the certification body and (at half weight) the operator and its devices. */
export const SMART_HOME_APP_POLICY: ReputationPolicy = {
  name: 'smart-home-app',
  trustedAttesters: { TelcoC: 1, Regulator: 1, TelcoA: 0.5 },
  threshold: 40,
};

function describeVerdict(v: ReputationVerdict): string {
  return `${v.policy}: ${v.verdict} (score ${v.score}, ${v.trustedAttesters} trusted attesters; ${v.reasons.join('; ')})`;
}

/**
 * `consortia demo iot-trust`: seed 001, use case 2, on an embedded network. An OEM (TelcoC),
 * a certification body (Regulator), a network operator (TelcoA), one of the operator's cameras
 * (TelcoA.user1, a peer device) and a security organisation (TelcoB.user1) post signed
 * attestations about a new door lock. Two verifiers evaluate the same ledger records with their
 * own policies and reach different verdicts; no party scores the device for everyone. Then a
 * report is withdrawn, a firmware update fails verified boot, and bad input is refused.
 *
 * @example
 * const r = await runIotTrustDemo({ out: (line) => process.stdout.write(`${line}\n`) });
 */
export function runIotTrustDemo(opts: Readonly<DemoOptions>): Promise<DemoResult> {
  return runDemo(
    { name: 'iot-trust', title: 'IoT trust attributes and reputation', steps: buildSteps },
    opts,
  );
}

function buildSteps(ctx: DemoContext): DemoScriptStep[] {
  const as = (label: string) =>
    new IotTrustClient({ contract: ctx.client(label).network(CHANNEL).contract('iot-trust') });
  const oem = as('TelcoC.admin');
  const certBody = as('Regulator.admin');
  const operator = as('TelcoA.admin');
  const camera = as('TelcoA.user1');
  const securityOrg = as('TelcoB.user1');
  const gatewayVerifier = as('TelcoB.admin');
  const appVerifier = as('Regulator.user1');
  const serial = randomBytes(4).toString('hex');
  const lock = `urn:dev:ops:32473-AcmeLock-${serial}`;
  const cameraId = `urn:dev:mac:0024be${randomBytes(3).toString('hex')}`;
  const firmware = (v: string) => sha256Hex(Buffer.from(`AcmeLock firmware ${v}`));
  let report: DeviceAttestation | undefined;

  const evaluateBoth = async (log: (line: string) => void) => {
    const [forGateway, forApp] = await Promise.all([gatewayVerifier.list(lock), appVerifier.list(lock)]);
    const g = evaluateDeviceReputation(forGateway, HOME_GATEWAY_POLICY);
    const a = evaluateDeviceReputation(forApp, SMART_HOME_APP_POLICY);
    log(describeVerdict(g));
    log(describeVerdict(a));
    return { g, a };
  };

  return [
    {
      title: 'OEM, certification body, operator and a peer device attest to a new door lock',
      async run(log) {
        assertDeployed(ctx, ['iot-trust']);
        log('roles: OEM = TelcoC.admin, certification body = Regulator.admin, operator = TelcoA.admin,');
        log('       peer camera = TelcoA.user1, security organisation = TelcoB.user1;');
        log('verifiers: a home gateway reads via TelcoB.admin, a smart-home app via Regulator.user1');
        log(`device: ${lock}`);
        await oem.post({
          deviceId: lock,
          attesterRole: 'oem',
          claim: {
            type: 'verified-boot',
            firmwareVersion: '1.4.2',
            firmwareHash: firmware('1.4.2'),
            result: 'pass',
          },
        });
        await oem.post({
          deviceId: lock,
          attesterRole: 'oem',
          claim: { type: 'root-of-trust', kind: 'secure-element' },
        });
        const validUntil = new Date(Date.now() + 365 * 86_400_000).toISOString();
        await certBody.post({
          deviceId: lock,
          attesterRole: 'certification-body',
          claim: { type: 'certification', program: 'Zigbee 3.0', certificateId: `ZB-${serial}`, validUntil },
        });
        await operator.post({
          deviceId: lock,
          attesterRole: 'operator',
          claim: { type: 'security-assessment', rating: 80, method: 'network behaviour baseline' },
        });
        await camera.post({
          deviceId: lock,
          attesterRole: 'peer-device',
          attesterDeviceId: cameraId,
          claim: {
            type: 'peer-observation',
            metric: 'door state vs. camera view',
            consistent: true,
            observedAt: new Date().toISOString(),
          },
        });
        const list = await gatewayVerifier.list(lock);
        check(list.length === 5, `the ledger should hold 5 attestations, not ${list.length}`);
        for (const a of list) log(`${a.attester.id.padEnd(16)} ${a.attesterRole.padEnd(18)} ${a.claim.type}`);
        check(
          list.every((a) => a.attester.id !== '') && new Set(list.map((a) => a.attester.id)).size === 4,
          'each attestation should name its attester, taken from the signing identity',
        );
      },
    },
    {
      title: 'A security organisation reports malicious activity from the lock',
      async run(log) {
        report = await securityOrg.post({
          deviceId: lock,
          attesterRole: 'security-org',
          claim: {
            type: 'malicious-activity',
            category: 'scanning',
            severity: 'high',
            observedAt: new Date().toISOString(),
            evidenceHash: sha256Hex(Buffer.from('port scan log')),
          },
        });
        log(
          `${report.attester.id} posted attestation ${report.attestationId.slice(0, 16)}… (scanning, high)`,
        );
      },
    },
    {
      title: 'Two verifiers evaluate the same records with their own criteria and disagree',
      async run(log) {
        const { g, a } = await evaluateBoth(log);
        check(g.verdict === 'untrusted', `the home gateway should not trust the lock, got ${g.verdict}`);
        check(a.verdict === 'trusted', `the smart-home app should trust the lock, got ${a.verdict}`);
        log('same ledger data, different verdicts: no central party scored the device');
      },
    },
    {
      title: 'The security organisation withdraws its report; the home gateway now trusts the lock',
      async run(log) {
        await expectCode(
          () => operator.withdraw(lock, report!.attestationId),
          'NOT_ATTESTER',
          "the operator withdrawing the security organisation's report",
        );
        log('the operator tries to withdraw it: NOT_ATTESTER');
        await securityOrg.withdraw(lock, report!.attestationId);
        const { g, a } = await evaluateBoth(log);
        check(g.verdict === 'trusted' && a.verdict === 'trusted', 'both verifiers should now trust the lock');
      },
    },
    {
      title: 'A firmware update fails verified boot; both verifiers stop trusting the lock',
      async run(log) {
        await oem.post({
          deviceId: lock,
          attesterRole: 'oem',
          claim: {
            type: 'verified-boot',
            firmwareVersion: '1.5.0',
            firmwareHash: firmware('1.5.0'),
            result: 'fail',
          },
        });
        const { g, a } = await evaluateBoth(log);
        check(
          g.verdict === 'insufficient-evidence',
          `the home gateway should lack a passing boot, got ${g.verdict}`,
        );
        check(
          a.verdict === 'untrusted',
          `the smart-home app should fall below its threshold, got ${a.verdict}`,
        );
        check(
          g.ignored.some((i) => i.reason === 'replaced by a newer claim of the same attester'),
          'the older passing boot should be replaced by the newer failing one',
        );
      },
    },
    {
      title: 'Bad input is refused with clear codes',
      async run(log) {
        await expectCode(
          () =>
            oem.post({
              deviceId: 'lock-42',
              attesterRole: 'oem',
              claim: { type: 'root-of-trust', kind: 'tpm2' },
            }),
          'DEVICE_ID_MALFORMED',
          'a malformed device id',
        );
        log('device id "lock-42": DEVICE_ID_MALFORMED');
        await expectCode(
          () =>
            oem.post({
              deviceId: lock,
              attesterRole: 'oem',
              claim: {
                type: 'certification',
                program: 'Zigbee 3.0',
                certificateId: 'self',
                validUntil: '2030-01-01T00:00:00Z',
              },
            }),
          'ROLE_CLAIM_MISMATCH',
          'an OEM certifying its own device',
        );
        log('the OEM certifying its own lock: ROLE_CLAIM_MISMATCH');
        await expectCode(
          () =>
            camera.post({
              deviceId: cameraId,
              attesterRole: 'peer-device',
              attesterDeviceId: cameraId,
              claim: {
                type: 'peer-observation',
                metric: 'self',
                consistent: true,
                observedAt: new Date().toISOString(),
              },
            }),
          'SELF_ATTESTATION',
          'a device attesting itself',
        );
        log('the camera vouching for itself: SELF_ATTESTATION');
        await expectCode(
          () => evaluateDeviceReputation([], { ...SMART_HOME_APP_POLICY, trustedAttesters: { TelcoA: 5 } }),
          'POLICY_INVALID',
          'a policy with a weight above 1',
        );
        log('a verifier policy with weight 5: POLICY_INVALID');
      },
    },
  ];
}
