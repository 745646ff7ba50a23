import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineContract, isContractDefinition } from './defineContract.js';
import { describeContract } from './describeContract.js';

const noop = { args: z.object({}), run: (): undefined => undefined };

describe('defineContract', () => {
  it('returns a frozen, recognisable definition with a default version', () => {
    const def = defineContract({ name: 'c1', transactions: { t: noop } });
    expect(def.version).toBe('0.0.0');
    expect(Object.isFrozen(def)).toBe(true);
    expect(isContractDefinition(def)).toBe(true);
    expect(isContractDefinition({ ...def })).toBe(false);
    expect(Object.keys(def.queries)).toEqual([]);
  });

  it.each([
    [{ name: '', transactions: { t: noop } }, 'contract name'],
    [{ name: 'has space', transactions: { t: noop } }, 'contract name'],
    [{ name: 'c' }, 'defines no transactions and no queries'],
    [{ name: 'c', transactions: { t: noop }, queries: { t: noop } }, 'both as a transaction and as a query'],
    [{ name: 'c', transactions: { 'bad-name': noop } }, "'bad-name' is not a valid identifier"],
    [{ name: 'c', transactions: { t: { args: z.object({}) } } }, 'has no run function'],
    [
      { name: 'c', transactions: { t: { args: { parse: (): object => ({}) }, run: (): number => 1 } } },
      'needs a zod schema',
    ],
    [{ name: 'c', version: '', transactions: { t: noop } }, 'version'],
  ])('refuses a malformed definition with INVALID_CONTRACT (%#)', (spec, words) => {
    expect(() => defineContract(spec as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_CONTRACT', message: expect.stringContaining(words) }),
    );
  });

  it('types run arguments from the schema', () => {
    const def = defineContract({
      name: 'typed',
      transactions: {
        add: { args: z.object({ a: z.number(), b: z.number() }), run: (_ctx, x) => x.a + x.b },
      },
    });
    expect(def.transactions.add?.run({} as never, { a: 1, b: 2 })).toBe(3);
  });
});

describe('describeContract', () => {
  it('gives descriptions and input JSON Schemas, with defaults optional and unrepresentable parts open', () => {
    const def = defineContract({
      name: 'd',
      version: '3.1',
      description: 'demo',
      transactions: {
        put: {
          description: 'puts',
          args: z.object({ key: z.string().min(1), n: z.number().int().default(1) }),
          run: () => undefined,
        },
      },
      queries: {
        when: { args: z.object({ at: z.string().transform((s) => s.length) }), run: () => undefined },
      },
    });
    const d = describeContract(def);
    expect(d).toMatchObject({ name: 'd', version: '3.1', description: 'demo' });
    expect(d.transactions.put).toMatchObject({
      description: 'puts',
      argsJsonSchema: {
        type: 'object',
        properties: { key: { type: 'string', minLength: 1 }, n: { type: 'integer', default: 1 } },
        required: ['key'],
      },
    });
    expect(d.queries.when?.description).toBeUndefined();
    expect(d.queries.when?.argsJsonSchema).toMatchObject({ properties: { at: { type: 'string' } } });
  });
});
