import { describe, expect, it } from 'vitest';
import { ConsortiaError } from '../../common/index.js';
import type { OrdererHandle } from '../types.js';
import { failoverOrderer } from './remoteOrderer.js';

function orderer(id: string, behaviour: () => void): OrdererHandle & { calls: number } {
  const o = {
    id,
    calls: 0,
    async broadcast() {
      o.calls++;
      behaviour();
    },
  };
  return o;
}

const down = () => {
  throw new ConsortiaError('UNAVAILABLE', 'node is unreachable');
};

describe('failoverOrderer', () => {
  it('moves to the next orderer when one is unavailable, and keeps using the one that answered', async () => {
    const a = orderer('a', down);
    const b = orderer('b', () => undefined);
    const handle = failoverOrderer([a, b]);
    await handle.broadcast(new Uint8Array([1]));
    await handle.broadcast(new Uint8Array([2]));
    await handle.broadcast(new Uint8Array([3]));
    expect([a.calls, b.calls]).toEqual([1, 3]);
  });

  it('throws a refusal at once, without trying other orderers', async () => {
    const a = orderer('a', () => {
      throw new ConsortiaError('BAD_SIGNATURE', 'the envelope signature does not verify');
    });
    const b = orderer('b', () => undefined);
    await expect(failoverOrderer([a, b]).broadcast(new Uint8Array())).rejects.toMatchObject({
      code: 'BAD_SIGNATURE',
    });
    expect(b.calls).toBe(0);
  });

  it('says ORDERERS_UNAVAILABLE when none answers', async () => {
    await expect(
      failoverOrderer([orderer('a', down), orderer('b', down)]).broadcast(new Uint8Array()),
    ).rejects.toMatchObject({ code: 'ORDERERS_UNAVAILABLE' });
  });
});
