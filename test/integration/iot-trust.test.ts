import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runIotTrustDemo } from '../../src/cli/demos/iotTrust.js';

describe('demo iot-trust, in process', () => {
  it('passes every step, and two verifiers reach different verdicts on the same device', async () => {
    const lines: string[] = [];
    const result = await runIotTrustDemo({ out: (line) => lines.push(line) });
    expect(result).toMatchObject({ passed: 6, failed: 0 });
    expect(result.steps.every((s) => s.status === 'passed')).toBe(true);
    expect(lines).toContain('demo iot-trust: 6/6 steps passed');
    const text = lines.join('\n');
    expect(text).toMatch(/home-gateway: untrusted \(.*vetoed: high scanning report by TelcoB::user1/);
    expect(text).toMatch(/smart-home-app: trusted \(/);
    expect(text).toMatch(/home-gateway: insufficient-evidence .*verified-boot/);
    for (const code of [
      'NOT_ATTESTER',
      'DEVICE_ID_MALFORMED',
      'ROLE_CLAIM_MISMATCH',
      'SELF_ATTESTATION',
      'POLICY_INVALID',
    ]) {
      expect(text).toContain(code);
    }
    // the temporary network is removed afterwards
    const dir = /fresh embedded network in (\S+)/.exec(lines[0] ?? '')?.[1];
    expect(dir).toBeDefined();
    expect(existsSync(dir!)).toBe(false);
  }, 90_000);
});
