import { ConsortiaError, isConsortiaError } from '../common/index.js';
import { ChannelContext, toPolicySigner } from '../peer/index.js';
import { encodeIdentity } from '../protocol/index.js';
import type { GatewayService } from './gatewayService.js';
import { IDENTITY_HEADER, IDENTITY_HEADER_NAME, identityLabel, requireChannel } from './restInput.js';

/** Resolves an identity label (`TelcoA.admin`) to its org and certificate. */
export type ReaderResolver = (label: string) => { readonly mspId: string; readonly certDer: Uint8Array };

/**
 * Checks that the identity a request names may read a channel, and gives the channel back.
 * Throws UNKNOWN_CHANNEL (404), IDENTITY_REQUIRED (400), UNKNOWN_IDENTITY, a CERT_* code when
 * the certificate is expired or revoked (403), or FORBIDDEN (403) when the identity's org does
 * not satisfy the channel's Readers policy.
 */
export type ChannelReadAccess = (channel: string, label: string | undefined) => Promise<string>;

export interface ReadAccessOptions {
  readonly gateway: GatewayService;
  readonly identities: ReaderResolver;
  /** Identity used when a request names none. */
  readonly defaultIdentity?: string | undefined;
  readonly now?: () => Date;
}

/**
 * Builds the read check every REST route that reveals ledger content uses (blocks, transactions,
 * events, key history, proofs, activity). The identity is judged the way a peer judges a query:
 * its certificate must be valid in the channel's MSPs (CRLs included) at the current time, and
 * it must satisfy the channel's `Readers` policy. The channel context is rebuilt when the
 * channel's config sequence changes.
 *
 * @example
 * const canRead = channelReadAccess({ gateway, identities: (l) => network.identity(l) });
 * await canRead('telecom', 'TelcoA.admin'); // 'telecom'
 * await canRead('telecom', 'Outsider.admin'); // throws FORBIDDEN
 */
export function channelReadAccess(opts: Readonly<ReadAccessOptions>): ChannelReadAccess {
  const contexts = new Map<string, { sequence: number; context: Promise<ChannelContext> }>();
  const now = opts.now ?? (() => new Date());

  const contextOf = (channel: string): Promise<ChannelContext> => {
    const config = opts.gateway.peerFor(channel).channelConfig(channel);
    const known = contexts.get(channel);
    if (known && known.sequence === config.sequence) return known.context;
    const context = ChannelContext.fromConfig(config);
    contexts.set(channel, { sequence: config.sequence, context });
    return context;
  };

  return async (rawChannel, label) => {
    const channel = requireChannel(opts.gateway, rawChannel);
    const name = label ?? opts.defaultIdentity;
    if (name === undefined) {
      throw new ConsortiaError(
        'IDENTITY_REQUIRED',
        `reading channel ${channel} needs an identity: send the ${IDENTITY_HEADER_NAME} header (or ?identity=) naming a member, for example TelcoA.admin`,
        { channel },
      );
    }
    const who = opts.identities(name);
    const context = await contextOf(channel);
    let reader: ReturnType<ChannelContext['resolveIdentity']>;
    try {
      reader = context.resolveIdentity(encodeIdentity(who.mspId, who.certDer), now());
    } catch (err) {
      if (isConsortiaError(err) && err.code === 'UNKNOWN_MSP') throw forbidden(name, who.mspId, channel);
      throw err;
    }
    if (!context.satisfies(context.policy('Readers'), [toPolicySigner(reader)])) {
      throw forbidden(name, who.mspId, channel);
    }
    return channel;
  };
}

function forbidden(label: string, mspId: string, channel: string): ConsortiaError {
  return new ConsortiaError(
    'FORBIDDEN',
    `${label} (org ${mspId}) may not read channel ${channel}: it does not satisfy the channel's Readers policy`,
    { channel, mspId },
  );
}

/**
 * The identity label a read request names: the `X-Consortia-Identity` header, else the
 * `identity` query parameter (browsers cannot set headers on WebSockets or links).
 *
 * @example
 * requestIdentity(req.headers, new URLSearchParams('identity=TelcoA.admin')); // 'TelcoA.admin'
 */
export function requestIdentity(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  query: { get(name: string): string | null } | Readonly<Record<string, unknown>>,
): string | undefined {
  const fromHeader = identityLabel(headers[IDENTITY_HEADER]);
  if (fromHeader) return fromHeader;
  const raw =
    typeof (query as { get?: unknown }).get === 'function'
      ? (query as { get(name: string): string | null }).get('identity')
      : (query as Record<string, unknown>).identity;
  return typeof raw === 'string' || Array.isArray(raw) ? identityLabel(raw as string | string[]) : undefined;
}
