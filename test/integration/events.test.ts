import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockEvent } from '../../src/peer/index.js';
import { ValidationCode } from '../../src/protocol/index.js';
import { removeDir, startNetwork, type TestNetwork } from '../support/network.js';

let t: TestNetwork;

beforeAll(async () => {
  t = await startNetwork();
});

afterAll(async () => {
  await t.stop();
  removeDir(t.dataDir);
});

describe('SDK event streams', () => {
  it('replays stored blocks from a checkpoint, then streams new ones with validation codes', async () => {
    const gw = t.client('TelcoB.admin');
    const network = gw.network('telecom');
    const contract = network.contract('asset-registry');
    const first = await contract.submit('createAsset', { arguments: { id: 'ev-1', owner: 'Ann', value: 1 } });

    const ac = new AbortController();
    const seen: BlockEvent[] = [];
    const reading = (async () => {
      for await (const b of network.blockEvents({ startBlock: 0, signal: ac.signal })) {
        seen.push(b);
        if (seen.length === first.blockNumber + 2) ac.abort();
      }
    })();
    const second = await contract.submit('createAsset', {
      arguments: { id: 'ev-2', owner: 'Bob', value: 2 },
    });
    await reading;
    expect(seen.map((b) => b.number)).toEqual([...Array(second.blockNumber + 1).keys()]);
    const last = seen.at(-1)!;
    expect(last.txs[0]).toMatchObject({ txId: second.transactionId, validationCode: ValidationCode.VALID });
  });

  it('delivers contract events of valid transactions only, resuming from a block', async () => {
    const gw = t.client('TelcoC.admin');
    const network = gw.network('telecom');
    const contract = network.contract('asset-registry');
    const r = await contract.submit('createAsset', { arguments: { id: 'ev-3', owner: 'Cy', value: 3 } });
    const ac = new AbortController();
    const events: { name: string; payload: unknown; blockNumber: number; transactionId: string }[] = [];
    for await (const e of network.contractEvents('asset-registry', {
      startBlock: r.blockNumber,
      signal: ac.signal,
    })) {
      events.push(e);
      ac.abort();
    }
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      name: 'AssetCreated',
      blockNumber: r.blockNumber,
      transactionId: r.transactionId,
    });
    expect(events[0]!.payload).toMatchObject({ id: 'ev-3' });
  });
});
