import { beforeEach, describe, expect, it } from 'vitest';
import {
  type CallerInfo,
  type FunctionKind,
  MemoryState,
  type SimulationResult,
  simulate,
} from '../../src/contract/index.js';
import carsharing from './index.js';

const caller = (mspId: string): CallerInfo => ({
  mspId,
  role: 'admin',
  id: `${mspId}::admin::01`,
  name: 'admin',
  attributes: {},
});

let state: MemoryState;
let n: number;
beforeEach(() => {
  state = new MemoryState();
  n = 0;
});

async function call(
  mspId: string,
  fn: string,
  args: Record<string, unknown>,
  kind: FunctionKind = 'transaction',
): Promise<SimulationResult> {
  n++;
  const sim = await simulate({
    definition: carsharing,
    fn,
    argsJson: args,
    kind,
    info: {
      txId: `tx-${n}`,
      channel: 'telecom',
      timestamp: Date.UTC(2025, 4, 1, 0, n),
      caller: caller(mspId),
    },
    state,
  });
  if (sim.ok && kind === 'transaction') state.commit(sim.rwset);
  return sim;
}

const alice = 'a'.repeat(64);
const record = { customer: alice, month: '2025-03', recordHash: 'b'.repeat(64), ciphertext: 'AQID' };

describe('carsharing', () => {
  it('publishes a record per provider, customer and month, and lists a customer’s records', async () => {
    expect((await call('TelcoA', 'publishRecord', record)).result).toEqual({
      provider: 'TelcoA',
      month: '2025-03',
      recordHash: 'b'.repeat(64),
    });
    expect((await call('TelcoA', 'publishRecord', record)).error?.code).toBe('RECORD_EXISTS');
    await call('TelcoB', 'publishRecord', record);
    await call('TelcoA', 'publishRecord', { ...record, month: '2025-04' });
    await call('TelcoA', 'publishRecord', { ...record, customer: 'c'.repeat(64) });
    const listed = await call('TelcoC', 'listRecords', { customer: alice }, 'query');
    const records = (listed.result as { records: { provider: string; month: string }[] }).records;
    expect(records.map((r) => `${r.month}/${r.provider}`)).toEqual([
      '2025-03/TelcoA',
      '2025-03/TelcoB',
      '2025-04/TelcoA',
    ]);
    const one = await call(
      'TelcoC',
      'getRecord',
      { customer: alice, month: '2025-04', provider: 'TelcoA' },
      'query',
    );
    expect(one.result).toMatchObject({
      provider: 'TelcoA',
      ciphertext: 'AQID',
      publishedAt: '2025-05-01T00:04:00.000Z',
    });
  });

  it('refuses malformed input and names missing records', async () => {
    expect((await call('TelcoA', 'publishRecord', { ...record, month: '2025-13' })).error?.code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      (await call('TelcoA', 'publishRecord', { ...record, ciphertext: 'not base64!' })).error?.code,
    ).toBe('INVALID_ARGUMENT');
    const missing = await call(
      'TelcoA',
      'getRecord',
      { customer: alice, month: '2025-01', provider: 'TelcoA' },
      'query',
    );
    expect(missing.error?.code).toBe('RECORD_NOT_FOUND');
  });
});
