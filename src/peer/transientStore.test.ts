import { describe, expect, it } from 'vitest';
import { utf8 } from '../common/index.js';
import type { NsPvtWrites } from '../protocol/index.js';
import { TransientStore } from './transientStore.js';

const writes = (collection: string, key = 'k'): NsPvtWrites => ({
  namespace: 'notes',
  collections: [{ collection, writes: [{ key, value: utf8('v'), isDelete: false, isPurge: false }] }],
});

describe('TransientStore', () => {
  it('keeps private writes by channel and txid, merging collections sent by several endorsers', () => {
    const s = new TransientStore();
    s.put('ch', 'tx1', writes('a'), 3);
    s.put('ch', 'tx1', writes('b'), 3);
    expect(s.get('ch', 'tx1')?.collections.map((c) => c.collection)).toEqual(['a', 'b']);
    expect(s.get('other', 'tx1')).toBeUndefined();
    s.delete('ch', 'tx1');
    expect(s.get('ch', 'tx1')).toBeUndefined();
  });

  it('expires what was not committed within blocksToLive blocks', () => {
    const s = new TransientStore({ blocksToLive: 2 });
    s.put('ch', 'old', writes('a'), 3);
    s.put('ch', 'new', writes('a'), 4);
    s.put('ch2', 'elsewhere', writes('a'), 1);
    s.expire('ch', 4);
    expect(s.size).toBe(3);
    s.expire('ch', 5);
    expect(s.get('ch', 'old')).toBeUndefined();
    expect(s.get('ch', 'new')).toBeDefined();
    expect(s.get('ch2', 'elsewhere')).toBeDefined();
  });

  it('is bounded: the oldest transactions go first', () => {
    const s = new TransientStore({ maxEntries: 2 });
    for (const id of ['t1', 't2', 't3']) s.put('ch', id, writes('a'), 1);
    expect(s.size).toBe(2);
    expect(s.get('ch', 't1')).toBeUndefined();
    expect(s.get('ch', 't3')).toBeDefined();
  });
});
