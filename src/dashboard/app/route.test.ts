import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hrefOf, parseLocation, type Route } from './route.js';

describe('parseLocation', () => {
  it('reads every view from the URL fragment, with the channel', () => {
    expect(parseLocation('')).toEqual({ route: { view: 'overview' } });
    expect(parseLocation('#/')).toEqual({ route: { view: 'overview' } });
    expect(parseLocation('#/blocks?channel=telecom')).toEqual({
      route: { view: 'blocks' },
      channel: 'telecom',
    });
    expect(parseLocation('#/blocks?from=20')).toEqual({ route: { view: 'blocks', from: 20 } });
    expect(parseLocation('#/blocks/7')).toEqual({ route: { view: 'block', number: 7 } });
    expect(parseLocation(`#/tx/${'AB'.repeat(32)}`)).toEqual({
      route: { view: 'tx', txId: 'ab'.repeat(32) },
    });
    expect(parseLocation('#/history?ns=number-portability&key=number%3A%2B4915112345678')).toEqual({
      route: { view: 'history', namespace: 'number-portability', key: 'number:+4915112345678' },
    });
    expect(parseLocation('#/history')).toEqual({ route: { view: 'history' } });
    expect(parseLocation('#/search?q=12')).toEqual({ route: { view: 'search', query: '12' } });
    for (const view of ['charts', 'certificates', 'alerts'] as const)
      expect(parseLocation(`#/${view}`)).toEqual({ route: { view } });
  });

  it('turns garbage into an invalid route with a message, never an exception', () => {
    const message = (hash: string) => {
      const { route } = parseLocation(hash);
      expect(route.view, hash).toBe('invalid');
      return route.view === 'invalid' ? route.message : '';
    };
    expect(message('#/blocks/abc')).toContain('is not a block number');
    expect(message('#/blocks/-1')).toContain('is not a block number');
    expect(message('#/blocks?from=x')).toContain('is not a block number');
    expect(message('#/tx/123')).toContain('64 hex characters');
    expect(message('#/tx')).toContain('64 hex characters');
    expect(message('#/history?ns=%3Cb%3E&key=x')).toContain('is not a contract name');
    expect(message('#/history?ns=asset-registry')).toContain('Give a key');
    expect(message('#/%E0%A4%A')).toContain('malformed');
    expect(message('#/nowhere')).toContain('There is no page');
    expect(message('#/overview/extra')).toContain('There is no page');
    expect(message('#/overview?channel=%3Cscript%3E')).toContain('is not a channel name');
  });

  it('reads back every address it makes', () => {
    const routes: Route[] = [
      { view: 'overview' },
      { view: 'blocks' },
      { view: 'blocks', from: 3 },
      { view: 'block', number: 42 },
      { view: 'tx', txId: 'cd'.repeat(32) },
      { view: 'history', namespace: 'number-portability', key: 'number:+49 1/2?&#=%' },
      { view: 'charts' },
      { view: 'certificates' },
      { view: 'alerts' },
      { view: 'search', query: 'a b+c&d=e' },
    ];
    for (const route of routes) {
      expect(parseLocation(hrefOf(route))).toEqual({ route });
      expect(parseLocation(hrefOf(route, 'telecom'))).toEqual({ route, channel: 'telecom' });
    }
  });

  it('never throws on any fragment', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (s) => {
        const loc = parseLocation(`#/${s}`);
        expect(typeof loc.route.view).toBe('string');
      }),
    );
  });
});
