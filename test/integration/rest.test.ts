import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRestServer, GatewayService, type OpenApiDocument } from '../../src/gateway/index.js';
import type { BlockEvent } from '../../src/peer/index.js';
import { removeDir, startNetwork, type TestNetwork } from '../support/network.js';

const CH = 'telecom';
const NP = 'number-portability';
const AR = 'asset-registry';
/** A member of every channel the tests read (channel reads need an identity, like submits). */
const READER = 'TelcoC.user1';
const HASH = 'ab'.repeat(32);
const CIPHERTEXT = Buffer.from('customer data, encrypted for the donor and the recipient').toString('base64');

/** Counts the block streams the events socket holds open, and tells when one ends. */
class CountingGateway extends GatewayService {
  open = 0;
  #ended: (() => void)[] = [];

  override blockEvents(
    channel: string,
    opts: { from?: number; signal?: AbortSignal; mspId?: string } = {},
  ): AsyncIterable<BlockEvent> {
    const inner = super.blockEvents(channel, opts);
    const self = this;
    return (async function* () {
      self.open++;
      try {
        yield* inner;
      } finally {
        self.open--;
        for (const f of self.#ended.splice(0)) f();
      }
    })();
  }

  /** Resolves when the next stream ends. */
  nextEnd(): Promise<void> {
    return new Promise((resolve) => this.#ended.push(resolve));
  }
}

let t: TestNetwork;
let gateway: CountingGateway;
let app: FastifyInstance;
let wsBase: string;
let numberSeq = 0;

/** A fresh E.164 number per call, so tests do not share state. */
const newNumber = () => `+4915100${String(100_000 + numberSeq++)}`;

beforeAll(async () => {
  t = await startNetwork();
  gateway = new CountingGateway({
    peers: t.network.peerHandles(),
    orderers: t.network.ordererHandles(),
    commitTimeoutMs: 15_000,
  });
  const runtime = t.network.contractRuntime();
  app = await createRestServer({
    gateway,
    identities: (label) => t.network.identity(label),
    describeContract: (name) => runtime.describe(name),
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  wsBase = address.replace(/^http/, 'ws');
});

afterAll(async () => {
  await app?.close();
  await t?.stop();
  if (t) removeDir(t.dataDir);
});

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked field by field with expect
type Json = any;
type Reply = { status: number; body: Json };

async function call(
  method: 'GET' | 'POST',
  url: string,
  opts: { identity?: string; body?: unknown; raw?: string; contentType?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.identity) headers['x-consortia-identity'] = opts.identity;
  if (opts.body !== undefined || opts.raw !== undefined)
    headers['content-type'] = opts.contentType ?? 'application/json';
  const res = await app.inject({
    method,
    url,
    headers,
    ...(opts.raw !== undefined
      ? { payload: opts.raw }
      : opts.body !== undefined
        ? { payload: JSON.stringify(opts.body) }
        : {}),
  });
  let body: unknown;
  try {
    body = res.json();
  } catch {
    body = res.body;
  }
  return { status: res.statusCode, body };
}

const fnUrl = (mode: 'submit' | 'evaluate', fn: string, contract = NP, channel = CH) =>
  `/api/v1/channels/${channel}/contracts/${contract}/${mode}/${fn}`;
const submit = (fn: string, args: unknown, identity: string, contract = NP, channel = CH) =>
  call('POST', fnUrl('submit', fn, contract, channel), { identity, body: args });
const evaluate = (fn: string, args: unknown, identity: string, contract = NP) =>
  call('POST', fnUrl('evaluate', fn, contract), { identity, body: args });

function expectError(r: Reply, status: number, code: string): void {
  expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status, code });
  expect(typeof r.body.error.message).toBe('string');
  expect(r.body.error.message.length).toBeGreaterThan(0);
}

async function registered(carrier = 'TelcoA'): Promise<string> {
  const number = newNumber();
  const r = await submit('registerNumber', { number, carrier }, 'Regulator.admin');
  expect(r.status).toBe(200);
  return number;
}

describe('REST gateway: happy path', () => {
  it('submits registerNumber, evaluates getNumber, and reads height, block and transaction', async () => {
    const args = { number: '+4915112345678', carrier: 'TelcoA' };
    const sub = await submit('registerNumber', args, 'Regulator.admin');
    expect(sub.status).toBe(200);
    expect(sub.body).toMatchObject({
      validationCode: 'VALID',
      result: { number: args.number, carrier: 'TelcoA' },
    });
    expect(sub.body.txId).toMatch(/^[0-9a-f]{64}$/);
    expect(sub.body.blockNumber).toBeGreaterThan(0);

    const q = await evaluate('getNumber', { number: args.number }, 'TelcoB.admin');
    expect(q.status).toBe(200);
    expect(q.body.result).toMatchObject({ number: args.number, carrier: 'TelcoA', openRequestId: null });

    const h = await call('GET', `/api/v1/channels/${CH}/height`, { identity: READER });
    expect(h.status).toBe(200);
    expect(h.body.channel).toBe(CH);
    expect(h.body.height).toBeGreaterThan(sub.body.blockNumber);

    const b = await call('GET', `/api/v1/channels/${CH}/blocks/${sub.body.blockNumber}`, {
      identity: READER,
    });
    expect(b.status).toBe(200);
    expect(b.body.number).toBe(sub.body.blockNumber);
    expect(b.body.transactions).toContainEqual(
      expect.objectContaining({
        txId: sub.body.txId,
        contract: NP,
        function: 'registerNumber',
        validationCode: 'VALID',
        arguments: args,
      }),
    );

    const tx = await call('GET', `/api/v1/channels/${CH}/transactions/${sub.body.txId.toUpperCase()}`, {
      identity: READER,
    });
    expect(tx.status).toBe(200);
    expect(tx.body).toMatchObject({
      blockNumber: sub.body.blockNumber,
      validationCode: 'VALID',
      transaction: { txId: sub.body.txId, creator: 'Regulator', function: 'registerNumber' },
    });

    const page = await call('GET', `/api/v1/channels/${CH}/blocks?from=0&limit=2`, { identity: READER });
    expect(page.status).toBe(200);
    expect(page.body.blocks.map((x: { number: number }) => x.number)).toEqual([0, 1]);
  });

  it('evaluates a transaction without committing it', async () => {
    const number = newNumber();
    const dry = await evaluate('registerNumber', { number, carrier: 'TelcoC' }, 'Regulator.admin');
    expect(dry.status).toBe(200);
    expect(dry.body.result).toMatchObject({ number, carrier: 'TelcoC' });
    expectError(await evaluate('getNumber', { number }, 'Regulator.admin'), 404, 'UNKNOWN_NUMBER');
  });

  it('treats an empty JSON body as no arguments', async () => {
    const r = await call('POST', fnUrl('evaluate', 'openRequests'), { identity: 'Regulator.admin', raw: '' });
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body.result)).toBe(true);
  });

  it('reports health', async () => {
    const r = await call('GET', '/healthz');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
    expect(Object.keys(r.body.components).length).toBe(4);
  });
});

describe('REST gateway: errors', () => {
  it('400 for malformed JSON, a body that is not an object, and invalid arguments', async () => {
    const url = fnUrl('submit', 'registerNumber');
    expectError(
      await call('POST', url, { identity: 'Regulator.admin', raw: '{"number": ' }),
      400,
      'MALFORMED_JSON',
    );
    expectError(
      await call('POST', url, { identity: 'Regulator.admin', body: [1, 2] }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(
      await call('POST', url, { identity: 'Regulator.admin', body: null }),
      400,
      'INVALID_ARGUMENT',
    );
    const badCarrier = await submit(
      'registerNumber',
      { number: newNumber(), carrier: 'Telco A!' },
      'Regulator.admin',
    );
    expectError(badCarrier, 400, 'INVALID_ARGUMENT');
    expect(badCarrier.body.error.message).toMatch(/carrier/);
    expectError(
      await submit('registerNumber', { number: newNumber() }, 'Regulator.admin'),
      400,
      'INVALID_ARGUMENT',
    );
    const badNumber = await submit(
      'registerNumber',
      { number: '0151 123', carrier: 'TelcoA' },
      'Regulator.admin',
    );
    expect(badNumber.status).toBe(400);
    expect(badNumber.body.error.code).toMatch(/^INVALID_(ARGUMENT|NUMBER)$/);
    expect(badNumber.body.error.message).toMatch(/E\.164/);
    const deep = `{"number":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expectError(await call('POST', url, { identity: 'Regulator.admin', raw: deep }), 400, 'INVALID_ARGUMENT');
    expectError(
      await call('POST', url, { identity: 'Regulator.admin', raw: 'number=1', contentType: 'text/csv' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectError(
      await submit('getNumber', { number: '+4915100000001' }, 'Regulator.admin'),
      400,
      'QUERY_NOT_SUBMITTABLE',
    );
  });

  it('403 for a caller the contract does not allow, 403/400 for unknown or missing identities', async () => {
    const forbidden = await submit(
      'registerNumber',
      { number: newNumber(), carrier: 'TelcoA' },
      'TelcoB.admin',
    );
    expectError(forbidden, 403, 'NOT_ALLOWED');
    expectError(await evaluate('openRequests', {}, 'TelcoA.admin'), 403, 'NOT_REGULATOR');
    expectError(await evaluate('openRequests', {}, 'Nobody.admin'), 403, 'UNKNOWN_IDENTITY');
    expectError(await evaluate('openRequests', {}, 'no-dot'), 403, 'UNKNOWN_IDENTITY');
    expectError(
      await call('POST', fnUrl('evaluate', 'openRequests'), { body: {} }),
      400,
      'IDENTITY_REQUIRED',
    );
  });

  it('404 for an unknown channel, contract, function, block, transaction or route', async () => {
    const id = 'Regulator.admin';
    const args = { body: { number: '+4915100000002' }, identity: id };
    expectError(
      await call('POST', fnUrl('submit', 'getNumber', NP, 'nochannel'), args),
      404,
      'UNKNOWN_CHANNEL',
    );
    expectError(await call('GET', '/api/v1/channels/nochannel/height'), 404, 'UNKNOWN_CHANNEL');
    expectError(await submit('registerNumber', {}, id, 'no-such-contract'), 404, 'UNKNOWN_CONTRACT');
    expectError(await evaluate('getNumber', {}, id, 'no-such-contract'), 404, 'UNKNOWN_CONTRACT');
    expectError(await submit('stealNumber', {}, id), 404, 'UNKNOWN_FUNCTION');
    expectError(await evaluate('stealNumber', {}, id), 404, 'UNKNOWN_FUNCTION');
    for (const fn of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      expectError(await evaluate(fn, {}, id), 404, 'UNKNOWN_FUNCTION');
    expectError(
      await call('GET', `/api/v1/channels/${CH}/blocks/999999`, { identity: READER }),
      404,
      'UNKNOWN_BLOCK',
    );
    expectError(
      await call('GET', `/api/v1/channels/${CH}/blocks/-1`, { identity: READER }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(
      await call('GET', `/api/v1/channels/${CH}/transactions/${'0'.repeat(64)}`, { identity: READER }),
      404,
      'UNKNOWN_TRANSACTION',
    );
    expectError(
      await call('GET', `/api/v1/channels/${CH}/transactions/xyz`, { identity: READER }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(await call('GET', '/api/v1/nothing-here'), 404, 'NOT_FOUND');
    expectError(await evaluate('getNumber', { number: '+4915100000003' }, id), 404, 'UNKNOWN_NUMBER');
    expectError(await call('GET', `/api/v1/channels/%E0%A4%A/height`), 400, 'BAD_URL');
  });

  it('409 for a state conflict refused at endorsement', async () => {
    const number = await registered();
    expectError(
      await submit('registerNumber', { number, carrier: 'TelcoA' }, 'Regulator.admin'),
      409,
      'NUMBER_EXISTS',
    );
  });

  it('409 for one of two concurrent port requests on the same number, with its validation code', async () => {
    const number = await registered('TelcoA');
    const args = { number, encryptedCustomerData: CIPHERTEXT, contractHash: HASH };
    const [b, c] = await Promise.all([
      submit('requestPort', args, 'TelcoB.admin'),
      submit('requestPort', args, 'TelcoC.admin'),
    ]);
    const outcomes = [b, c].sort((x, y) => x.status - y.status);
    expect(outcomes.map((o) => o.status)).toEqual([200, 409]);
    const [won, lost] = outcomes as [Reply, Reply];
    expect(won.body.result.requestId).toMatch(/^pr-[0-9a-f]{16}$/);
    expect(['MVCC_READ_CONFLICT', 'REQUEST_OPEN']).toContain(lost.body.error.code);
    if (lost.body.error.code === 'MVCC_READ_CONFLICT') {
      expect(lost.body.error.detail).toMatchObject({ validationCode: 'MVCC_READ_CONFLICT' });
      expect(lost.body.error.detail.blockNumber).toBeGreaterThan(0);
      expect(lost.body.error.detail.transactionId).toMatch(/^[0-9a-f]{64}$/);
    }
    const owner = await evaluate('getNumber', { number }, 'Regulator.admin');
    expect(owner.body.result.openRequestId).toBe(won.body.result.requestId);
  });

  it('426 for the events endpoint without a WebSocket upgrade', async () => {
    expectError(
      await call('GET', `/api/v1/channels/${CH}/events`, { identity: READER }),
      426,
      'UPGRADE_REQUIRED',
    );
  });
});

describe('REST gateway: bad input never gives a 5xx (property)', () => {
  const identities = fc.constantFrom(
    'Regulator.admin',
    'TelcoA.admin',
    'TelcoB.user1',
    'Ghost.admin',
    '',
    '..',
  );
  const fns = fc.constantFrom(
    'registerNumber',
    'requestPort',
    'getNumber',
    'openRequests',
    'nope',
    'constructor',
  );
  const segment = fc.oneof(
    fc.string({ maxLength: 40 }).map(encodeURIComponent),
    fc.string({ unit: 'binary', maxLength: 20 }).map(encodeURIComponent),
    fc.constantFrom(
      CH,
      NP,
      AR,
      '%',
      '%zz',
      '..',
      '.',
      '0',
      '-1',
      '1e3',
      '99999999999999999999',
      '__proto__',
      'a'.repeat(300),
    ),
  );

  function assertNo5xx(r: Reply): void {
    expect(r.status).toBeLessThan(500);
    if (r.status >= 400) expect(typeof r.body?.error?.code).toBe('string');
  }

  it('arbitrary JSON bodies to submit and evaluate', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('submit', 'evaluate'),
        fns,
        fc.jsonValue({ maxDepth: 4 }),
        identities,
        async (mode, fn, body, id) => {
          const r = await call('POST', fnUrl(mode as 'submit' | 'evaluate', fn), {
            body,
            ...(id ? { identity: id } : {}),
          });
          assertNo5xx(r);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('arbitrary strings as bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.json().map((j) => j.slice(0, -1)),
        ),
        fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1'),
        fns,
        async (raw, contentType, fn) => {
          assertNo5xx(
            await call('POST', fnUrl('evaluate', fn), { identity: 'Regulator.admin', raw, contentType }),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('arbitrary path segments and query parameters', async () => {
    /** Mostly real names, so the property reaches past the channel and contract checks. */
    const real = (name: string) =>
      fc.oneof({ arbitrary: fc.constant(name), weight: 3 }, { arbitrary: segment, weight: 1 });
    const channel = real(CH);
    const route = fc.oneof(
      fc
        .tuple(channel, fc.oneof(real(NP), real(AR)), fc.constantFrom('submit', 'evaluate'), segment)
        .map(([ch, c, mode, fn]) => ['POST', `/api/v1/channels/${ch}/contracts/${c}/${mode}/${fn}`] as const),
      fc.tuple(channel, segment).map(([ch, n]) => ['GET', `/api/v1/channels/${ch}/blocks/${n}`] as const),
      fc
        .tuple(channel, segment)
        .map(([ch, tx]) => ['GET', `/api/v1/channels/${ch}/transactions/${tx}`] as const),
      fc
        .tuple(channel, segment, segment, fc.boolean())
        .map(
          ([ch, from, limit, twice]) =>
            [
              'GET',
              `/api/v1/channels/${ch}/blocks?from=${from}&limit=${limit}${twice ? '&from=1' : ''}`,
            ] as const,
        ),
      segment.map((ch) => ['GET', `/api/v1/channels/${ch}/height`] as const),
    );
    await fc.assert(
      fc.asyncProperty(route, async ([method, url]) => {
        assertNo5xx(
          await call(
            method,
            url,
            method === 'POST' ? { identity: 'Regulator.admin', body: {} } : { identity: READER },
          ),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('OpenAPI document and docs page', () => {
  it('lists every function of both contracts with its argument schema', async () => {
    const r = await call('GET', '/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body as OpenApiDocument;
    expect(doc.openapi).toBe('3.1.0');
    const runtime = t.network.contractRuntime();
    for (const contract of [NP, AR]) {
      const d = runtime.describe(contract);
      const base = `/api/v1/channels/${CH}/contracts/${contract}`;
      const fns = [...Object.keys(d.transactions), ...Object.keys(d.queries)];
      expect(fns.length).toBeGreaterThan(3);
      for (const [fn, desc] of Object.entries(d.transactions)) {
        const op = doc.paths[`${base}/submit/${fn}`]?.post;
        expect(op?.requestBody?.content['application/json'].schema).toEqual(desc.argsJsonSchema);
        expect(Object.keys(op?.responses ?? {})).toEqual(
          expect.arrayContaining(['200', '400', '403', '404', '409']),
        );
        expect(op?.parameters.map((p) => p.name)).toContain('X-Consortia-Identity');
        expect(doc.paths[`${base}/evaluate/${fn}`]?.post).toBeDefined();
      }
      for (const [fn, desc] of Object.entries(d.queries)) {
        expect(doc.paths[`${base}/submit/${fn}`]).toBeUndefined();
        const op = doc.paths[`${base}/evaluate/${fn}`]?.post;
        expect(op?.requestBody?.content['application/json'].schema).toEqual(desc.argsJsonSchema);
      }
    }
    const registerSchema = doc.paths[`/api/v1/channels/${CH}/contracts/${NP}/submit/registerNumber`]?.post
      ?.requestBody?.content['application/json'].schema as { required: string[] };
    expect(registerSchema.required.sort()).toEqual(['carrier', 'number']);
    for (const p of ['height', 'blocks', 'blocks/{n}', 'transactions/{txId}', 'events'])
      expect(doc.paths[`/api/v1/channels/{channel}/${p}`]?.get).toBeDefined();
    expect(doc.paths['/healthz']?.get).toBeDefined();
    expect(doc.components.schemas.Error).toBeDefined();
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('serves a self-contained docs page', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/^<!doctype html>/);
    for (const text of ['registerNumber', 'requestPort', 'getNumber', 'createAsset', 'X-Consortia-Identity'])
      expect(res.body).toContain(text);
    expect(res.body).not.toMatch(/<script|https?:\/\/(?!json-schema)/);
  });
});

/** A WebSocket client that queues messages, with waits on the next matching one. */
/** `identity` is sent as the header; null sends none. */
function openEvents(query: string, identity: string | null = READER) {
  const ws = new WebSocket(`${wsBase}/api/v1/channels/${query}`, {
    headers: identity === null ? {} : { 'x-consortia-identity': identity },
  });
  const messages: Json[] = [];
  const waiters: { match: (m: Json) => boolean; resolve: (m: Json) => void }[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data));
    messages.push(m);
    for (const w of [...waiters]) {
      if (w.match(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  return {
    ws,
    messages,
    closed,
    next(match: (m: Json) => boolean): Promise<Json> {
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    opened: new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }),
  };
}

describe('channel reads are for members only', () => {
  const AB = 'rest-ab';
  let txId: string;

  beforeAll(async () => {
    await t.network.createChannel({
      name: AB,
      orgs: ['TelcoA', 'TelcoB'],
      contracts: [{ name: AR, endorsementPolicy: 'MAJORITY Endorsement' }],
    });
    const sub = await submit(
      'createAsset',
      { id: 'ab-1', owner: 'TelcoA', value: 1 },
      'TelcoA.admin',
      AR,
      AB,
    );
    expect(sub.status).toBe(200);
    txId = sub.body.txId;
  });

  const readUrls = () => [
    `/api/v1/channels/${AB}/height`,
    `/api/v1/channels/${AB}/blocks`,
    `/api/v1/channels/${AB}/blocks/1`,
    `/api/v1/channels/${AB}/transactions/${txId}`,
    `/api/v1/channels/${AB}/transactions/${txId}/proof`,
  ];

  it('answers every read route with 403 FORBIDDEN for a non-member org, by header or ?identity=', async () => {
    for (const url of readUrls()) {
      for (const who of ['TelcoC.admin', 'Regulator.user1']) {
        const r = await call('GET', url, { identity: who });
        expectError(r, 403, 'FORBIDDEN');
        expect(r.body.error.message).toContain(`may not read channel ${AB}`);
        expect(JSON.stringify(r.body)).not.toContain('ab-1');
      }
      expectError(await call('GET', `${url}?identity=TelcoC.admin`), 403, 'FORBIDDEN');
      expectError(await call('GET', url), 400, 'IDENTITY_REQUIRED');
    }
  });

  it('serves the same routes to a member org, and keeps non-members off the events socket', async () => {
    for (const url of readUrls()) {
      const r = await call('GET', url, { identity: 'TelcoB.user1' });
      expect(r.status, url).toBe(200);
    }
    const refused = openEvents(`${AB}/events?fromBlock=0`, 'TelcoC.admin');
    expect((await refused.closed).code).toBe(1008);
    expect(refused.messages).toEqual([
      { type: 'error', error: { code: 'FORBIDDEN', message: expect.stringContaining(AB) } },
    ]);
    const anonymous = openEvents(`${AB}/events?fromBlock=0`, null);
    expect((await anonymous.closed).code).toBe(1008);
    expect(anonymous.messages[0].error.code).toBe('IDENTITY_REQUIRED');

    const member = openEvents(`${AB}/events?fromBlock=0&identity=TelcoA.user1`, null);
    const block1 = await member.next((m) => m.number === 1);
    expect(block1.txs[0].txId).toBe(txId);
    member.ws.close();
    await member.closed;
  });
});

describe('events over WebSocket', () => {
  it('sends stored blocks from fromBlock, then live ones; the stream ends with the socket', async () => {
    const height = (await call('GET', `/api/v1/channels/${CH}/height`, { identity: READER })).body
      .height as number;
    const client = openEvents(`${CH}/events?fromBlock=0`);
    await client.opened;
    await client.next((m) => m.number === height - 1);
    expect(client.messages.slice(0, height).map((m) => m.number)).toEqual([...Array(height).keys()]);
    expect(client.messages[0]).toMatchObject({ type: 'block', channel: CH, number: 0 });

    const number = newNumber();
    const sub = await submit('registerNumber', { number, carrier: 'TelcoB' }, 'Regulator.admin');
    const live = await client.next((m) => m.number === sub.body.blockNumber);
    expect(live.type).toBe('block');
    expect(live.txs).toContainEqual({
      txId: sub.body.txId,
      validationCode: 'VALID',
      events: [{ contract: NP, name: 'NumberRegistered', payload: { number, carrier: 'TelcoB' } }],
    });

    const ended = gateway.nextEnd();
    expect(gateway.open).toBeGreaterThan(0);
    client.ws.close();
    await ended;
    expect(gateway.open).toBe(0);
  });

  it('with contract=, sends one contractEvent per event of that contract only', async () => {
    const height = (await call('GET', `/api/v1/channels/${CH}/height`, { identity: READER })).body
      .height as number;
    const client = openEvents(`${CH}/events?fromBlock=${height}&contract=${NP}`);
    await client.opened;
    const asset = await submit(
      'createAsset',
      { id: `rest-ev-${Date.now()}`, owner: 'Ann', value: 1 },
      'TelcoA.admin',
      AR,
    );
    expect(asset.status).toBe(200);
    const number = newNumber();
    const sub = await submit('registerNumber', { number, carrier: 'TelcoC' }, 'Regulator.admin');
    const first = await client.next(() => true);
    expect(first).toEqual({
      type: 'contractEvent',
      blockNumber: sub.body.blockNumber,
      txId: sub.body.txId,
      contract: NP,
      name: 'NumberRegistered',
      payload: { number, carrier: 'TelcoC' },
    });
    expect(client.messages.every((m) => m.type === 'contractEvent' && m.contract === NP)).toBe(true);
    client.ws.close();
    await client.closed;
  });

  it('answers a bad channel, fromBlock or contract with an error message and close code 1008', async () => {
    for (const [query, code] of [
      ['nochannel/events?fromBlock=0', 'UNKNOWN_CHANNEL'],
      [`${CH}/events?fromBlock=-1`, 'INVALID_ARGUMENT'],
      [`${CH}/events?fromBlock=abc`, 'INVALID_ARGUMENT'],
      [`${CH}/events?contract=nope`, 'UNKNOWN_CONTRACT'],
      ['%zz/events', 'BAD_URL'],
    ] as const) {
      const client = openEvents(query);
      const closed = await client.closed;
      expect(closed.code).toBe(1008);
      expect(client.messages).toEqual([{ type: 'error', error: { code, message: expect.any(String) } }]);
    }
  });

  it('refuses a WebSocket upgrade elsewhere with a plain 404', async () => {
    const ws = new WebSocket(`${wsBase}/api/v1/channels/${CH}/height`);
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, IncomingMessage];
    expect(res.statusCode).toBe(404);
    let body = '';
    for await (const chunk of res) body += String(chunk);
    expect(JSON.parse(body).error.code).toBe('NOT_FOUND');
    const aborted = once(ws, 'error');
    ws.terminate();
    expect(String(((await aborted) as [Error])[0].message)).toMatch(/closed before the connection/);
  });
});
