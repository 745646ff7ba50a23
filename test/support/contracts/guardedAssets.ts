import { z } from 'zod';
import { defineContract } from '../../../src/contract/index.js';

/** A test contract for state-based (key-level) endorsement policies. */
export default defineContract({
  name: 'guarded-assets',
  version: '1.0',
  transactions: {
    /** Creates or updates an asset; `policy` sets the key's own endorsement policy, `null` clears it. */
    put: {
      args: z.object({ id: z.string().min(1), value: z.number(), policy: z.string().nullable().optional() }),
      run: async (ctx, a) => {
        await ctx.state.put(a.id, { value: a.value });
        if (a.policy !== undefined) await ctx.state.setKeyPolicy(a.id, a.policy);
        return { id: a.id };
      },
    },
    /** Changes only the key's endorsement policy. */
    setPolicy: {
      args: z.object({ id: z.string().min(1), policy: z.string().nullable() }),
      run: async (ctx, a) => {
        await ctx.state.setKeyPolicy(a.id, a.policy);
        return { id: a.id };
      },
    },
  },
  queries: {
    get: {
      args: z.object({ id: z.string().min(1) }),
      run: async (ctx, a) => ({
        value: ((await ctx.state.get<{ value: number }>(a.id)) ?? { value: null }).value,
        policy: (await ctx.state.getKeyPolicy(a.id)) ?? null,
      }),
    },
  },
});
