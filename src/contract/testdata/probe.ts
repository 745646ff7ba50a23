import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ContractError, defineContract } from '../index.js';

/** A contract for runtime tests: state round trips, busy loops and nondeterministic calls. */
export default defineContract({
  name: 'probe',
  version: '0.1',
  transactions: {
    copy: {
      args: z.object({ from: z.string(), to: z.string() }),
      run: async (ctx, a) => {
        const value = await ctx.state.get(a.from);
        if (value === undefined) throw new ContractError('MISSING', `key ${a.from} does not exist`);
        await ctx.state.put(a.to, value);
        ctx.emit('Copied', { from: a.from, to: a.to });
        return { copied: value };
      },
    },
    spin: {
      args: z.object({}),
      run: () => {
        for (;;) {
          // never returns: the runtime must stop it
        }
      },
    },
    epoch: {
      args: z.object({}),
      run: (ctx) => ({ epoch: new Date(0).toISOString(), at: ctx.timestamp.toISOString() }),
    },
    clock: { args: z.object({}), run: () => Date.now() },
    newDate: { args: z.object({}), run: () => new Date().toISOString() },
    random: { args: z.object({}), run: () => Math.random() },
    uuid: { args: z.object({}), run: () => crypto.randomUUID() },
    bytes: { args: z.object({}), run: () => randomBytes(4).toString('hex') },
    perf: { args: z.object({}), run: () => performance.now() },
    hrtime: { args: z.object({}), run: () => process.hrtime.bigint().toString() },
  },
  queries: {
    firstKey: {
      args: z.object({}),
      run: async (ctx) => {
        for await (const { key } of ctx.state.rangeBytes('', '')) return key;
        return null;
      },
    },
    sum: {
      args: z.object({ start: z.string().default(''), end: z.string().default('') }),
      run: async (ctx, a) => {
        let total = 0;
        const keys: string[] = [];
        for await (const { key, value } of ctx.state.range<number>(a.start, a.end)) {
          keys.push(key);
          total += value;
        }
        const history = await ctx.state.history<number>('n1');
        return {
          total,
          keys,
          history: history.map((h) => ({ txId: h.txId, at: h.timestamp.toISOString(), value: h.value })),
        };
      },
    },
  },
});
