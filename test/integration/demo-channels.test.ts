import { describe, expect, it } from 'vitest';
import { runChannelsDemo } from '../../src/cli/demos/channels.js';

describe('consortia demo channels', () => {
  it('creates a second channel, switches to hybrid governance, adds an org and refuses a non-member', async () => {
    const lines: string[] = [];
    const r = await runChannelsDemo({ out: (l) => lines.push(l) });
    const text = lines.join('\n');
    expect(r.failed, text).toBe(0);
    expect(r.passed).toBe(r.steps.length);
    expect(text).toContain('FORBIDDEN');
    expect(text).toContain("AND('TelcoA.admin', MAJORITY Admins)");
    expect(text).toMatch(/refused: INVALID_CONFIG/);
    expect(text).toMatch(/demo channels: \d+\/\d+ steps passed$/m);
  }, 120_000);
});
