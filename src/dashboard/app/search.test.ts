import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifySearch, SEARCH_HINT } from './search.js';

const classify = (q: string) => classifySearch(q, 'asset-registry');

describe('classifySearch', () => {
  it('reads block numbers, transaction ids, phone numbers and keys', () => {
    expect(classify(' 12 ')).toEqual({ route: { view: 'block', number: 12 } });
    expect(classify('0')).toEqual({ route: { view: 'block', number: 0 } });
    expect(classify('AB'.repeat(32))).toEqual({ route: { view: 'tx', txId: 'ab'.repeat(32) } });
    expect(classify('+4915112345678')).toEqual({
      route: { view: 'history', namespace: 'number-portability', key: 'number:+4915112345678' },
    });
    expect(classify('number:+4915112345678')).toEqual({
      route: { view: 'history', namespace: 'number-portability', key: 'number:+4915112345678' },
    });
    expect(classify('asset-registry/asset1')).toEqual({
      route: { view: 'history', namespace: 'asset-registry', key: 'asset1' },
    });
    expect(classify('number-portability/request:pr-0123456789abcdef')).toEqual({
      route: { view: 'history', namespace: 'number-portability', key: 'request:pr-0123456789abcdef' },
    });
    expect(classify('asset1')).toEqual({
      route: { view: 'history', namespace: 'asset-registry', key: 'asset1' },
    });
  });

  it('says what is wrong with garbage', () => {
    expect(classify('')).toEqual({ error: SEARCH_HINT });
    expect(classify('   ')).toEqual({ error: SEARCH_HINT });
    expect(classify('<script>alert(1)</script>')).toEqual({
      error: expect.stringContaining('is not a block number, a transaction id or a key'),
    });
    expect(classify("'; DROP TABLE blocks; --")).toHaveProperty('error');
    expect(classify('-3')).toEqual({ error: 'Block numbers start at 0; "-3" is negative.' });
    expect(classify('9'.repeat(16))).toEqual({
      error: expect.stringContaining('too large to be a block number'),
    });
    expect(classify('ab'.repeat(31))).toEqual({ error: expect.stringContaining('has 62 characters') });
    expect(classify('number:12345')).toEqual({ error: expect.stringContaining('not a phone number') });
    expect(classify('x'.repeat(2000))).toEqual({ error: expect.stringContaining('2000 characters') });
    expect(classifySearch('asset1', '')).toEqual({ error: expect.stringContaining('Choose a namespace') });
  });

  it('never throws, and always gives a route or a non-empty message', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 20 }), (q, ns) => {
        const r = classifySearch(q, ns);
        if ('error' in r) expect(r.error.length).toBeGreaterThan(10);
        else expect(r.route.view).toMatch(/^(block|tx|history)$/);
      }),
    );
  });
});
