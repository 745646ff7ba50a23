import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineContract } from './defineContract.js';
import { MemoryState } from './memoryState.js';
import { simulate } from './simulator.js';

const contract = defineContract({
  name: 'codes',
  transactions: {
    put: {
      args: z.object({ number: z.string().regex(/^\+\d+$/), note: z.string().max(3) }),
      argumentCodes: { number: 'INVALID_NUMBER' },
      run: () => null,
    },
  },
});

const info = {
  txId: 'a'.repeat(64),
  channel: 'ch',
  timestamp: 0,
  caller: { mspId: 'A', role: 'client' as const, id: 'A::u::1', name: 'u', attributes: {} },
};

async function codeFor(argsJson: Record<string, unknown>) {
  const r = await simulate({ definition: contract, fn: 'put', argsJson, info, state: new MemoryState() });
  return r.error?.code;
}

describe('argumentCodes', () => {
  it('gives the declared code when that argument is the first invalid one', async () => {
    expect(await codeFor({ number: '0151', note: 'ok' })).toBe('INVALID_NUMBER');
    expect(await codeFor({ note: 'ok' })).toBe('INVALID_NUMBER');
  });

  it('keeps INVALID_ARGUMENT for other arguments', async () => {
    expect(await codeFor({ number: '+49', note: 'too long' })).toBe('INVALID_ARGUMENT');
    expect(await codeFor({ number: '+49', note: 'ok' })).toBeUndefined();
  });
});
