import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineContract, describeContract } from '../contract/index.js';
import { buildOpenApiDocument } from './openApi.js';

const registry = describeContract(
  defineContract({
    name: 'registry',
    version: '2.1',
    description: 'A <b>test</b> registry.',
    transactions: {
      put: {
        description: 'Stores a value.',
        args: z.object({ key: z.string().min(1), value: z.number() }),
        run: () => null,
      },
    },
    queries: {
      get: { args: z.object({ key: z.string() }), run: () => null },
    },
  }),
);

const channels = [
  { name: 'alpha', contracts: [{ name: 'registry', endorsementPolicy: 'MAJORITY Endorsement' }] },
  { name: 'beta', contracts: [{ name: 'registry' }, { name: 'missing' }] },
];

describe('buildOpenApiDocument', () => {
  const doc = buildOpenApiDocument({
    channels,
    describeContract: (name) => {
      if (name !== 'registry') throw new Error(`no contract ${name}`);
      return registry;
    },
  });

  it('has one submit path per transaction and one evaluate path per function, per channel', () => {
    for (const ch of ['alpha', 'beta']) {
      const base = `/api/v1/channels/${ch}/contracts/registry`;
      expect(doc.paths[`${base}/submit/put`]?.post?.requestBody?.content['application/json'].schema).toEqual(
        registry.transactions.put?.argsJsonSchema,
      );
      expect(doc.paths[`${base}/evaluate/put`]?.post).toBeDefined();
      expect(
        doc.paths[`${base}/evaluate/get`]?.post?.requestBody?.content['application/json'].schema,
      ).toEqual(registry.queries.get?.argsJsonSchema);
      expect(doc.paths[`${base}/submit/get`]).toBeUndefined();
    }
    const put = doc.paths['/api/v1/channels/alpha/contracts/registry/submit/put']?.post;
    expect(put?.description).toContain('Stores a value.');
    expect(put?.description).toContain('MAJORITY Endorsement');
    expect(Object.keys(put?.responses ?? {}).sort()).toEqual(['200', '400', '403', '404', '409', '503']);
    const get = doc.paths['/api/v1/channels/alpha/contracts/registry/evaluate/get']?.post;
    expect(Object.keys(get?.responses ?? {})).not.toContain('409');
  });

  it('lists a contract it cannot describe with a {fn} path parameter', () => {
    const op = doc.paths['/api/v1/channels/beta/contracts/missing/submit/{fn}']?.post;
    expect(op?.parameters.map((p) => [p.name, p.in])).toEqual([
      ['X-Consortia-Identity', 'header'],
      ['fn', 'path'],
    ]);
    expect(doc.paths['/api/v1/channels/beta/contracts/missing/evaluate/{fn}']?.post).toBeDefined();
    const bare = buildOpenApiDocument({ channels });
    expect(Object.keys(bare.paths).filter((p) => p.endsWith('/{fn}'))).toHaveLength(6);
  });

  it('has the fixed endpoints, one tag per contract and channel, and unique operation ids', () => {
    for (const p of ['height', 'blocks', 'blocks/{n}', 'transactions/{txId}', 'events']) {
      const op = doc.paths[`/api/v1/channels/{channel}/${p}`]?.get;
      expect(op?.parameters.find((x) => x.name === 'channel')?.schema).toEqual({
        type: 'string',
        enum: ['alpha', 'beta'],
      });
    }
    expect(doc.tags.map((t) => t.name)).toEqual([
      'alpha/registry',
      'beta/registry',
      'beta/missing',
      'ledger',
      'events',
      'service',
    ]);
    expect(doc.tags[0]?.description).toContain('Version 2.1');
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('makes the identity header optional only when there is a default identity', () => {
    const identity = (d: ReturnType<typeof buildOpenApiDocument>) =>
      d.paths['/api/v1/channels/alpha/contracts/registry/submit/put']?.post?.parameters[0];
    expect(identity(doc)?.required).toBe(true);
    const withDefault = buildOpenApiDocument({
      channels,
      describeContract: () => registry,
      defaultIdentity: 'A.admin',
    });
    expect(identity(withDefault)?.required).toBe(false);
    expect(identity(withDefault)?.description).toContain('A.admin');
  });

  it('only references schemas it defines', () => {
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const r of new Set(refs)) expect(doc.components.schemas[r.split('/').pop()!]).toBeDefined();
  });
});
