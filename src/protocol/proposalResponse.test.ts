import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ConsortiaError, concatBytes, fromUtf8, toHex, utf8 } from '../common/index.js';
import { sha256 } from '../crypto/index.js';
import { ProposalResponsePayloadSchema } from './gen/consortia_pb.js';
import {
  ContractEventSchema,
  decodeProposalResponse,
  decodeResponsePayload,
  emptyRwSet,
  encodeIdentity,
  encodeProposalResponse,
  encodeResponsePayload,
  endorsementSigningBytes,
  KVWriteSchema,
  NsRwSetSchema,
  type ResponsePayloadInput,
  TxRwSetSchema,
} from './index.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConsortiaError) return err.code;
    throw err;
  }
  throw new Error('expected a ConsortiaError');
}

const endorser = encodeIdentity('TelcoB', utf8('endorser cert'));
const input: ResponsePayloadInput = {
  proposalHash: sha256(utf8('proposal bytes')),
  results: create(TxRwSetSchema, {
    ns: [
      create(NsRwSetSchema, {
        namespace: 'asset',
        writes: [create(KVWriteSchema, { key: 'a1', value: utf8('{"owner":"B"}') })],
      }),
    ],
  }),
  events: [create(ContractEventSchema, { name: 'Created', payload: utf8('{"id":"a1"}') })],
  status: 200,
  message: 'ok',
  payload: utf8('{"id":"a1"}'),
  contractVersion: '1.2',
};

describe('response payload', () => {
  it('round-trips every field', () => {
    const p = decodeResponsePayload(encodeResponsePayload(input));
    expect(toHex(p.proposalHash)).toBe(toHex(input.proposalHash));
    expect(p.results?.ns[0]?.namespace).toBe('asset');
    expect(p.results?.ns[0]?.writes[0]?.key).toBe('a1');
    expect(fromUtf8(p.results?.ns[0]?.writes[0]?.value ?? new Uint8Array())).toBe('{"owner":"B"}');
    expect(p.events.map((e) => e.name)).toEqual(['Created']);
    expect(p.response).toMatchObject({ status: 200, message: 'ok' });
    expect(fromUtf8(p.response?.payload ?? new Uint8Array())).toBe('{"id":"a1"}');
    expect(p.contractVersion).toBe('1.2');
  });

  it('encodes identical inputs to identical bytes (all endorsers sign the same bytes)', () => {
    expect(toHex(encodeResponsePayload(input))).toBe(toHex(encodeResponsePayload({ ...input })));
  });

  it('carries an empty read-write set', () => {
    const p = decodeResponsePayload(encodeResponsePayload({ ...input, results: emptyRwSet(), events: [] }));
    expect(p.results?.ns).toEqual([]);
    expect(p.events).toEqual([]);
  });

  it('refuses a payload without a 32-byte proposal hash', () => {
    for (const proposalHash of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(33)]) {
      expect(codeOf(() => decodeResponsePayload(encodeResponsePayload({ ...input, proposalHash })))).toBe(
        'MALFORMED_MESSAGE',
      );
    }
    expect(codeOf(() => decodeResponsePayload(new Uint8Array([0xff])))).toBe('MALFORMED_MESSAGE');
  });

  it('decodes and re-encodes to the same bytes', () => {
    const bytes = encodeResponsePayload(input);
    expect(
      toHex(toBinary(ProposalResponsePayloadSchema, fromBinary(ProposalResponsePayloadSchema, bytes))),
    ).toBe(toHex(bytes));
  });
});

describe('proposal response', () => {
  it('round-trips a successful response with payload and endorsement', () => {
    const payload = encodeResponsePayload(input);
    const signature = new Uint8Array(64).fill(3);
    const r = decodeProposalResponse(
      encodeProposalResponse(
        { status: 200, message: 'ok', payload: utf8('result') },
        { payload, endorser, signature },
      ),
    );
    expect(r.response).toMatchObject({ status: 200, message: 'ok' });
    expect(fromUtf8(r.response.payload)).toBe('result');
    expect(Buffer.compare(r.payload, payload)).toBe(0);
    expect(r.endorser).toEqual(endorser);
    expect(r.signature).toEqual(signature);
  });

  it('round-trips a failure with no payload and no endorsement', () => {
    const r = decodeProposalResponse(encodeProposalResponse({ status: 400, message: 'asset a1 exists' }));
    expect(r.response).toMatchObject({ status: 400, message: 'asset a1 exists' });
    expect(r.response.payload.byteLength).toBe(0);
    expect(r.payload.byteLength).toBe(0);
    expect('endorser' in r).toBe(false);
    expect('signature' in r).toBe(false);
  });

  it('reports status 500 when the endorser sent no response at all', () => {
    const r = decodeProposalResponse(new Uint8Array(0));
    expect(r.response.status).toBe(500);
    expect(r.response.message).toMatch(/no response/);
  });

  it('refuses undecodable bytes', () => {
    expect(codeOf(() => decodeProposalResponse(new Uint8Array([0x0a, 0x10, 0x01])))).toBe(
      'MALFORMED_MESSAGE',
    );
  });
});

describe('endorsementSigningBytes', () => {
  it('is payload ‖ endorser', () => {
    const payload = encodeResponsePayload(input);
    const bytes = endorsementSigningBytes(payload, endorser);
    expect(toHex(bytes)).toBe(toHex(concatBytes(payload, endorser)));
    expect(bytes.byteLength).toBe(payload.byteLength + endorser.byteLength);
    expect(toHex(bytes.subarray(0, payload.byteLength))).toBe(toHex(payload));
    expect(toHex(bytes.subarray(payload.byteLength))).toBe(toHex(endorser));
  });
});
