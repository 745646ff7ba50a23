import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAttestationsDemo } from '../../src/cli/demos/attestations.js';
import { removeDir, tempDir } from '../support/network.js';

describe('demo attestations, in process', () => {
  let parent: string;
  let lines: string[];
  let result: Awaited<ReturnType<typeof runAttestationsDemo>>;

  beforeAll(async () => {
    parent = tempDir();
    lines = [];
    result = await runAttestationsDemo({ dataDir: `${parent}/net`, out: (line) => lines.push(line) });
  }, 90_000);

  afterAll(() => removeDir(parent));

  it('passes every step, printed as numbered ✓ lines, with the summary line', () => {
    expect(result.failed).toBe(0);
    expect(result.passed).toBe(7);
    expect(result.steps.every((s) => s.status === 'passed')).toBe(true);
    for (let n = 1; n <= 7; n++) expect(lines.some((l) => l.startsWith(`✓ ${n}. `))).toBe(true);
    expect(lines.some((l) => l.startsWith('✗'))).toBe(false);
    expect(lines).toContain('demo attestations: 7/7 steps passed');
  });

  it("plays the seed's story: link, account opening, account attestation, partner discount, revocation", () => {
    const text = lines.join('\n');
    expect(text).toContain('ISP = TelcoA, partner telco = TelcoB, bank = TelcoC');
    expect(text).toMatch(/ISP verified the DID-Auth response .*: linked/);
    expect(text).toContain('ISP → Alice: PreconditionsAttestation');
    expect(text).toContain('Alice → Partner: GrantAccess (timeout 600 s)');
    expect(text).toContain('partner verified the ISP attestation and delivered a 20% discount attestation');
    expect(text).toContain('ISP → Alice: RevokeAttestation');
    expect(text).toContain('CREDENTIAL_REVOKED');
    expect(text).toContain('CREDENTIAL_SUPERSEDED');
    for (const code of [
      'REVOKE_FORBIDDEN',
      'DID_MALFORMED',
      'PROOF_INVALID',
      'MESSAGE_INVALID',
      'ACCESS_EXPIRED',
    ]) {
      expect(text).toContain(code);
    }
  });
});
