import { describe, expect, it } from 'vitest';
import { utf8 } from '../common/index.js';
import type { PeerHandle } from '../network/index.js';
import { decodeProposalResponse, encodeProposalResponse } from '../protocol/index.js';
import { GatewayService } from './gatewayService.js';

/**
 * A peer whose endorsements are scripted: each call answers the next payload of `answers`
 * (the last one repeats). An empty string stands for a refusal with 403 FORBIDDEN.
 */
function scriptedPeer(mspId: string, answers: string[]): PeerHandle & { calls: number } {
  const peer = {
    id: `${mspId}.peer0`,
    mspId,
    calls: 0,
    endorse: async () => {
      const text = answers[Math.min(peer.calls, answers.length - 1)]!;
      peer.calls++;
      if (text === '') {
        const error = { code: 'FORBIDDEN', message: 'A may not submit to channel telecom' };
        return encodeProposalResponse({
          status: 403,
          message: error.message,
          payload: utf8(JSON.stringify(error)),
        });
      }
      return encodeProposalResponse(
        { status: 200, message: 'OK' },
        { payload: utf8(text), endorser: utf8(mspId), signature: new Uint8Array(64) },
      );
    },
    evaluate: async () => new Uint8Array(),
    channels: () => ['telecom'],
    height: () => 5,
    getBlock: () => undefined,
    txStatus: () => undefined,
    waitForTx: () => new Promise<never>(() => undefined),
    onBlock: () => () => undefined,
    contractPolicy: () => "AND('A.peer', 'B.peer')",
    channelConfig: () => {
      throw new Error('not needed');
    },
    channelOrgs: () => ['A', 'B'],
  };
  return peer;
}

const payloads = (responses: Uint8Array[]) =>
  responses.map((r) => Buffer.from(decodeProposalResponse(r).payload).toString());

describe('GatewayService.endorse', () => {
  it('endorses once more when the results differ (a block committed between simulations)', async () => {
    const a = scriptedPeer('A', ['v1', 'v2']);
    const b = scriptedPeer('B', ['v2']);
    const gateway = new GatewayService({ peers: [a, b], orderers: [] });
    const responses = await gateway.endorse('telecom', 'cc', new Uint8Array([1]));
    expect(payloads(responses)).toEqual(['v2', 'v2']);
    expect([a.calls, b.calls]).toEqual([2, 2]);
  });

  it('hands results that still differ after the second try back to the client, which reports the mismatch', async () => {
    const a = scriptedPeer('A', ['x']);
    const b = scriptedPeer('B', ['y']);
    const gateway = new GatewayService({ peers: [a, b], orderers: [] });
    const responses = await gateway.endorse('telecom', 'cc', new Uint8Array([1]));
    expect(payloads(responses)).toEqual(['x', 'y']);
    expect([a.calls, b.calls]).toEqual([2, 2]);
  });

  it('does not retry agreeing results, and passes a refusal straight through', async () => {
    const a = scriptedPeer('A', ['same']);
    const b = scriptedPeer('B', ['same']);
    const gateway = new GatewayService({ peers: [a, b], orderers: [] });
    await gateway.endorse('telecom', 'cc', new Uint8Array([1]));
    expect([a.calls, b.calls]).toEqual([1, 1]);

    const refusing = new GatewayService({
      peers: [scriptedPeer('A', ['']), scriptedPeer('B', ['z'])],
      orderers: [],
    });
    await expect(refusing.endorse('telecom', 'cc', new Uint8Array([1]))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
