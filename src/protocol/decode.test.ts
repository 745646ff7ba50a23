import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsortiaError, utf8 } from '../common/index.js';
import { sha256 } from '../crypto/index.js';
import {
  BlockSchema,
  EnvelopeSchema,
  IdentitySchema,
  PayloadSchema,
  SignedProposalSchema,
  TransactionSchema,
} from './gen/consortia_pb.js';
import {
  assembleConfigTransaction,
  type ChannelConfig,
  DEFAULT_BATCH,
  DEFAULT_POLICIES,
  decodeChannelConfig,
  decodeIdentity,
  decodeMessage,
  decodeProposalResponse,
  emptyRwSet,
  encodeBlock,
  encodeChannelConfig,
  encodeConfigPayload,
  encodeEnvelope,
  encodeIdentity,
  encodeProposalResponse,
  encodeResponsePayload,
  encodeSignedProposal,
  encodeTransactionPayload,
  MAX_MESSAGE_BYTES,
  newBlockHeader,
  newConfigUpdate,
  newProposal,
  parseBlock,
  parseEnvelope,
  parseSignedProposal,
} from './index.js';

// Fixed seed: property tests explore the same cases on every run.
fc.configureGlobal({ seed: 0x5eed });

/**
 * Decoders face bytes from the network. Whatever the bytes, they must return or throw a
 * ConsortiaError with one of these codes: never a TypeError, RangeError or a hang.
 */
const ALLOWED = new Set(['MALFORMED_MESSAGE', 'BAD_TXID', 'BLOCK_DATA_HASH_MISMATCH', 'INVALID_CONFIG']);

function onlyConsortiaErrors(decode: (bytes: Uint8Array) => unknown, bytes: Uint8Array): void {
  try {
    decode(bytes);
  } catch (err) {
    if (!(err instanceof ConsortiaError)) {
      throw new Error(
        `a ${(err as Error)?.constructor?.name} escaped for ${Buffer.from(bytes).toString('hex')}`,
        {
          cause: err,
        },
      );
    }
    expect(ALLOWED).toContain(err.code);
  }
}

// ---- valid encodings to mutate ----

const creator = encodeIdentity('TelcoA', utf8('client cert'));
const endorser = encodeIdentity('TelcoB', utf8('peer cert'), true);
const transient = new Map([['secret', utf8('42')]]);
const proposal = newProposal({
  channel: 'telecom',
  contract: 'asset',
  fn: 'create',
  args: { id: 'a1' },
  creator,
  transient,
  timestamp: 1_700_000_000_000,
  nonce: new Uint8Array(24).fill(1),
});
const responsePayload = encodeResponsePayload({
  proposalHash: sha256(proposal.bytes),
  results: emptyRwSet(),
  events: [],
  status: 200,
  message: 'ok',
  payload: utf8('{}'),
  contractVersion: '1',
});
const sig = new Uint8Array(64).fill(2);
const endorserPayload = encodeTransactionPayload(proposal.bytes, responsePayload, [
  { endorser, signature: sig },
]);
const endorserEnvelope = encodeEnvelope(endorserPayload, sig);

const config: ChannelConfig = {
  channel: 'telecom',
  sequence: 1,
  orgs: [
    { mspId: 'TelcoA', rootCerts: ['rootA'], endpoints: [{ node: 'p0', role: 'peer', address: 'h:1' }] },
  ],
  ordererOrgs: [{ mspId: 'OrdererOrg', rootCerts: ['rootO'] }],
  policies: DEFAULT_POLICIES,
  batch: DEFAULT_BATCH,
  ordering: { type: 'solo', signaturesRequired: 1 },
  contracts: [{ name: 'asset', version: '1', sequence: 1, endorsementPolicy: 'ANY Endorsement' }],
};
const configBytes = encodeChannelConfig(config);
const update = newConfigUpdate({ config, creator, nonce: new Uint8Array(24).fill(3), timestamp: 5 });
const configEnvelope = encodeEnvelope(
  encodeConfigPayload(assembleConfigTransaction(update, [{ signer: creator, signature: sig }])),
  sig,
);

const envelopes = [endorserEnvelope, configEnvelope];
const header = newBlockHeader({
  channel: 'telecom',
  number: 9,
  previousHash: sha256(),
  envelopes,
  timestamp: 7,
});
const block = encodeBlock(header, envelopes, [{ signer: creator, signature: sig }], new Uint8Array([0, 12]));
const signedProposal = encodeSignedProposal(proposal.bytes, sig, transient);
const identities = [creator, endorser];
const proposalResponse = encodeProposalResponse(
  { status: 200, message: 'ok', payload: utf8('{}') },
  { payload: responsePayload, endorser, signature: sig },
);

// ---- mutations ----

type Mutation = (b: Uint8Array) => Uint8Array;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }).map(
    ({ at, mask }): Mutation =>
      (b) => {
        if (b.byteLength === 0) return b;
        const out = new Uint8Array(b);
        const i = at % out.byteLength;
        out[i] = (out[i] ?? 0) ^ mask;
        return out;
      },
  ),
  fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }).map(
    ({ at, value }): Mutation =>
      (b) => {
        if (b.byteLength === 0) return b;
        const out = new Uint8Array(b);
        out[at % out.byteLength] = value;
        return out;
      },
  ),
  fc.nat().map(
    (at): Mutation =>
      (b) =>
        b.subarray(0, at % (b.byteLength + 1)),
  ),
  fc.record({ at: fc.nat(), len: fc.integer({ min: 1, max: 16 }) }).map(
    ({ at, len }): Mutation =>
      (b) => {
        const i = at % (b.byteLength + 1);
        return new Uint8Array([...b.subarray(0, i), ...b.subarray(i + len)]);
      },
  ),
  fc.record({ at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }).map(
    ({ at, bytes }): Mutation =>
      (b) => {
        const i = at % (b.byteLength + 1);
        return new Uint8Array([...b.subarray(0, i), ...bytes, ...b.subarray(i)]);
      },
  ),
);

const mutationsOf = (valid: readonly Uint8Array[]) =>
  fc
    .tuple(fc.constantFrom(...valid), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([b, ms]) => ms.reduce((acc, m) => m(acc), b));

const garbage = fc.uint8Array({ maxLength: 600 });

const RUNS = { numRuns: 800 };

describe('decoders never throw anything but a ConsortiaError (property)', () => {
  const cases: [string, (b: Uint8Array) => unknown, readonly Uint8Array[]][] = [
    ['parseEnvelope', parseEnvelope, envelopes],
    ['parseBlock', parseBlock, [block]],
    ['parseSignedProposal', parseSignedProposal, [signedProposal]],
    ['decodeIdentity', decodeIdentity, identities],
    ['decodeProposalResponse', decodeProposalResponse, [proposalResponse]],
    ['decodeChannelConfig', decodeChannelConfig, [configBytes]],
  ];

  for (const [name, decode, valid] of cases) {
    it(`${name}: the valid encodings decode`, () => {
      for (const b of valid) expect(() => decode(b)).not.toThrow();
    });

    it(`${name}: arbitrary bytes`, () => {
      fc.assert(
        fc.property(garbage, (b) => {
          onlyConsortiaErrors(decode, b);
        }),
        RUNS,
      );
    });

    it(`${name}: mutations and truncations of valid encodings`, () => {
      fc.assert(
        fc.property(mutationsOf(valid), (b) => {
          onlyConsortiaErrors(decode, b);
        }),
        RUNS,
      );
    });
  }
});

describe('nested decoding never throws anything but a ConsortiaError (property)', () => {
  it('parseEnvelope with a mutated payload, transaction, proposal or response payload inside a well-formed envelope', () => {
    const tx = fromBinary(TransactionSchema, fromBinary(PayloadSchema, endorserPayload).data);
    const wrap = (t: typeof tx) =>
      encodeEnvelope(
        toBinary(PayloadSchema, create(PayloadSchema, { type: 1, data: toBinary(TransactionSchema, t) })),
        sig,
      );
    const layers: ((m: Mutation) => Uint8Array)[] = [
      (m) => encodeEnvelope(m(endorserPayload), sig),
      (m) => encodeEnvelope(m(fromBinary(EnvelopeSchema, configEnvelope).payload), sig),
      (m) => wrap({ ...tx, proposal: m(tx.proposal) }),
      (m) => wrap({ ...tx, responsePayload: m(tx.responsePayload) }),
      (m) => wrap({ ...tx, endorsements: [], proposal: m(proposal.bytes) }),
    ];
    fc.assert(
      fc.property(
        fc.nat({ max: layers.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (l, ms) => {
          const bytes = layers[l]!((b) => ms.reduce((acc, m) => m(acc), b));
          onlyConsortiaErrors(parseEnvelope, bytes);
        },
      ),
      RUNS,
    );
  });

  it('parseBlock then parseEnvelope of each envelope, with mutated envelopes under a matching data hash', () => {
    fc.assert(
      fc.property(fc.array(mutationsOf(envelopes), { minLength: 1, maxLength: 3 }), (envs) => {
        const h = newBlockHeader({
          channel: 'telecom',
          number: 1,
          previousHash: sha256(),
          envelopes: envs,
          timestamp: 1,
        });
        const parsed = parseBlock(encodeBlock(h, envs, []));
        expect(parsed.envelopes).toHaveLength(envs.length);
        for (const env of parsed.envelopes) onlyConsortiaErrors(parseEnvelope, env);
      }),
      RUNS,
    );
  });

  it('parseSignedProposal with a mutated proposal or transient entries', () => {
    fc.assert(
      fc.property(
        mutationsOf([proposal.bytes]),
        fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 })), { maxLength: 3 }),
        (p, entries) => {
          onlyConsortiaErrors(parseSignedProposal, encodeSignedProposal(p, sig, new Map(entries)));
          const sp = toBinary(
            SignedProposalSchema,
            create(SignedProposalSchema, {
              proposal: p,
              transient: entries.map(([key, value]) => ({ key, value })),
            }),
          );
          onlyConsortiaErrors(parseSignedProposal, sp);
        },
      ),
      RUNS,
    );
  });

  it('decodeIdentity with arbitrary field values', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 40 }),
        (mspId, cert, certHash) => {
          onlyConsortiaErrors(
            decodeIdentity,
            toBinary(IdentitySchema, create(IdentitySchema, { mspId, cert, certHash })),
          );
        },
      ),
    );
  });

  it('decodeChannelConfig with arbitrary JSON, and the valid config with one value replaced', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    const replaced = fc.tuple(fc.nat(), json).map(([at, value]) => {
      const paths: (string | number)[][] = [];
      const walk = (v: unknown, path: (string | number)[]) => {
        paths.push(path);
        if (v !== null && typeof v === 'object') {
          for (const [k, child] of Object.entries(v))
            walk(child, [...path, Array.isArray(v) ? Number(k) : k]);
        }
      };
      walk(config, []);
      const path = paths[at % paths.length]!;
      const copy = structuredClone(config) as unknown as Record<string | number, unknown>;
      if (path.length === 0) return value;
      let target = copy;
      for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
      target[path.at(-1)!] = value;
      return copy;
    });
    fc.assert(
      fc.property(fc.oneof(json, replaced), (value) => {
        onlyConsortiaErrors(decodeChannelConfig, utf8(JSON.stringify(value) ?? 'null'));
      }),
      RUNS,
    );
  });
});

describe('decodeMessage limits', () => {
  it('refuses non-byte input and oversized input with MALFORMED_MESSAGE', () => {
    for (const input of [undefined, null, 'text', [1, 2], { length: 1 }]) {
      onlyConsortiaErrors(parseEnvelope, input as unknown as Uint8Array);
      expect(() => parseEnvelope(input as unknown as Uint8Array)).toThrow(ConsortiaError);
    }
    const huge = new Uint8Array(MAX_MESSAGE_BYTES + 1);
    try {
      decodeMessage(BlockSchema, huge, 'block');
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(ConsortiaError);
      expect((err as ConsortiaError).code).toBe('MALFORMED_MESSAGE');
    }
  });

  it('names the message and keeps the decoder error as cause', () => {
    try {
      decodeMessage(EnvelopeSchema, new Uint8Array([0x0a, 0x05]), 'envelope');
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(ConsortiaError);
      expect((err as ConsortiaError).detail).toEqual({ what: 'envelope' });
      expect((err as ConsortiaError).message).toContain('envelope');
      expect((err as ConsortiaError).cause).toBeInstanceOf(Error);
    }
  });

  it('refuses deeply nested unknown groups instead of overflowing the stack', () => {
    const deep = new Uint8Array(200_000).fill(0x7b);
    for (const decode of [
      parseEnvelope,
      parseBlock,
      parseSignedProposal,
      decodeIdentity,
      decodeProposalResponse,
    ]) {
      onlyConsortiaErrors(decode, deep);
      expect(() => decode(deep)).toThrow(ConsortiaError);
    }
  });

  it('refuses deeply nested JSON as a channel config with INVALID_CONFIG', () => {
    for (const text of [
      '['.repeat(100_000) + ']'.repeat(100_000),
      `{"orgs":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    ]) {
      onlyConsortiaErrors(decodeChannelConfig, utf8(text));
      expect(() => decodeChannelConfig(utf8(text))).toThrow(ConsortiaError);
    }
  });
});
