import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../src/common/index.js';
import {
  type CallerInfo,
  describeContract,
  type FunctionKind,
  MemoryState,
  type SimulationResult,
  simulate,
} from '../../src/contract/index.js';
import numberPortability from './index.js';

const NS = 'number-portability';
const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);

function caller(mspId: string, role: 'admin' | 'client'): CallerInfo {
  const name = role === 'admin' ? 'admin' : 'user1';
  return { mspId, role, id: `${mspId}::${name}::01`, name, attributes: {} };
}

const regulator = caller('Regulator', 'admin');
const telcoA = caller('TelcoA', 'admin');
const telcoB = caller('TelcoB', 'client');
const telcoC = caller('TelcoC', 'client');
const telcoAClient = caller('TelcoA', 'client');

const N1 = '+4915112345678';
const N2 = '+4915112345679';
const N3 = '+4915112345680';
const HASH = 'a'.repeat(64);
const DATA = Buffer.from('{"ciphertext":"opaque to the contract"}').toString('base64');

let state: MemoryState;
let clock: number;
let txCount: number;

beforeEach(() => {
  state = new MemoryState();
  clock = T0;
  txCount = 0;
});

/** A transaction id as a peer computes it: 64 lowercase hex characters. */
function nextTxId(): string {
  return createHash('sha256').update(`tx${++txCount}`).digest('hex');
}

interface CallOptions {
  kind?: FunctionKind;
  /** The proposal timestamp (ms); default one minute after the previous call. */
  at?: number;
  /** Simulate only, do not commit (to simulate several proposals against the same state). */
  commit?: boolean;
  txId?: string;
}

interface Call extends SimulationResult {
  readonly txId: string;
  readonly timestamp: number;
}

/** Simulates one call; a valid transaction is committed to `state`, as a peer would. */
async function call(
  who: CallerInfo,
  fn: string,
  argsJson: Record<string, unknown>,
  opts: CallOptions = {},
): Promise<Call> {
  const kind = opts.kind ?? 'transaction';
  clock = opts.at ?? clock + 60_000;
  const timestamp = clock;
  const txId = opts.txId ?? nextTxId();
  const sim = await simulate({
    definition: numberPortability,
    fn,
    argsJson,
    kind,
    info: { txId, channel: 'telecom', timestamp, caller: who },
    state,
    history: state.history,
  });
  if (sim.ok && kind === 'transaction' && opts.commit !== false) state.commit(sim.rwset, { txId, timestamp });
  return { ...sim, txId, timestamp };
}

const query = (who: CallerInfo, fn: string, argsJson: Record<string, unknown>, at?: number) =>
  call(who, fn, argsJson, at === undefined ? { kind: 'query' } : { kind: 'query', at });

function stored<T = Record<string, unknown>>(key: string): T | undefined {
  const entry = state.getState(NS, key);
  return entry === undefined ? undefined : (JSON.parse(fromUtf8(entry.value)) as T);
}

function events(sim: SimulationResult): Array<[string, unknown]> {
  return sim.events.map((e) => [e.name, JSON.parse(fromUtf8(e.payload))]);
}

const iso = (ms: number) => new Date(ms).toISOString();

async function register(number: string, carrier = 'TelcoA', who: CallerInfo = regulator) {
  const sim = await call(who, 'registerNumber', { number, carrier });
  expect(sim.error).toBeUndefined();
  return sim;
}

async function request(number: string, who: CallerInfo, at?: number): Promise<string> {
  const sim = await call(
    who,
    'requestPort',
    { number, encryptedCustomerData: DATA, contractHash: HASH },
    at === undefined ? {} : { at },
  );
  expect(sim.error).toBeUndefined();
  return (sim.result as { requestId: string }).requestId;
}

describe('registerNumber', () => {
  it('lets the regulator register a number for any carrier, stamped with the proposal time', async () => {
    const sim = await call(regulator, 'registerNumber', { number: N1, carrier: 'TelcoA' });
    const expected = {
      number: N1,
      carrier: 'TelcoA',
      registeredAt: iso(sim.timestamp),
      updatedAt: iso(sim.timestamp),
      openRequestId: null,
    };
    expect(sim.result).toEqual(expected);
    expect(stored(`number:${N1}`)).toEqual(expected);
    expect(events(sim)).toEqual([['NumberRegistered', { number: N1, carrier: 'TelcoA' }]]);
    await register(N2, 'TelcoC');
    expect(stored(`number:${N2}`)).toMatchObject({ carrier: 'TelcoC' });
  });

  it('lets a carrier register its own number, admin or client', async () => {
    await register(N1, 'TelcoA', telcoA);
    await register(N2, 'TelcoA', telcoAClient);
    expect(stored(`number:${N1}`)).toMatchObject({ carrier: 'TelcoA' });
    expect(stored(`number:${N2}`)).toMatchObject({ carrier: 'TelcoA' });
  });

  it("refuses a carrier registering another carrier's number with NOT_ALLOWED and writes nothing", async () => {
    const sim = await call(telcoB, 'registerNumber', { number: N1, carrier: 'TelcoA' });
    expect(sim.error).toMatchObject({ code: 'NOT_ALLOWED', detail: { caller: 'TelcoB' } });
    expect(sim.rwset.ns).toEqual([]);
    expect(stored(`number:${N1}`)).toBeUndefined();
    // A carrier cannot register numbers for the regulator either.
    expect((await call(telcoA, 'registerNumber', { number: N1, carrier: 'Regulator' })).error?.code).toBe(
      'NOT_ALLOWED',
    );
  });

  it('refuses the regulator as carrier with NOT_A_CARRIER', async () => {
    const sim = await call(regulator, 'registerNumber', { number: N1, carrier: 'Regulator' });
    expect(sim.error?.code).toBe('NOT_A_CARRIER');
    expect(stored(`number:${N1}`)).toBeUndefined();
  });

  it('refuses a number that is registered with NUMBER_EXISTS and keeps the first carrier', async () => {
    await register(N1, 'TelcoA');
    const again = await call(regulator, 'registerNumber', { number: N1, carrier: 'TelcoB' });
    expect(again.error).toMatchObject({ code: 'NUMBER_EXISTS', detail: { number: N1 } });
    const own = await call(telcoB, 'registerNumber', { number: N1, carrier: 'TelcoB' });
    expect(own.error?.code).toBe('NUMBER_EXISTS');
    expect(stored(`number:${N1}`)).toMatchObject({ carrier: 'TelcoA' });
  });

  it.each([
    ['0151123', 'no leading +'],
    ['+0123', 'a leading 0 after +'],
    ['+1234567890123456', '16 digits'],
    ['+4', 'only one digit'],
    ['+49 151 12345678', 'spaces'],
    ['+49151-1234', 'a dash'],
    ['', 'empty'],
  ])('refuses the number %j (%s) with INVALID_NUMBER naming number', async (number) => {
    const sim = await call(regulator, 'registerNumber', { number, carrier: 'TelcoA' });
    expect(sim.error?.code).toBe('INVALID_NUMBER');
    expect(sim.error?.message).toContain("'number'");
    expect(state.rangeState(NS, '', '')).toEqual([]);
  });

  it('accepts the shortest and longest E.164 numbers', async () => {
    await register('+12', 'TelcoA');
    await register('+123456789012345', 'TelcoA');
    expect(stored('number:+123456789012345')).toMatchObject({ carrier: 'TelcoA' });
  });

  it.each([
    [{ number: N1, carrier: 'Telco A' }, 'carrier'],
    [{ number: N1, carrier: '' }, 'carrier'],
    [{ number: N1 }, 'carrier'],
    [{ carrier: 'TelcoA' }, 'number'],
    [{ number: 4915112345678, carrier: 'TelcoA' }, 'number'],
  ])('refuses %j with a code naming %s', async (args, field) => {
    const sim = await call(regulator, 'registerNumber', args);
    expect(sim.error?.code).toBe(field === 'number' ? 'INVALID_NUMBER' : 'INVALID_ARGUMENT');
    expect(sim.error?.message).toContain(`'${field}'`);
  });
});

describe('requestPort', () => {
  beforeEach(async () => {
    await register(N1, 'TelcoA');
  });

  it('opens a request for the recipient: pr- + 16 hex of the txId, indexed, and emits PortRequested', async () => {
    const sim = await call(telcoB, 'requestPort', {
      number: N1,
      encryptedCustomerData: DATA,
      contractHash: HASH,
    });
    const requestId = `pr-${sim.txId.slice(0, 16)}`;
    expect(requestId).toMatch(/^pr-[0-9a-f]{16}$/);
    expect(sim.result).toEqual({ requestId });
    expect(stored(`request:${requestId}`)).toEqual({
      requestId,
      number: N1,
      donor: 'TelcoA',
      recipient: 'TelcoB',
      status: 'open',
      contractHash: HASH,
      encryptedCustomerData: DATA,
      requestedAt: iso(sim.timestamp),
      decidedAt: null,
      reason: null,
    });
    expect(stored(`open:${requestId}`)).toEqual({ requestId, number: N1, requestedAt: iso(sim.timestamp) });
    expect(stored(`number:${N1}`)).toMatchObject({
      carrier: 'TelcoA',
      openRequestId: requestId,
      updatedAt: iso(sim.timestamp),
    });
    expect(events(sim)).toEqual([
      ['PortRequested', { requestId, number: N1, donor: 'TelcoA', recipient: 'TelcoB' }],
    ]);
    const got = await query(telcoC, 'getRequest', { requestId });
    expect(got.result).toMatchObject({ requestId, status: 'open', donor: 'TelcoA', recipient: 'TelcoB' });
  });

  it('refuses an unregistered number with UNKNOWN_NUMBER', async () => {
    const sim = await call(telcoB, 'requestPort', {
      number: N2,
      encryptedCustomerData: DATA,
      contractHash: HASH,
    });
    expect(sim.error).toMatchObject({ code: 'UNKNOWN_NUMBER', detail: { number: N2 } });
    expect(sim.rwset.ns).toEqual([]);
  });

  it('refuses the current owner with ALREADY_OWNER', async () => {
    const sim = await call(telcoAClient, 'requestPort', {
      number: N1,
      encryptedCustomerData: DATA,
      contractHash: HASH,
    });
    expect(sim.error).toMatchObject({ code: 'ALREADY_OWNER', detail: { number: N1 } });
    expect(stored(`number:${N1}`)).toMatchObject({ openRequestId: null });
  });

  it('refuses a second request while one is open with REQUEST_OPEN naming the open request', async () => {
    const first = await request(N1, telcoB);
    for (const who of [telcoC, telcoB]) {
      const sim = await call(who, 'requestPort', {
        number: N1,
        encryptedCustomerData: DATA,
        contractHash: HASH,
      });
      expect(sim.error).toMatchObject({ code: 'REQUEST_OPEN', detail: { number: N1, requestId: first } });
    }
    expect(stored(`number:${N1}`)).toMatchObject({ openRequestId: first });
  });

  it('refuses the regulator with NOT_A_CARRIER', async () => {
    const sim = await call(regulator, 'requestPort', {
      number: N1,
      encryptedCustomerData: DATA,
      contractHash: HASH,
    });
    expect(sim.error?.code).toBe('NOT_A_CARRIER');
    expect(stored(`number:${N1}`)).toMatchObject({ openRequestId: null });
  });

  it.each([
    ['not base64!', 'encryptedCustomerData'],
    ['', 'encryptedCustomerData'],
    ['abc', 'encryptedCustomerData'],
    ['ab=c', 'encryptedCustomerData'],
    ['abcde===', 'encryptedCustomerData'],
    ['A'.repeat(16_388), 'encryptedCustomerData'],
  ])('refuses the ciphertext %j with INVALID_ARGUMENT naming %s', async (encryptedCustomerData, field) => {
    const sim = await call(telcoB, 'requestPort', { number: N1, encryptedCustomerData, contractHash: HASH });
    expect(sim.error?.code).toBe('INVALID_ARGUMENT');
    expect(sim.error?.message).toContain(`'${field}'`);
  });

  it.each([
    ['abc'],
    ['A'.repeat(64)],
    ['a'.repeat(63)],
    ['a'.repeat(65)],
    ['g'.repeat(64)],
    [`0x${'a'.repeat(62)}`],
  ])('refuses the contract hash %j with INVALID_ARGUMENT naming contractHash', async (contractHash) => {
    const sim = await call(telcoB, 'requestPort', { number: N1, encryptedCustomerData: DATA, contractHash });
    expect(sim.error?.code).toBe('INVALID_ARGUMENT');
    expect(sim.error?.message).toContain("'contractHash'");
  });

  it('accepts padded base64 of any length', async () => {
    for (const [i, encryptedCustomerData] of ['QQ==', 'QUI=', 'QUJD', 'QUJDRA=='].entries()) {
      const n = `+49151000000${i}`;
      await register(n);
      const sim = await call(telcoB, 'requestPort', { number: n, encryptedCustomerData, contractHash: HASH });
      expect(sim.error).toBeUndefined();
      expect(stored(`request:${(sim.result as { requestId: string }).requestId}`)).toMatchObject({
        encryptedCustomerData,
      });
    }
  });

  it('is refused at simulation as a query, and queries cannot be submitted', async () => {
    const asQuery = await query(telcoB, 'requestPort', {
      number: N1,
      encryptedCustomerData: DATA,
      contractHash: HASH,
    });
    expect(asQuery.error?.code).toBe('UNKNOWN_FUNCTION');
    expect((await call(telcoB, 'getNumber', { number: N1 })).error?.code).toBe('UNKNOWN_FUNCTION');
  });
});

describe('confirmPort', () => {
  let requestId: string;
  beforeEach(async () => {
    await register(N1, 'TelcoA');
    requestId = await request(N1, telcoB);
  });

  it('lets the donor confirm: ownership moves, the request closes, PortConfirmed is emitted', async () => {
    const sim = await call(telcoAClient, 'confirmPort', { requestId });
    expect(sim.result).toEqual({ requestId, number: N1, carrier: 'TelcoB' });
    expect(events(sim)).toEqual([['PortConfirmed', { requestId, number: N1, from: 'TelcoA', to: 'TelcoB' }]]);
    expect(stored(`number:${N1}`)).toMatchObject({
      carrier: 'TelcoB',
      openRequestId: null,
      updatedAt: iso(sim.timestamp),
    });
    expect(stored(`request:${requestId}`)).toMatchObject({
      status: 'confirmed',
      decidedAt: iso(sim.timestamp),
      reason: null,
    });
    expect(stored(`open:${requestId}`)).toBeUndefined();
    expect((await query(telcoC, 'getNumber', { number: N1 })).result).toMatchObject({
      number: N1,
      carrier: 'TelcoB',
    });
  });

  it.each([
    ['the recipient', telcoB],
    ['a third carrier', telcoC],
    ['the regulator', regulator],
  ])('refuses %s with NOT_OWNER and changes nothing', async (_who, who) => {
    const sim = await call(who, 'confirmPort', { requestId });
    expect(sim.error).toMatchObject({ code: 'NOT_OWNER', detail: { owner: 'TelcoA' } });
    expect(sim.rwset.ns).toEqual([]);
    expect(stored(`number:${N1}`)).toMatchObject({ carrier: 'TelcoA', openRequestId: requestId });
    expect(stored(`request:${requestId}`)).toMatchObject({ status: 'open' });
  });

  it('refuses a second confirmation with REQUEST_CLOSED, by the old and by the new owner', async () => {
    await call(telcoA, 'confirmPort', { requestId });
    for (const who of [telcoA, telcoB]) {
      const sim = await call(who, 'confirmPort', { requestId });
      expect(sim.error).toMatchObject({ code: 'REQUEST_CLOSED', detail: { requestId, status: 'confirmed' } });
    }
    expect(stored(`number:${N1}`)).toMatchObject({ carrier: 'TelcoB' });
  });

  it('refuses an unknown request with UNKNOWN_REQUEST and a malformed id with INVALID_ARGUMENT', async () => {
    const unknown = await call(telcoA, 'confirmPort', { requestId: 'pr-0000000000000000' });
    expect(unknown.error).toMatchObject({
      code: 'UNKNOWN_REQUEST',
      detail: { requestId: 'pr-0000000000000000' },
    });
    for (const bad of ['req-1', 'pr-0123', `pr-${'A'.repeat(16)}`]) {
      const sim = await call(telcoA, 'confirmPort', { requestId: bad });
      expect(sim.error?.code).toBe('INVALID_ARGUMENT');
      expect(sim.error?.message).toContain("'requestId'");
    }
  });

  it('makes the recipient the donor of the next port', async () => {
    await call(telcoA, 'confirmPort', { requestId });
    const back = await request(N1, telcoA);
    expect(stored(`request:${back}`)).toMatchObject({ donor: 'TelcoB', recipient: 'TelcoA' });
    expect((await call(telcoA, 'confirmPort', { requestId: back })).error?.code).toBe('NOT_OWNER');
    expect((await call(telcoB, 'confirmPort', { requestId: back })).ok).toBe(true);
    expect(stored(`number:${N1}`)).toMatchObject({ carrier: 'TelcoA' });
  });
});

describe('rejectPort', () => {
  let requestId: string;
  beforeEach(async () => {
    await register(N1, 'TelcoA');
    requestId = await request(N1, telcoB);
  });

  it.each([
    [{}, 'missing'],
    [{ reason: '' }, 'empty'],
    [{ reason: '   ' }, 'blank'],
    [{ reason: 'x'.repeat(501) }, 'longer than 500'],
    [{ reason: 42 }, 'not a string'],
  ])('requires a reason: %j (%s) is INVALID_ARGUMENT naming reason', async (extra, _why) => {
    const sim = await call(telcoA, 'rejectPort', { requestId, ...extra });
    expect(sim.error?.code).toBe('INVALID_ARGUMENT');
    expect(sim.error?.message).toContain("'reason'");
    expect(stored(`request:${requestId}`)).toMatchObject({ status: 'open' });
  });

  it.each([
    ['the recipient', telcoB],
    ['a third carrier', telcoC],
    ['the regulator', regulator],
  ])('refuses %s with NOT_OWNER', async (_who, who) => {
    const sim = await call(who, 'rejectPort', { requestId, reason: 'no' });
    expect(sim.error).toMatchObject({ code: 'NOT_OWNER', detail: { owner: 'TelcoA' } });
    expect(stored(`request:${requestId}`)).toMatchObject({ status: 'open' });
  });

  it('lets the owner reject with a reason: the number stays, and a new request is then possible', async () => {
    const sim = await call(telcoA, 'rejectPort', { requestId, reason: '  name does not match  ' });
    expect(sim.result).toEqual({ requestId, status: 'rejected' });
    expect(events(sim)).toEqual([['PortRejected', { requestId, number: N1, reason: 'name does not match' }]]);
    expect(stored(`request:${requestId}`)).toMatchObject({
      status: 'rejected',
      reason: 'name does not match',
      decidedAt: iso(sim.timestamp),
    });
    expect(stored(`number:${N1}`)).toMatchObject({ carrier: 'TelcoA', openRequestId: null });
    expect(stored(`open:${requestId}`)).toBeUndefined();
    expect((await call(telcoA, 'confirmPort', { requestId })).error?.code).toBe('REQUEST_CLOSED');
    expect((await call(telcoA, 'rejectPort', { requestId, reason: 'again' })).error?.code).toBe(
      'REQUEST_CLOSED',
    );
    const next = await request(N1, telcoC);
    expect(next).not.toBe(requestId);
    expect(stored(`number:${N1}`)).toMatchObject({ openRequestId: next });
  });

  it('refuses an unknown request with UNKNOWN_REQUEST', async () => {
    const sim = await call(telcoA, 'rejectPort', { requestId: 'pr-ffffffffffffffff', reason: 'no' });
    expect(sim.error?.code).toBe('UNKNOWN_REQUEST');
  });
});

describe('cancelPort', () => {
  let requestId: string;
  beforeEach(async () => {
    await register(N1, 'TelcoA');
    requestId = await request(N1, telcoB);
  });

  it.each([
    ['the donor', telcoA],
    ['a third carrier', telcoC],
    ['the regulator', regulator],
  ])('refuses %s with NOT_RECIPIENT', async (_who, who) => {
    const sim = await call(who, 'cancelPort', { requestId });
    expect(sim.error).toMatchObject({ code: 'NOT_RECIPIENT', detail: { recipient: 'TelcoB' } });
    expect(stored(`request:${requestId}`)).toMatchObject({ status: 'open' });
  });

  it('lets the recipient cancel: the number is free again and stays with its owner', async () => {
    const sim = await call(telcoB, 'cancelPort', { requestId });
    expect(sim.result).toEqual({ requestId, status: 'cancelled' });
    expect(events(sim)).toEqual([['PortCancelled', { requestId, number: N1 }]]);
    expect(stored(`request:${requestId}`)).toMatchObject({
      status: 'cancelled',
      decidedAt: iso(sim.timestamp),
    });
    expect(stored(`number:${N1}`)).toMatchObject({ carrier: 'TelcoA', openRequestId: null });
    expect(stored(`open:${requestId}`)).toBeUndefined();
    expect((await call(telcoB, 'cancelPort', { requestId })).error).toMatchObject({
      code: 'REQUEST_CLOSED',
      detail: { status: 'cancelled' },
    });
    expect((await call(telcoA, 'confirmPort', { requestId })).error?.code).toBe('REQUEST_CLOSED');
    await request(N1, telcoB);
  });

  it('refuses an unknown request with UNKNOWN_REQUEST', async () => {
    expect((await call(telcoB, 'cancelPort', { requestId: 'pr-ffffffffffffffff' })).error?.code).toBe(
      'UNKNOWN_REQUEST',
    );
  });
});

describe('getNumber and getRequest', () => {
  it('return the records to any org, and UNKNOWN_NUMBER / UNKNOWN_REQUEST for missing ones', async () => {
    const reg = await register(N1, 'TelcoA');
    for (const who of [regulator, telcoA, telcoB, telcoC]) {
      expect((await query(who, 'getNumber', { number: N1 })).result).toEqual(reg.result);
    }
    expect((await query(telcoB, 'getNumber', { number: N2 })).error).toMatchObject({
      code: 'UNKNOWN_NUMBER',
      detail: { number: N2 },
    });
    expect((await query(telcoB, 'getNumber', { number: '0151' })).error?.code).toBe('INVALID_NUMBER');
    expect((await query(telcoB, 'getRequest', { requestId: 'pr-0123456789abcdef' })).error?.code).toBe(
      'UNKNOWN_REQUEST',
    );
  });
});

describe('numberHistory', () => {
  it('lists every change of the number, oldest first, with its txId and ISO timestamp', async () => {
    const reg = await register(N1, 'TelcoA');
    const r1 = await call(telcoB, 'requestPort', {
      number: N1,
      encryptedCustomerData: DATA,
      contractHash: HASH,
    });
    const id1 = (r1.result as { requestId: string }).requestId;
    const rej = await call(telcoA, 'rejectPort', { requestId: id1, reason: 'contract unsigned' });
    const r2 = await call(
      telcoC,
      'requestPort',
      { number: N1, encryptedCustomerData: DATA, contractHash: HASH },
      { at: clock + 5 * HOUR },
    );
    const id2 = (r2.result as { requestId: string }).requestId;
    const conf = await call(telcoA, 'confirmPort', { requestId: id2 });
    await register(N2, 'TelcoB'); // another number does not appear

    const sim = await query(telcoC, 'numberHistory', { number: N1 });
    expect(sim.result).toEqual([
      {
        txId: reg.txId,
        timestamp: iso(reg.timestamp),
        carrier: 'TelcoA',
        openRequestId: null,
        deleted: false,
      },
      { txId: r1.txId, timestamp: iso(r1.timestamp), carrier: 'TelcoA', openRequestId: id1, deleted: false },
      {
        txId: rej.txId,
        timestamp: iso(rej.timestamp),
        carrier: 'TelcoA',
        openRequestId: null,
        deleted: false,
      },
      { txId: r2.txId, timestamp: iso(r2.timestamp), carrier: 'TelcoA', openRequestId: id2, deleted: false },
      {
        txId: conf.txId,
        timestamp: iso(conf.timestamp),
        carrier: 'TelcoC',
        openRequestId: null,
        deleted: false,
      },
    ]);
    expect(r2.timestamp - rej.timestamp).toBe(5 * HOUR);
  });

  it('refuses a number that was never registered with UNKNOWN_NUMBER', async () => {
    expect((await query(regulator, 'numberHistory', { number: N3 })).error).toMatchObject({
      code: 'UNKNOWN_NUMBER',
      detail: { number: N3 },
    });
  });
});

describe('openRequests (SLA report)', () => {
  it.each([
    ['TelcoA admin', telcoA],
    ['TelcoB client', telcoB],
  ])('refuses %s with NOT_REGULATOR', async (_who, who) => {
    const sim = await query(who, 'openRequests', {});
    expect(sim.error).toMatchObject({ code: 'NOT_REGULATOR', detail: { caller: who.mspId } });
  });

  it('lists open requests oldest first with their age, and filters by olderThanHours', async () => {
    for (const n of [N1, N2, N3]) await register(n, 'TelcoA');
    const id1 = await request(N1, telcoB, T0 + 1 * HOUR);
    const id2 = await request(N2, telcoC, T0 + 6 * HOUR);
    const id3 = await request(N3, telcoB, T0 + 31 * HOUR);
    const at = T0 + 49 * HOUR;

    const all = await query(regulator, 'openRequests', {}, at);
    expect(all.result).toEqual([
      {
        requestId: id1,
        number: N1,
        donor: 'TelcoA',
        recipient: 'TelcoB',
        requestedAt: iso(T0 + HOUR),
        ageHours: 48,
      },
      {
        requestId: id2,
        number: N2,
        donor: 'TelcoA',
        recipient: 'TelcoC',
        requestedAt: iso(T0 + 6 * HOUR),
        ageHours: 43,
      },
      {
        requestId: id3,
        number: N3,
        donor: 'TelcoA',
        recipient: 'TelcoB',
        requestedAt: iso(T0 + 31 * HOUR),
        ageHours: 18,
      },
    ]);
    const ids = async (olderThanHours: number) =>
      (
        (await query(regulator, 'openRequests', { olderThanHours }, at)).result as { requestId: string }[]
      ).map((r) => r.requestId);
    expect(await ids(24)).toEqual([id1, id2]);
    expect(await ids(45)).toEqual([id1]);
    expect(await ids(43)).toEqual([id1, id2]);
    expect(await ids(0)).toEqual([id1, id2, id3]);
    expect(await ids(100)).toEqual([]);

    // Closed requests leave the report.
    await call(telcoA, 'confirmPort', { requestId: id1 }, { at: T0 + 50 * HOUR });
    await call(telcoB, 'cancelPort', { requestId: id3 }, { at: T0 + 50 * HOUR });
    expect(await ids(0)).toEqual([id2]);
  });

  it('reports fractional ages rounded down to a tenth of an hour', async () => {
    await register(N1, 'TelcoA');
    const id = await request(N1, telcoB, T0);
    const sim = await query(regulator, 'openRequests', {}, T0 + 90 * 60_000 + 5 * 60_000);
    expect(sim.result).toEqual([expect.objectContaining({ requestId: id, ageHours: 1.5 })]);
  });

  it('lists, without olderThanHours, a request stamped later than the query (client clock skew)', async () => {
    await register(N1, 'TelcoA');
    const id = await request(N1, telcoB, T0 + 10 * 60_000);
    const early = T0 + 9 * 60_000;
    const sim = await query(regulator, 'openRequests', {}, early);
    expect(sim.result).toEqual([expect.objectContaining({ requestId: id, ageHours: 0 })]);
    expect((await query(regulator, 'openRequests', { olderThanHours: 0 }, early)).result).toEqual([]);
  });

  it('refuses a negative or non-numeric olderThanHours with INVALID_ARGUMENT', async () => {
    for (const olderThanHours of [-1, '24', 24 * 366]) {
      const sim = await query(regulator, 'openRequests', { olderThanHours });
      expect(sim.error?.code).toBe('INVALID_ARGUMENT');
      expect(sim.error?.message).toContain("'olderThanHours'");
    }
  });
});

describe('concurrent requests (MVCC)', () => {
  it('two carriers requesting the same number against the same state both read and write its key at one version', async () => {
    await register(N1, 'TelcoA');
    const committed = state.getState(NS, `number:${N1}`)!.version;
    const args = { number: N1, encryptedCustomerData: DATA, contractHash: HASH };
    const fromB = await call(telcoB, 'requestPort', args, { commit: false });
    const fromC = await call(telcoC, 'requestPort', args, { commit: false });
    expect(fromB.ok && fromC.ok).toBe(true);
    expect(fromB.result).not.toEqual(fromC.result);

    const key = `number:${N1}`;
    for (const sim of [fromB, fromC]) {
      const ns = sim.rwset.ns.find((n) => n.namespace === NS)!;
      const read = ns.reads.find((r) => r.key === key);
      expect(read?.version).toMatchObject({ block: BigInt(committed.block), tx: committed.tx });
      expect(ns.writes.some((w) => w.key === key && !w.isDelete)).toBe(true);
    }

    // Once one of them is committed, the other's read version is stale: validation flags it.
    state.commit(fromB.rwset, { txId: fromB.txId, timestamp: fromB.timestamp });
    const now = state.getState(NS, key)!.version;
    const readC = fromC.rwset.ns[0]!.reads.find((r) => r.key === key)!;
    expect(BigInt(now.block)).not.toBe(readC.version?.block);
    expect(stored(`number:${N1}`)).toMatchObject({
      openRequestId: (fromB.result as { requestId: string }).requestId,
    });
  });

  it('is deterministic: the same proposal simulates to the same read-write set on every endorser', async () => {
    await register(N1, 'TelcoA');
    const txId = nextTxId();
    const args = { number: N1, encryptedCustomerData: DATA, contractHash: HASH };
    const at = clock + 60_000;
    const a = await call(telcoB, 'requestPort', args, { commit: false, txId, at });
    const b = await call(telcoB, 'requestPort', args, { commit: false, txId, at });
    expect(a.rwset).toEqual(b.rwset);
    expect(a.events).toEqual(b.events);
  });
});

describe('description', () => {
  it('describes every transaction and query the issue names', () => {
    const d = describeContract(numberPortability);
    expect(d.name).toBe(NS);
    expect(Object.keys(d.transactions).sort()).toEqual([
      'cancelPort',
      'confirmPort',
      'registerNumber',
      'rejectPort',
      'requestPort',
    ]);
    expect(Object.keys(d.queries).sort()).toEqual([
      'getNumber',
      'getRequest',
      'numberHistory',
      'openRequests',
    ]);
    expect(d.transactions.requestPort?.argsJsonSchema).toMatchObject({
      type: 'object',
      required: ['number', 'encryptedCustomerData', 'contractHash'],
    });
  });
});
