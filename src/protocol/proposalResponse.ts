import { create, toBinary } from '@bufbuild/protobuf';
import { ConsortiaError, concatBytes } from '../common/index.js';
import { decodeMessage } from './decode.js';
import {
  type ContractEvent,
  EndorsementSchema,
  type ProposalResponsePayload,
  ProposalResponsePayloadSchema,
  ProposalResponseSchema,
  type Response,
  ResponseSchema,
  type TxRwSet,
  TxRwSetSchema,
} from './gen/consortia_pb.js';

/** The bytes an endorser signs: the response payload followed by its own identity bytes. */
export function endorsementSigningBytes(payload: Uint8Array, endorser: Uint8Array): Uint8Array {
  return concatBytes(payload, endorser);
}

export interface ResponsePayloadInput {
  readonly proposalHash: Uint8Array;
  readonly results: TxRwSet;
  readonly events: readonly ContractEvent[];
  readonly status: number;
  readonly message: string;
  readonly payload: Uint8Array;
  readonly contractVersion: string;
}

/** Encodes what every endorser of one transaction signs. */
export function encodeResponsePayload(input: Readonly<ResponsePayloadInput>): Uint8Array {
  return toBinary(
    ProposalResponsePayloadSchema,
    create(ProposalResponsePayloadSchema, {
      proposalHash: input.proposalHash,
      results: input.results,
      events: [...input.events],
      response: create(ResponseSchema, {
        status: input.status,
        message: input.message,
        payload: input.payload,
      }),
      contractVersion: input.contractVersion,
    }),
  );
}

export function decodeResponsePayload(bytes: Uint8Array): ProposalResponsePayload {
  const p = decodeMessage(ProposalResponsePayloadSchema, bytes, 'proposal response payload');
  if (p.proposalHash.byteLength !== 32) {
    throw new ConsortiaError('MALFORMED_MESSAGE', 'the proposal response payload has no proposal hash');
  }
  return p;
}

/** An empty read–write set. */
export function emptyRwSet(): TxRwSet {
  return create(TxRwSetSchema, { ns: [] });
}

/** Encodes an endorser's answer: on success the signed payload and endorsement, else just the response. */
export function encodeProposalResponse(
  response: { status: number; message: string; payload?: Uint8Array },
  signed?: { payload: Uint8Array; endorser: Uint8Array; signature: Uint8Array },
): Uint8Array {
  return toBinary(
    ProposalResponseSchema,
    create(ProposalResponseSchema, {
      response: create(ResponseSchema, {
        status: response.status,
        message: response.message,
        payload: response.payload ?? new Uint8Array(0),
      }),
      payload: signed?.payload ?? new Uint8Array(0),
      ...(signed
        ? {
            endorsement: create(EndorsementSchema, {
              endorser: signed.endorser,
              signature: signed.signature,
            }),
          }
        : {}),
    }),
  );
}

export function decodeProposalResponse(bytes: Uint8Array): {
  response: Response;
  payload: Uint8Array;
  endorser?: Uint8Array;
  signature?: Uint8Array;
} {
  const r = decodeMessage(ProposalResponseSchema, bytes, 'proposal response');
  const response =
    r.response ?? create(ResponseSchema, { status: 500, message: 'the endorser sent no response' });
  return r.endorsement
    ? { response, payload: r.payload, endorser: r.endorsement.endorser, signature: r.endorsement.signature }
    : { response, payload: r.payload };
}
