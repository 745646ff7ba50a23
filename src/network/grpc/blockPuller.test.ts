import { describe, expect, it } from 'vitest';
import { ConsortiaError } from '../../common/index.js';
import { BlockPuller, type BlockSink, type BlockSourceNode } from './blockPuller.js';
import type { NodeStream } from './nodeClient.js';

/** Test blocks: [number, good(1)/forged(0)]. */
const block = (n: number, good = true) => new Uint8Array([n, good ? 1 : 0]);

/** A peer that refuses forged blocks and gaps, as Peer.deliverBlock does. */
function sink(): BlockSink & { blocks: number[] } {
  const blocks: number[] = [0];
  return {
    blocks,
    height: () => blocks.length,
    async deliverBlock(_ch, b) {
      if (b[1] !== 1) throw new ConsortiaError('BLOCK_REJECTED', `block ${b[0]} carries too few signatures`);
      if (b[0]! < blocks.length) return;
      if (b[0] !== blocks.length) throw new ConsortiaError('BLOCK_REJECTED', 'gap');
      blocks.push(b[0]!);
    },
  };
}

/** An orderer serving `chain` (block n at index n); `stall` keeps the stream open and silent. */
function source(
  id: string,
  chain: Uint8Array[],
  opts: { fail?: boolean; stall?: boolean } = {},
): BlockSourceNode & {
  opened: number[];
} {
  const opened: number[] = [];
  return {
    id,
    opened,
    deliver(_ch, from): NodeStream {
      opened.push(from);
      let cancel: () => void = () => undefined;
      const stopped = new Promise<void>((r) => {
        cancel = r;
      });
      async function* messages() {
        if (opts.fail) throw new ConsortiaError('UNAVAILABLE', `${id} is down`);
        if (!opts.stall) for (let n = from; n < chain.length; n++) yield chain[n]!;
        await stopped;
      }
      return { messages: messages(), cancel };
    },
    info: async () => ({ channels: [{ name: 'ch', height: opts.stall ? 0 : chain.length }] }),
  };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const honest = [block(0), block(1), block(2), block(3)];

describe('BlockPuller: a peer follows the ordering service and fails over', () => {
  it('moves past an unreachable orderer and catches up from its height', async () => {
    const s = sink();
    const good = source('good', honest);
    const p = new BlockPuller({
      channel: 'ch',
      sink: s,
      orderers: [source('down', honest, { fail: true }), good],
      retryMs: 5,
    });
    p.start();
    await until(() => s.blocks.length === 4);
    await p.stop();
    expect(s.blocks).toEqual([0, 1, 2, 3]);
    expect(good.opened[0]).toBe(1);
  });

  it('refuses a forged block from one orderer and takes the chain from another', async () => {
    const s = sink();
    const forger = source('forger', [block(0), block(1), block(2, false), block(3, false)]);
    const good = source('good', honest);
    const p = new BlockPuller({ channel: 'ch', sink: s, orderers: [forger, good], retryMs: 5 });
    p.start();
    await until(() => s.blocks.length === 4);
    await p.stop();
    expect(s.blocks).toEqual([0, 1, 2, 3]);
    // It resumed from the height it had reached (2), not from scratch.
    expect(good.opened[0]).toBe(2);
  });

  it('leaves a silent orderer for one that is ahead', async () => {
    const s = sink();
    const p = new BlockPuller({
      channel: 'ch',
      sink: s,
      orderers: [source('stopped', honest, { stall: true }), source('good', honest)],
      staleMs: 100,
    });
    p.start();
    await until(() => s.blocks.length === 4);
    expect(p.source).toBe('good');
    await p.stop();
  });
});
