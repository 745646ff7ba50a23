import { describe, expect, it } from 'vitest';
import type { BlockEvent } from '../peer/index.js';
import { ValidationCode } from '../protocol/index.js';
import { eventsMessages } from './eventsSocket.js';

const block: BlockEvent = {
  channel: 'telecom',
  number: 7,
  hash: new Uint8Array(32),
  txs: [
    {
      txId: 'a'.repeat(64),
      index: 0,
      validationCode: ValidationCode.VALID,
      events: [
        { contract: 'number-portability', name: 'NumberRegistered', payload: { number: '+491' } },
        { contract: 'asset-registry', name: 'AssetCreated', payload: { id: 'x' } },
      ],
    },
    { txId: 'b'.repeat(64), index: 1, validationCode: ValidationCode.MVCC_READ_CONFLICT, events: [] },
    {
      txId: 'c'.repeat(64),
      index: 2,
      validationCode: ValidationCode.VALID,
      events: [{ contract: 'number-portability', name: 'PortRequested', payload: null }],
    },
  ],
};

describe('eventsMessages', () => {
  it('sends one block message with validation code names when there is no filter', () => {
    expect(eventsMessages(block, undefined)).toEqual([
      {
        type: 'block',
        channel: 'telecom',
        number: 7,
        txs: [
          { txId: 'a'.repeat(64), validationCode: 'VALID', events: block.txs[0]?.events },
          { txId: 'b'.repeat(64), validationCode: 'MVCC_READ_CONFLICT', events: [] },
          { txId: 'c'.repeat(64), validationCode: 'VALID', events: block.txs[2]?.events },
        ],
      },
    ]);
  });

  it('sends one contractEvent per event of the filtered contract, in order, and nothing else', () => {
    expect(eventsMessages(block, 'number-portability')).toEqual([
      {
        type: 'contractEvent',
        blockNumber: 7,
        txId: 'a'.repeat(64),
        contract: 'number-portability',
        name: 'NumberRegistered',
        payload: { number: '+491' },
      },
      {
        type: 'contractEvent',
        blockNumber: 7,
        txId: 'c'.repeat(64),
        contract: 'number-portability',
        name: 'PortRequested',
        payload: null,
      },
    ]);
    expect(eventsMessages(block, 'other')).toEqual([]);
  });
});
