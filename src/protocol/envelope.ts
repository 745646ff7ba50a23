import { create, toBinary } from '@bufbuild/protobuf';
import { ConsortiaError } from '../common/index.js';
import { decodeMessage } from './decode.js';
import {
  type ConfigHeader,
  ConfigHeaderSchema,
  type ConfigTransaction,
  ConfigTransactionSchema,
  type Endorsement,
  EndorsementSchema,
  EnvelopeSchema,
  PayloadSchema,
  type ProposalResponsePayload,
  TransactionSchema,
  TxType,
} from './gen/consortia_pb.js';
import { decodeIdentity } from './identity.js';
import { computeTxId, type ParsedProposal, parseProposal } from './proposal.js';
import { decodeResponsePayload } from './proposalResponse.js';

/** A decoded endorser transaction, keeping every signed byte string as it was shipped. */
export interface ParsedEndorserTx {
  readonly type: 'endorser';
  readonly envelopeBytes: Uint8Array;
  readonly payloadBytes: Uint8Array;
  readonly signature: Uint8Array;
  readonly txId: string;
  readonly channel: string;
  readonly creatorBytes: Uint8Array;
  readonly proposal: ParsedProposal;
  readonly responsePayloadBytes: Uint8Array;
  readonly responsePayload: ProposalResponsePayload;
  readonly endorsements: readonly Endorsement[];
}

/** A decoded config transaction. */
export interface ParsedConfigTx {
  readonly type: 'config';
  readonly envelopeBytes: Uint8Array;
  readonly payloadBytes: Uint8Array;
  readonly signature: Uint8Array;
  readonly txId: string;
  readonly channel: string;
  readonly creatorBytes: Uint8Array;
  readonly config: ConfigTransaction;
}

export type ParsedTx = ParsedEndorserTx | ParsedConfigTx;

/** Encodes the payload of an endorser transaction, for the creator to sign. */
export function encodeTransactionPayload(
  proposal: Uint8Array,
  responsePayload: Uint8Array,
  endorsements: readonly { endorser: Uint8Array; signature: Uint8Array }[],
): Uint8Array {
  const tx = create(TransactionSchema, {
    proposal,
    responsePayload,
    endorsements: endorsements.map((e) =>
      create(EndorsementSchema, { endorser: e.endorser, signature: e.signature }),
    ),
  });
  return toBinary(
    PayloadSchema,
    create(PayloadSchema, { type: TxType.ENDORSER_TRANSACTION, data: toBinary(TransactionSchema, tx) }),
  );
}

/** Encodes the payload of a config transaction. */
export function encodeConfigPayload(config: ConfigTransaction): Uint8Array {
  return toBinary(
    PayloadSchema,
    create(PayloadSchema, { type: TxType.CONFIG, data: toBinary(ConfigTransactionSchema, config) }),
  );
}

/** Wraps signed payload bytes into envelope bytes. */
export function encodeEnvelope(payload: Uint8Array, signature: Uint8Array): Uint8Array {
  return toBinary(EnvelopeSchema, create(EnvelopeSchema, { payload, signature }));
}

/**
 * Decodes envelope bytes into a transaction, checking structure only (signatures, identities and
 * policies are the validator's job). Throws MALFORMED_MESSAGE or BAD_TXID.
 */
export function parseEnvelope(envelopeBytes: Uint8Array): ParsedTx {
  const env = decodeMessage(EnvelopeSchema, envelopeBytes, 'envelope');
  const payload = decodeMessage(PayloadSchema, env.payload, 'payload');
  if (payload.type === TxType.ENDORSER_TRANSACTION) {
    const tx = decodeMessage(TransactionSchema, payload.data, 'transaction');
    const proposal = parseProposal(tx.proposal);
    const responsePayload = decodeResponsePayload(tx.responsePayload);
    return {
      type: 'endorser',
      envelopeBytes,
      payloadBytes: env.payload,
      signature: env.signature,
      txId: proposal.txId,
      channel: proposal.channel,
      creatorBytes: proposal.creatorBytes,
      proposal,
      responsePayloadBytes: tx.responsePayload,
      responsePayload,
      endorsements: tx.endorsements,
    };
  }
  if (payload.type === TxType.CONFIG) {
    const config = decodeMessage(ConfigTransactionSchema, payload.data, 'config transaction');
    const header = decodeConfigHeader(config.header);
    // The same structural checks parseProposal makes, so a config tx cannot pick its own tx id.
    if (!header.channel) {
      throw new ConsortiaError('MALFORMED_MESSAGE', 'the config header must name a channel');
    }
    if (header.nonce.byteLength < 8) {
      throw new ConsortiaError('MALFORMED_MESSAGE', 'the config header nonce is too short');
    }
    decodeIdentity(header.creator);
    if (header.txId !== computeTxId(header.nonce, header.creator)) {
      throw new ConsortiaError('BAD_TXID', 'the config transaction id is not SHA-256(nonce ‖ creator)', {
        txId: header.txId,
      });
    }
    return {
      type: 'config',
      envelopeBytes,
      payloadBytes: env.payload,
      signature: env.signature,
      txId: header.txId,
      channel: header.channel,
      creatorBytes: header.creator,
      config,
    };
  }
  throw new ConsortiaError('MALFORMED_MESSAGE', `unknown transaction type ${payload.type}`);
}

/** Decodes the header of a config transaction. */
export function decodeConfigHeader(bytes: Uint8Array): ConfigHeader {
  return decodeMessage(ConfigHeaderSchema, bytes, 'config header');
}
