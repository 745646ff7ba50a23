import { X509Certificate } from 'node:crypto';
import type { handleUnaryCall, ServerUnaryCall } from '@grpc/grpc-js';
import { ConsortiaError, fromBase64 } from '../../common/index.js';
import { sha256Hex } from '../../crypto/index.js';
import { Msp } from '../../identity/index.js';
import type { ChannelConfig } from '../../protocol/index.js';
import { GrpcErrorCodes } from './errors.js';
import { toServiceError } from './grpcStatus.js';
import type { TlsTrust } from './tlsConfig.js';

/** The TLS client of a call, as {@link LinkAuthorizer.authorize} identified it. */
export interface LinkCaller {
  /** The org whose TLS CA issued the client certificate. */
  readonly org: string;
  /** Serial of the client certificate, lowercase hex (as CAs and CRLs list it). */
  readonly serial: string;
  readonly cert: X509Certificate;
}

export interface LinkAuthorizerOptions {
  /** The consortium TLS CAs: which org a client certificate belongs to. */
  readonly trust: TlsTrust;
  /** The channel configurations in force on this node (their orgs' `crls` and `tlsRootCerts`). */
  readonly configs: () => Iterable<ChannelConfig>;
  /**
   * Calls `listener` whenever a configuration may have changed (after each block of any
   * channel); returns the function that stops it. Open streams re-check their client then.
   */
  readonly onConfigChange?: (listener: () => void) => () => void;
  /** Client certificates remembered, parsed (default 1024). */
  readonly cacheSize?: number;
}

/** Serials one org's TLS CA revoked, by the CRLs of one channel configuration. */
interface TlsRevocations {
  readonly channel: string;
  readonly org: string;
  readonly ca: X509Certificate;
  readonly serials: ReadonlySet<bigint>;
}

type UnaryHandler = (
  req: Uint8Array,
  caller: LinkCaller,
  call: ServerUnaryCall<Uint8Array, Uint8Array>,
) => Promise<Uint8Array>;

function serialHex(n: bigint): string {
  const hex = n.toString(16);
  return hex.length % 2 === 1 ? `0${hex}` : hex;
}

/**
 * The serials revoked by each org's TLS CA in `config`: every CRL of an org's `crls` that one of
 * its `tlsRootCerts` signed. CRLs of the org's identity CA, of other issuers, or that do not
 * verify are not this CA's and are skipped. A CA's CRLs are cumulative, so their union is used.
 */
async function revocationsOf(config: ChannelConfig): Promise<readonly TlsRevocations[]> {
  const out: TlsRevocations[] = [];
  for (const org of [...config.orgs, ...config.ordererOrgs]) {
    if (!org.crls?.length) continue;
    for (const rootPem of org.tlsRootCerts ?? []) {
      const serials = new Set<bigint>();
      let ca: X509Certificate;
      try {
        ca = new X509Certificate(rootPem);
      } catch {
        continue;
      }
      for (const crl of org.crls) {
        try {
          // An MSP of the TLS root alone verifies the CRL's signature, and skips other issuers.
          const msp = await Msp.create(
            { mspId: org.mspId, rootCerts: [rootPem], crls: [fromBase64(crl)] },
            { cacheSize: 1 },
          );
          for (const s of msp.revokedSerials()) serials.add(BigInt(`0x${s}`));
        } catch {
          // A CRL that does not parse, or names this TLS CA but another key signed it: not trusted.
        }
      }
      if (serials.size > 0) out.push({ channel: config.channel, org: org.mspId, ca, serials });
    }
  }
  return out;
}

function hasCrls(config: ChannelConfig): boolean {
  return [...config.orgs, ...config.ordererOrgs].some((o) => (o.crls?.length ?? 0) > 0);
}

/**
 * Decides, per gRPC call, whether its mutual-TLS client may be served: its certificate must
 * come from a consortium TLS CA (TLS_REFUSED otherwise) and must not be revoked by a CRL of that
 * org's TLS CA in any channel configuration in force on the node (TLS_CERT_REVOKED). The check
 * runs on every call and on every block of a stream, so it holds on HTTP/2 connections opened
 * before the CRL was committed. CRLs are verified once per configuration; client certificates
 * are parsed once.
 *
 * @example
 * const links = new LinkAuthorizer({ trust, configs: () => peer.channels().map((c) => peer.context(c).config) });
 * const handlers = { info: links.unary(async () => encodeJson(peerInfo(peer))) };
 */
export class LinkAuthorizer {
  readonly #trust: TlsTrust;
  readonly #configs: () => Iterable<ChannelConfig>;
  readonly #onConfigChange: ((listener: () => void) => () => void) | undefined;
  readonly #cacheSize: number;
  readonly #callers = new Map<string, LinkCaller>();
  readonly #revocations = new WeakMap<
    ChannelConfig,
    readonly TlsRevocations[] | Promise<readonly TlsRevocations[]>
  >();

  constructor(opts: Readonly<LinkAuthorizerOptions>) {
    this.#trust = opts.trust;
    this.#configs = opts.configs;
    this.#onConfigChange = opts.onConfigChange;
    this.#cacheSize = Math.max(1, opts.cacheSize ?? 1024);
  }

  /**
   * Identifies the TLS client of `call` and checks it: TLS_REFUSED when no consortium TLS CA
   * issued its certificate, TLS_CERT_REVOKED when a CRL in force revokes it.
   *
   * @example
   * const caller = await links.authorize(call);
   */
  async authorize(call: Pick<ServerUnaryCall<unknown, unknown>, 'getAuthContext'>): Promise<LinkCaller> {
    const caller = this.#identify(call.getAuthContext()?.sslPeerCertificate?.raw);
    await this.check(caller);
    return caller;
  }

  /**
   * Checks again a caller identified before (streams call it before each block they send):
   * TLS_CERT_REVOKED once a CRL in force revokes its certificate.
   *
   * @example
   * await links.check(caller);
   */
  async check(caller: LinkCaller): Promise<void> {
    const serial = BigInt(`0x${caller.serial}`);
    for (const config of this.#configs()) {
      const cached = this.#revocations.get(config);
      const list = Array.isArray(cached) ? cached : await (cached ?? this.#load(config));
      for (const r of list) {
        if (!r.serials.has(serial) || !caller.cert.checkIssued(r.ca) || !caller.cert.verify(r.ca.publicKey))
          continue;
        throw new ConsortiaError(
          GrpcErrorCodes.TLS_CERT_REVOKED,
          `the TLS certificate with serial ${caller.serial} from the ${r.org} TLS CA is revoked by a CRL of channel ${r.channel}; the client needs a new TLS certificate from its org's TLS CA`,
          { serial: caller.serial, org: r.org, channel: r.channel },
        );
      }
    }
  }

  /** Calls `listener` when a channel configuration may have changed; returns the stop function. */
  onConfigChange(listener: () => void): () => void {
    return this.#onConfigChange?.(listener) ?? (() => undefined);
  }

  /**
   * A unary handler that runs `fn` for an authorized caller only; its result is the reply,
   * anything it throws (or the refusal) the error carried to the client.
   *
   * @example
   * endorse: links.unary((req) => peer.endorse(req)),
   */
  unary(fn: UnaryHandler): handleUnaryCall<Uint8Array, Uint8Array> {
    return (call, cb) => {
      this.authorize(call)
        .then((caller) => fn(call.request, caller, call))
        .then(
          (reply) => cb(null, reply),
          (err: unknown) => cb(toServiceError(err)),
        );
    };
  }

  #load(config: ChannelConfig): readonly TlsRevocations[] | Promise<readonly TlsRevocations[]> {
    if (!hasCrls(config)) {
      this.#revocations.set(config, []);
      return [];
    }
    const loading = revocationsOf(config).then((list) => {
      this.#revocations.set(config, list);
      return list;
    });
    this.#revocations.set(config, loading);
    return loading;
  }

  #identify(raw: Uint8Array | undefined): LinkCaller {
    const key = raw && raw.byteLength > 0 ? sha256Hex(raw) : '';
    const known = this.#callers.get(key);
    if (known) return known;
    const org = this.#trust.orgOf(raw);
    if (!raw || !org) {
      throw new ConsortiaError(
        GrpcErrorCodes.TLS_REFUSED,
        'the TLS client certificate is not from a consortium TLS CA; use a certificate of your org TLS CA',
      );
    }
    const cert = new X509Certificate(Buffer.from(raw));
    const caller: LinkCaller = { org, serial: serialHex(BigInt(`0x${cert.serialNumber}`)), cert };
    while (this.#callers.size >= this.#cacheSize) {
      const oldest = this.#callers.keys().next();
      if (oldest.done === true) break;
      this.#callers.delete(oldest.value);
    }
    this.#callers.set(key, caller);
    return caller;
  }
}
