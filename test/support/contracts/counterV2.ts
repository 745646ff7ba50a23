import { z } from 'zod';
import { defineContract } from '../../../src/contract/index.js';

/** A test contract for the lifecycle: version 2.0 adds incrementBy and keeps the state layout. */
export default defineContract({
  name: 'counter',
  version: '2.0',
  transactions: {
    increment: {
      args: z.object({ key: z.string().min(1) }),
      run: async (ctx, a) => {
        const n = ((await ctx.state.get<number>(a.key)) ?? 0) + 1;
        await ctx.state.put(a.key, n);
        return n;
      },
    },
    incrementBy: {
      args: z.object({ key: z.string().min(1), by: z.number().int().min(1) }),
      run: async (ctx, a) => {
        const n = ((await ctx.state.get<number>(a.key)) ?? 0) + a.by;
        await ctx.state.put(a.key, n);
        return n;
      },
    },
  },
  queries: {
    get: {
      args: z.object({ key: z.string().min(1) }),
      run: async (ctx, a) => (await ctx.state.get<number>(a.key)) ?? 0,
    },
  },
});
