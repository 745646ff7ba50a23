import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ChannelCredentials, ServerCredentials } from '@grpc/grpc-js';
import { ConsortiaError } from '../../common/index.js';
import { GrpcErrorCodes } from './errors.js';

/** A node's TLS certificate and key, and the consortium's TLS root certificates (PEM). */
export interface TlsMaterial {
  readonly certPem: string;
  readonly keyPem: string;
  /** Every consortium org's TLS CA certificate: peers and clients are accepted from any of them. */
  readonly caPems: readonly string[];
}

/** Paths of TLS material, as node configs give them. */
export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
  readonly caCerts: readonly string[];
}

function read(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConsortiaError(
      GrpcErrorCodes.TLS_CONFIG,
      `cannot read the TLS ${what} ${path}: ${(err as Error).message}`,
      { path },
      { cause: err },
    );
  }
}

/**
 * Reads TLS material from files.
 *
 * @example
 * const tls = loadTlsMaterial({ cert: 'tls/cert.pem', key: 'tls/key.pem', caCerts: ['tlsca/TelcoA.pem'] });
 */
export function loadTlsMaterial(files: Readonly<TlsFiles>): TlsMaterial {
  if (files.caCerts.length === 0) {
    throw new ConsortiaError(GrpcErrorCodes.TLS_CONFIG, 'the TLS config names no CA certificates (caCerts)');
  }
  return {
    certPem: read(files.cert, 'certificate'),
    keyPem: read(files.key, 'key'),
    caPems: files.caCerts.map((p) => read(p, 'CA certificate')),
  };
}

/**
 * Server credentials for mutual TLS: the server presents its certificate and requires a client
 * certificate issued by one of the consortium TLS CAs.
 *
 * @example
 * server.bindAsync('127.0.0.1:7051', serverCredentials(tls), cb);
 */
export function serverCredentials(tls: TlsMaterial): ServerCredentials {
  return ServerCredentials.createSsl(
    Buffer.from(tls.caPems.join('\n')),
    [{ cert_chain: Buffer.from(tls.certPem), private_key: Buffer.from(tls.keyPem) }],
    true,
  );
}

/**
 * Client credentials for mutual TLS: the client presents its certificate and accepts only
 * servers whose certificate chains to a consortium TLS CA.
 *
 * @example
 * const client = new Client('127.0.0.1:7051', clientCredentials(tls));
 */
export function clientCredentials(tls: TlsMaterial): ChannelCredentials {
  return ChannelCredentials.createSsl(
    Buffer.from(tls.caPems.join('\n')),
    Buffer.from(tls.keyPem),
    Buffer.from(tls.certPem),
  );
}

/**
 * Maps a TLS peer certificate to the org whose TLS CA issued it, so services can check that a
 * stream's client belongs to a channel. The org is the CA's `O=` subject field.
 *
 * @example
 * const org = new TlsTrust({ caPems: tls.caPems }).orgOf(call.getAuthContext()?.sslPeerCertificate?.raw);
 */
export class TlsTrust {
  readonly #cas: readonly { org: string; cert: X509Certificate }[];

  constructor(opts: Readonly<{ caPems: readonly string[] }>) {
    this.#cas = opts.caPems.map((pem) => {
      const cert = new X509Certificate(pem);
      const org = /(?:^|\n)O=([^\n]+)/.exec(cert.subject)?.[1];
      if (!org) {
        throw new ConsortiaError(
          GrpcErrorCodes.TLS_CONFIG,
          `TLS CA ${cert.subject.replace(/\n/g, ', ')} names no org (O=) in its subject`,
        );
      }
      return { org, cert };
    });
  }

  /** The org whose TLS CA issued `raw` (DER), or undefined when none did. */
  orgOf(raw: Uint8Array | undefined): string | undefined {
    if (!raw || raw.byteLength === 0) return undefined;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(Buffer.from(raw));
    } catch {
      return undefined;
    }
    for (const ca of this.#cas) {
      if (cert.checkIssued(ca.cert) && cert.verify(ca.cert.publicKey)) return ca.org;
    }
    return undefined;
  }
}
