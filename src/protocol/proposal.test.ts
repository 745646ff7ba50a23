import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsortiaError, concatBytes, fromUtf8, toHex, utf8 } from '../common/index.js';
import { sha256, sha256Hex } from '../crypto/index.js';
import { ProposalSchema, SignedProposalSchema, TransientEntrySchema } from './gen/consortia_pb.js';
import {
  computeTxId,
  decodeArgs,
  encodeArgs,
  encodeIdentity,
  encodeSignedProposal,
  newProposal,
  ProtocolErrorCodes,
  parseProposal,
  parseSignedProposal,
  transientHash,
} from './index.js';

// Fixed seed: property tests explore the same cases on every run.
fc.configureGlobal({ seed: 0x5eed });

const creator = encodeIdentity('TelcoA', utf8('fake certificate DER'));
const nonce = new Uint8Array(24).map((_, i) => i + 1);
const signature = new Uint8Array(64).fill(7);
const base = {
  channel: 'telecom',
  contract: 'asset',
  fn: 'create',
  creator,
  nonce,
  timestamp: 1_700_000_000_000,
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

const codeOf = (fn: () => unknown) => errorOf(fn).code;

/** Re-encodes proposal bytes after changing some fields. */
function editProposal(
  bytes: Uint8Array,
  edit: (p: ReturnType<typeof fromBinary<typeof ProposalSchema>>) => void,
) {
  const p = fromBinary(ProposalSchema, bytes);
  edit(p);
  return toBinary(ProposalSchema, p);
}

describe('newProposal / parseProposal', () => {
  it('round-trips every field and keeps the signed bytes', () => {
    const { bytes, txId } = newProposal({ ...base, args: { id: 'a1', n: 3 } });
    const p = parseProposal(bytes);
    expect(p.bytes).toBe(bytes);
    expect(toHex(p.hash)).toBe(toHex(sha256(bytes)));
    expect(p).toMatchObject({
      channel: 'telecom',
      contract: 'asset',
      fn: 'create',
      txId,
      timestamp: 1_700_000_000_000,
    });
    expect(p.nonce).toEqual(nonce);
    expect(p.creatorBytes).toEqual(creator);
    expect(p.creator.mspId).toBe('TelcoA');
    expect(fromUtf8(p.argsBytes)).toBe('{"id":"a1","n":3}');
    expect(p.transientHash.byteLength).toBe(0);
  });

  it('computes txId as hex SHA-256(nonce ‖ creator)', () => {
    const { txId } = newProposal(base);
    expect(txId).toBe(sha256Hex(concatBytes(nonce, creator)));
    expect(txId).toBe(computeTxId(nonce, creator));
    expect(txId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('draws a fresh 24-byte nonce by default, so tx ids differ', () => {
    const { nonce: _n, ...noNonce } = base;
    const b = parseProposal(newProposal(noNonce).bytes);
    const c = parseProposal(newProposal(noNonce).bytes);
    expect(b.nonce.byteLength).toBe(24);
    expect(toHex(b.nonce)).not.toBe(toHex(c.nonce));
    expect(b.txId).not.toBe(c.txId);
    expect(b.txId).toBe(computeTxId(b.nonce, creator));
  });

  it('defaults args to {} and the timestamp to now', () => {
    const before = Date.now();
    const { timestamp: _t, ...noTime } = base;
    const p = parseProposal(newProposal(noTime).bytes);
    expect(fromUtf8(p.argsBytes)).toBe('{}');
    expect(p.timestamp).toBeGreaterThanOrEqual(before);
    expect(p.timestamp).toBeLessThanOrEqual(Date.now());
  });

  it('refuses a timestamp that is not a whole non-negative safe number', () => {
    for (const timestamp of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(codeOf(() => newProposal({ ...base, timestamp }))).toBe('MALFORMED_MESSAGE');
    }
  });

  it('refuses a proposal whose txId was altered with BAD_TXID', () => {
    const { bytes } = newProposal(base);
    const forged = editProposal(bytes, (p) => {
      p.txId = sha256Hex(utf8('another'));
    });
    const err = errorOf(() => parseProposal(forged));
    expect(err.code).toBe(ProtocolErrorCodes.BAD_TXID);
    expect(err.detail).toEqual({ txId: sha256Hex(utf8('another')) });
  });

  it('does not carry the txId, which readers derive from nonce and creator', () => {
    const { bytes, txId } = newProposal(base);
    expect(fromBinary(ProposalSchema, bytes).txId).toBe('');
    expect(Buffer.from(bytes).includes(txId)).toBe(false);
    // A proposal that carries it, as earlier clients wrote them, reads the same.
    const explicit = editProposal(bytes, (p) => {
      p.txId = txId;
    });
    expect(parseProposal(explicit).txId).toBe(txId);
  });

  it('refuses a proposal whose nonce or creator changed under the same txId', () => {
    const { bytes: derived, txId } = newProposal(base);
    const bytes = editProposal(derived, (p) => {
      p.txId = txId;
    });
    const otherNonce = editProposal(bytes, (p) => {
      p.nonce = new Uint8Array(24).fill(9);
    });
    const otherCreator = editProposal(bytes, (p) => {
      p.creator = encodeIdentity('TelcoB', utf8('fake certificate DER'));
    });
    expect(codeOf(() => parseProposal(otherNonce))).toBe('BAD_TXID');
    expect(codeOf(() => parseProposal(otherCreator))).toBe('BAD_TXID');
  });

  it('refuses a missing channel, contract or function with MALFORMED_MESSAGE', () => {
    for (const missing of [{ channel: '' }, { contract: '' }, { fn: '' }]) {
      expect(codeOf(() => parseProposal(newProposal({ ...base, ...missing }).bytes))).toBe(
        ProtocolErrorCodes.MALFORMED_MESSAGE,
      );
    }
  });

  it('refuses a short nonce, a bad creator, a huge timestamp and undecodable bytes', () => {
    expect(codeOf(() => parseProposal(newProposal({ ...base, nonce: new Uint8Array(7) }).bytes))).toBe(
      'MALFORMED_MESSAGE',
    );
    expect(
      codeOf(() => parseProposal(newProposal({ ...base, creator: utf8('not an identity') }).bytes)),
    ).toBe('MALFORMED_MESSAGE');
    const late = editProposal(newProposal(base).bytes, (p) => {
      p.timestamp = 2n ** 60n;
    });
    expect(codeOf(() => parseProposal(late))).toBe('MALFORMED_MESSAGE');
    expect(codeOf(() => parseProposal(new Uint8Array([0xff, 0xff, 0xff])))).toBe('MALFORMED_MESSAGE');
    expect(codeOf(() => parseProposal(new Uint8Array(0)))).toBe('MALFORMED_MESSAGE');
  });
});

describe('signed proposals and transient data', () => {
  const transient = new Map([
    ['price', utf8('42')],
    ['buyer', utf8('TelcoB')],
  ]);

  it('round-trips proposal bytes, signature and transient data', () => {
    const { bytes } = newProposal({ ...base, transient });
    const signed = parseSignedProposal(encodeSignedProposal(bytes, signature, transient));
    expect(Buffer.compare(signed.proposal.bytes, bytes)).toBe(0);
    expect(signed.signature).toEqual(signature);
    expect(signed.transient).toEqual(transient);
    expect(toHex(signed.proposal.transientHash)).toBe(toHex(transientHash(transient)));
  });

  it('round-trips a signed proposal without transient data', () => {
    const { bytes, txId } = newProposal(base);
    const signed = parseSignedProposal(encodeSignedProposal(bytes, signature));
    expect(signed.proposal.txId).toBe(txId);
    expect(signed.transient.size).toBe(0);
    expect(parseSignedProposal(encodeSignedProposal(bytes, signature, new Map())).transient.size).toBe(0);
  });

  it('hashes the transient map independently of insertion order', () => {
    const reversed = new Map([...transient].reverse());
    expect(toHex(transientHash(reversed))).toBe(toHex(transientHash(transient)));
    const { bytes } = newProposal({ ...base, transient });
    expect(parseSignedProposal(encodeSignedProposal(bytes, signature, reversed)).transient.size).toBe(2);
    expect(transientHash(undefined).byteLength).toBe(0);
    expect(transientHash(new Map()).byteLength).toBe(0);
  });

  it('binds keys and values so they cannot be re-split', () => {
    const a = transientHash(new Map([['ab', utf8('c')]]));
    const b = transientHash(new Map([['a', utf8('bc')]]));
    expect(toHex(a)).not.toBe(toHex(b));
  });

  it('refuses transient data that does not match the signed hash with MALFORMED_MESSAGE', () => {
    const { bytes, txId } = newProposal({ ...base, transient });
    const cases = [
      new Map([...transient, ['price', utf8('41')]]),
      new Map([['price', utf8('42')]]),
      new Map([...transient, ['extra', utf8('x')]]),
      new Map<string, Uint8Array>(),
    ];
    for (const shipped of cases) {
      const err = errorOf(() => parseSignedProposal(encodeSignedProposal(bytes, signature, shipped)));
      expect(err.code).toBe('MALFORMED_MESSAGE');
      expect(err.detail).toMatchObject({ txId });
    }
    const plain = newProposal(base).bytes;
    expect(codeOf(() => parseSignedProposal(encodeSignedProposal(plain, signature, transient)))).toBe(
      'MALFORMED_MESSAGE',
    );
  });

  it('refuses transient data that repeats a key', () => {
    const { bytes } = newProposal({ ...base, transient });
    const sp = fromBinary(SignedProposalSchema, encodeSignedProposal(bytes, signature, transient));
    // The last duplicate carries the signed value, so a map would hide the extra entry.
    sp.transient.unshift(create(TransientEntrySchema, { key: 'price', value: utf8('999') }));
    expect(codeOf(() => parseSignedProposal(toBinary(SignedProposalSchema, sp)))).toBe('MALFORMED_MESSAGE');
  });

  it('checks the inner proposal too', () => {
    const forged = editProposal(newProposal(base).bytes, (p) => {
      p.txId = 'f'.repeat(64);
    });
    expect(codeOf(() => parseSignedProposal(encodeSignedProposal(forged, signature)))).toBe('BAD_TXID');
  });
});

describe('encodeArgs / decodeArgs', () => {
  it('round-trips JSON objects (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), (args) => {
        expect(decodeArgs(encodeArgs(args))).toEqual(JSON.parse(JSON.stringify(args)));
      }),
    );
  });

  it('encodes undefined as {}', () => {
    expect(fromUtf8(encodeArgs(undefined))).toBe('{}');
  });

  it('refuses anything but a JSON object with INVALID_ARGS_ENCODING', () => {
    for (const bad of [null, [], [1], 'text', 3, true, 1n, new Date(0), { n: 1n }]) {
      expect(codeOf(() => encodeArgs(bad))).toBe(ProtocolErrorCodes.INVALID_ARGS_ENCODING);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(codeOf(() => encodeArgs(cyclic))).toBe('INVALID_ARGS_ENCODING');
  });

  it('refuses bytes that are not a UTF-8 JSON object', () => {
    for (const text of ['[]', 'null', '1', '"s"', 'true', '{', '', '{"a":1} x']) {
      expect(codeOf(() => decodeArgs(utf8(text)))).toBe('INVALID_ARGS_ENCODING');
    }
    expect(codeOf(() => decodeArgs(new Uint8Array([0x7b, 0xff, 0x7d])))).toBe('INVALID_ARGS_ENCODING');
  });

  it('throws only INVALID_ARGS_ENCODING on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const value = decodeArgs(bytes);
          expect(typeof value).toBe('object');
          expect(Array.isArray(value)).toBe(false);
        } catch (err) {
          expect(err).toBeInstanceOf(ConsortiaError);
          expect((err as ConsortiaError).code).toBe('INVALID_ARGS_ENCODING');
        }
      }),
    );
  });
});
