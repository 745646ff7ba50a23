import { z } from 'zod';
import { defineContract } from '../../../src/contract/index.js';

/** A test contract for the lifecycle: version 1.0. */
export default defineContract({
  name: 'counter',
  version: '1.0',
  transactions: {
    increment: {
      args: z.object({ key: z.string().min(1) }),
      run: async (ctx, a) => {
        const n = ((await ctx.state.get<number>(a.key)) ?? 0) + 1;
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
