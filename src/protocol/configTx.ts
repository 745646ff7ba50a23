import { randomBytes } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import { concatBytes } from '../common/index.js';
import { type ChannelConfig, encodeChannelConfig } from './channelConfig.js';
import { toUint64 } from './decode.js';
import {
  ConfigHeaderSchema,
  ConfigSignatureSchema,
  type ConfigTransaction,
  ConfigTransactionSchema,
} from './gen/consortia_pb.js';
import { computeTxId } from './proposal.js';

/** The header and config bytes of a config update, before admins sign it. */
export interface UnsignedConfigUpdate {
  readonly txId: string;
  readonly header: Uint8Array;
  readonly config: Uint8Array;
}

/**
 * Starts a config update that replaces the channel configuration with `config`. Admins sign
 * `configSigningBytes(update)`; the creator then signs the envelope.
 */
export function newConfigUpdate(
  opts: Readonly<{ config: ChannelConfig; creator: Uint8Array; timestamp?: number; nonce?: Uint8Array }>,
): UnsignedConfigUpdate {
  const nonce = opts.nonce ?? new Uint8Array(randomBytes(24));
  const txId = computeTxId(nonce, opts.creator);
  const header = toBinary(
    ConfigHeaderSchema,
    create(ConfigHeaderSchema, {
      channel: opts.config.channel,
      txId,
      timestamp: toUint64(opts.timestamp ?? Date.now(), 'config timestamp'),
      nonce,
      creator: opts.creator,
      sequence: toUint64(opts.config.sequence, 'config sequence'),
    }),
  );
  return { txId, header, config: encodeChannelConfig(opts.config) };
}

/** What each admin signs to approve a config update. */
export function configSigningBytes(update: Pick<UnsignedConfigUpdate, 'header' | 'config'>): Uint8Array {
  return concatBytes(update.header, update.config);
}

/** Assembles the signed config transaction. */
export function assembleConfigTransaction(
  update: Pick<UnsignedConfigUpdate, 'header' | 'config'>,
  signatures: readonly { signer: Uint8Array; signature: Uint8Array }[],
): ConfigTransaction {
  return create(ConfigTransactionSchema, {
    header: update.header,
    config: update.config,
    signatures: signatures.map((s) =>
      create(ConfigSignatureSchema, { signer: s.signer, signature: s.signature }),
    ),
  });
}

/** Encodes a config transaction as bytes (for files that admins pass around). */
export function encodeConfigTransaction(tx: ConfigTransaction): Uint8Array {
  return toBinary(ConfigTransactionSchema, tx);
}
