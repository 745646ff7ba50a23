import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsortiaError, fromUtf8, toHex, utf8 } from '../common/index.js';
import {
  type ChannelConfig,
  DEFAULT_BATCH,
  DEFAULT_POLICIES,
  decodeChannelConfig,
  encodeChannelConfig,
  ProtocolErrorCodes,
  validateChannelConfig,
} from './index.js';

// Fixed seed: property tests explore the same cases on every run.
fc.configureGlobal({ seed: 0x5eed });

const good: ChannelConfig = {
  channel: 'telecom',
  sequence: 0,
  orgs: [
    {
      mspId: 'TelcoA',
      rootCerts: ['rootA'],
      crls: ['crlA'],
      endpoints: [{ node: 'peer0', role: 'peer', address: 'localhost:7051' }],
    },
    { mspId: 'TelcoB', rootCerts: ['rootB'] },
  ],
  ordererOrgs: [
    { mspId: 'OrdererA', rootCerts: ['rootOA'] },
    { mspId: 'OrdererB', rootCerts: ['rootOB'] },
  ],
  policies: DEFAULT_POLICIES,
  batch: DEFAULT_BATCH,
  ordering: { type: 'etcd', signaturesRequired: 2 },
  contracts: [
    { name: 'asset', version: '1.0', sequence: 1, endorsementPolicy: 'MAJORITY Endorsement' },
    { name: 'number-portability', version: '2', sequence: 4, endorsementPolicy: "OR('TelcoA.member')" },
  ],
};

function errorOf(fn: () => unknown): ConsortiaError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConsortiaError) return err;
    throw err;
  }
  throw new Error('expected a ConsortiaError');
}

/** The config with `edit` applied to a deep copy. */
function variant(edit: (c: ChannelConfig) => void): unknown {
  const copy = structuredClone(good);
  edit(copy);
  return copy;
}

function refusal(value: unknown): { code: string; path: unknown } {
  const err = errorOf(() => validateChannelConfig(value));
  return { code: err.code, path: err.detail?.path };
}

/** The same value with every object's keys shuffled by a seeded permutation. */
function shuffleKeys(value: unknown, rand: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, rand));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, rand)]));
  }
  return value;
}

describe('validateChannelConfig', () => {
  it('accepts a good config and returns it', () => {
    expect(validateChannelConfig(good)).toEqual(good);
  });

  it('accepts an org that has no optional fields and a channel without contracts', () => {
    expect(validateChannelConfig(variant((c) => (c.contracts = []))).contracts).toEqual([]);
  });

  it('refuses a bad channel name, with the path', () => {
    for (const channel of ['Telecom', '1telecom', '', 'tele com', 'a'.repeat(250), 'tele_com']) {
      expect(refusal(variant((c) => (c.channel = channel)))).toEqual({
        code: ProtocolErrorCodes.INVALID_CONFIG,
        path: 'channel',
      });
    }
    expect(validateChannelConfig(variant((c) => (c.channel = 'a'.repeat(249)))).channel).toHaveLength(249);
  });

  it('refuses a duplicate org, within a list or across orgs and ordererOrgs', () => {
    const dupPeer = refusal(variant((c) => c.orgs.push({ mspId: 'TelcoA', rootCerts: ['x'] })));
    expect(dupPeer).toEqual({ code: 'INVALID_CONFIG', path: 'orgs.2.mspId' });
    const across = errorOf(() => validateChannelConfig(variant((c) => (c.ordererOrgs[1]!.mspId = 'TelcoB'))));
    expect(across.code).toBe('INVALID_CONFIG');
    expect(across.detail).toEqual({ path: 'ordererOrgs.1.mspId', mspId: 'TelcoB' });
    expect(across.message).toContain('TelcoB');
  });

  it('refuses a duplicate contract', () => {
    const err = errorOf(() =>
      validateChannelConfig(
        variant((c) =>
          c.contracts.push({ name: 'asset', version: '9', sequence: 1, endorsementPolicy: 'x' }),
        ),
      ),
    );
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.detail).toEqual({ path: 'contracts.2.name', contract: 'asset' });
  });

  it('refuses more required block signatures than ordering orgs', () => {
    expect(refusal(variant((c) => (c.ordering.signaturesRequired = 3)))).toEqual({
      code: 'INVALID_CONFIG',
      path: 'ordering.signaturesRequired',
    });
    expect(
      validateChannelConfig(variant((c) => (c.ordering.signaturesRequired = 1))).ordering.signaturesRequired,
    ).toBe(1);
  });

  it('names the path of shape errors', () => {
    expect(refusal(variant((c) => (c.orgs[1]!.rootCerts = [])))).toEqual({
      code: 'INVALID_CONFIG',
      path: 'orgs.1.rootCerts',
    });
    expect(refusal(variant((c) => (c.batch.maxBytes = 10)))).toEqual({
      code: 'INVALID_CONFIG',
      path: 'batch.maxBytes',
    });
    expect(refusal(variant((c) => (c.contracts[0]!.name = 'Asset')))).toEqual({
      code: 'INVALID_CONFIG',
      path: 'contracts.0.name',
    });
    expect(refusal(variant((c) => (c.orgs = [])))).toEqual({ code: 'INVALID_CONFIG', path: 'orgs' });
    expect(refusal(variant((c) => (c.sequence = -1)))).toEqual({ code: 'INVALID_CONFIG', path: 'sequence' });
    expect(refusal(null)).toEqual({ code: 'INVALID_CONFIG', path: '(root)' });
    expect(refusal([])).toEqual({ code: 'INVALID_CONFIG', path: '(root)' });
  });
});

describe('encodeChannelConfig / decodeChannelConfig', () => {
  it('round-trips', () => {
    expect(decodeChannelConfig(encodeChannelConfig(good))).toEqual(good);
  });

  it('writes canonical JSON: sorted keys, no whitespace', () => {
    const text = fromUtf8(encodeChannelConfig(good));
    expect(text.startsWith('{"batch":{"maxBytes":')).toBe(true);
    expect(text.replace(/"(?:[^"\\]|\\.)*"/g, '""')).not.toMatch(/\s/);
    // No key of a config is integer-like, so parsing keeps the text's key order.
    const checkSorted = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(checkSorted);
      else if (v !== null && typeof v === 'object') {
        expect(Object.keys(v)).toEqual(Object.keys(v).sort());
        Object.values(v).forEach(checkSorted);
      }
    };
    checkSorted(JSON.parse(text));
  });

  it('gives the same bytes for the same config with keys in any order (property)', () => {
    const expected = toHex(encodeChannelConfig(good));
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        let state = seed >>> 0 || 1;
        const rand = () => {
          state = (state * 1103515245 + 12345) >>> 0;
          return state / 2 ** 32;
        };
        const shuffled = shuffleKeys(good, rand) as ChannelConfig;
        expect(toHex(encodeChannelConfig(shuffled))).toBe(expected);
        // Decoding and re-encoding is stable too.
        expect(toHex(encodeChannelConfig(decodeChannelConfig(encodeChannelConfig(shuffled))))).toBe(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('decodes non-canonical JSON and re-encodes it canonically', () => {
    const pretty = utf8(
      JSON.stringify(
        shuffleKeys(good, () => 0.3),
        null,
        2,
      ),
    );
    expect(toHex(encodeChannelConfig(decodeChannelConfig(pretty)))).toBe(toHex(encodeChannelConfig(good)));
  });

  it('refuses bytes that are not UTF-8 JSON, or JSON that is not a valid config, with INVALID_CONFIG', () => {
    for (const bytes of [
      utf8(''),
      utf8('{'),
      new Uint8Array([0xff, 0xfe]),
      utf8('[]'),
      utf8('{"channel":"x"}'),
    ]) {
      expect(errorOf(() => decodeChannelConfig(bytes)).code).toBe('INVALID_CONFIG');
    }
  });
});
