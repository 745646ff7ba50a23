import { describe, expect, it } from 'vitest';
import { utf8 } from '../../common/index.js';
import type { NsRwSet } from '../../protocol/index.js';
import { deliveryStatements } from './deliveryStatements.js';

const H = 'c'.repeat(64);
const write = (key: string, value: string, isDelete = false) => ({ key, value: utf8(value), isDelete });
const ns = (writes: ReturnType<typeof write>[], namespace = 'proof-of-delivery') =>
  ({
    namespace,
    writes,
    reads: [],
    rangeQueries: [],
    keyPolicies: [],
    collections: [],
  }) as unknown as NsRwSet;

describe('deliveryStatements', () => {
  it('reads delivery and receipt records from the written values', () => {
    const rec = '{"d":1735689600000,"f":"R-1","r":"TelcoB","s":"TelcoA"}';
    expect(deliveryStatements('proof-of-delivery', 'registerDelivery', [ns([write(`d:${H}`, rec)])])).toEqual(
      [
        {
          kind: 'delivery',
          documentHash: H,
          sender: 'TelcoA',
          recipient: 'TelcoB',
          reference: 'R-1',
          deliveredAt: '2025-01-01T00:00:00.000Z',
        },
      ],
    );
    const ack = '{"a":1735689660000,"d":1735689600000,"r":"TelcoB","s":"TelcoA"}';
    expect(
      deliveryStatements('proof-of-delivery', 'acknowledgeReceipts', [ns([write(`d:${H}`, ack)])])[0],
    ).toMatchObject({
      kind: 'receipt',
      receivedAt: '2025-01-01T00:01:00.000Z',
    });
  });

  it('states nothing for other contracts, functions, keys, deletes or malformed records', () => {
    const rec = '{"d":1,"r":"TelcoB","s":"TelcoA"}';
    expect(deliveryStatements('asset-registry', 'registerDelivery', [ns([write(`d:${H}`, rec)])])).toEqual(
      [],
    );
    expect(deliveryStatements('proof-of-delivery', 'getProof', [ns([write(`d:${H}`, rec)])])).toEqual([]);
    expect(
      deliveryStatements('proof-of-delivery', 'registerDelivery', [
        ns([write(`d:${H}`, rec)], 'other'),
        ns([
          write('x:1', rec),
          write(`d:${H}`, rec, true),
          write(`d:${H}`, 'not json'),
          write(`d:${H}`, '{"d":"yesterday","r":"TelcoB","s":"TelcoA"}'),
          write(`d:${H}`, '{"d":1,"s":"TelcoA"}'),
        ]),
      ]),
    ).toEqual([]);
  });
});
