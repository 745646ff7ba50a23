import { ConsortiaError, isConsortiaError } from '../common/index.js';
import { verifyBytes } from '../crypto/index.js';
import type { ValidatedIdentity } from '../identity/index.js';
import { type ChannelContext, toPolicySigner, validateConfigTx } from '../peer/index.js';
import { type ParsedTx, parseEnvelope } from '../protocol/index.js';

/** An envelope that passed the orderer's admission checks. */
export interface CheckedEnvelope {
  readonly tx: ParsedTx;
  readonly creator: ValidatedIdentity;
  /** For a config transaction: the context its update leads to (checked against `context`). */
  readonly nextContext?: ChannelContext;
}

/**
 * The checks every orderer makes before it orders an envelope, in this order: it decodes
 * (MALFORMED_MESSAGE), it is for a channel this orderer serves (UNKNOWN_CHANNEL), it fits the
 * channel's batch maxBytes (ENVELOPE_TOO_LARGE), its creator is a valid member (BAD_CREATOR),
 * its signature verifies (BAD_SIGNATURE), the creator satisfies the channel's Writers policy
 * (FORBIDDEN) and, for a config update, the update itself is valid. Nothing is ordered when it
 * throws. Shared by the solo and etcd orderers so they refuse alike.
 *
 * @example
 * const { tx } = await checkEnvelope(envelope, (channel) => channels.get(channel)?.context);
 */
export async function checkEnvelope(
  envelope: Uint8Array,
  contextOf: (channel: string) => ChannelContext | undefined,
  at: Date = new Date(),
): Promise<CheckedEnvelope> {
  const tx = parseEnvelope(envelope);
  const context = contextOf(tx.channel);
  if (!context) {
    throw new ConsortiaError('UNKNOWN_CHANNEL', `the orderer does not serve channel ${tx.channel}`, {
      channel: tx.channel,
    });
  }
  const max = context.config.batch.maxBytes;
  if (envelope.byteLength > max) {
    throw new ConsortiaError(
      'ENVELOPE_TOO_LARGE',
      `the envelope has ${envelope.byteLength} bytes; the channel allows ${max}`,
      { size: envelope.byteLength, max },
    );
  }
  let creator: ValidatedIdentity;
  try {
    creator = context.resolveIdentity(tx.creatorBytes, at);
  } catch (err) {
    throw new ConsortiaError(
      'BAD_CREATOR',
      `the envelope creator is not a valid member: ${(err as Error).message}`,
      { reason: isConsortiaError(err) ? err.code : 'BAD_CREATOR' },
    );
  }
  if (!verifyBytes(creator.publicKey, tx.payloadBytes, tx.signature)) {
    throw new ConsortiaError(
      'BAD_SIGNATURE',
      'the envelope signature does not verify with the creator certificate',
    );
  }
  if (!context.satisfies(context.policy('Writers'), [toPolicySigner(creator)])) {
    throw new ConsortiaError('FORBIDDEN', `${creator.mspId} may not write to channel ${tx.channel}`);
  }
  if (tx.type === 'config') {
    const nextContext = await validateConfigTx(tx, context, at);
    return { tx, creator, nextContext };
  }
  return { tx, creator };
}
