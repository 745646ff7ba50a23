import { X509Certificate } from 'node:crypto';
import { ConsortiaError, fromBase64, toConsortiaError, toHex } from '../../common/index.js';
import { sha256Hex } from '../../crypto/index.js';
import { Msp, type Role, type ValidatedIdentity } from '../../identity/index.js';
import { type ChannelConfig, decodeIdentity } from '../../protocol/index.js';
import { ProofErrorCodes } from './errors.js';

/** A root CA certificate of an org, by the SHA-256 of its DER encoding. */
export interface TrustedRoot {
  readonly mspId: string;
  /** Lowercase hex SHA-256 of the certificate's DER bytes. */
  readonly fingerprint: string;
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

/** An identity that checked out, with its certificate's hash. */
export interface ResolvedIdentity {
  readonly identity: ValidatedIdentity;
  readonly certDer: Uint8Array;
}

/**
 * The trust a channel configuration establishes, rebuilt offline: one MSP per org (root and
 * intermediate CAs and CRLs, from the configuration itself), the ordering orgs, and the root
 * fingerprints a verifier reports. Uses only the identity layer, no node.
 */
export class ProofTrust {
  readonly config: ChannelConfig;
  readonly #msps: ReadonlyMap<string, Msp>;
  /** Certificates the bundle carries for identities named by hash, by hex SHA-256. */
  readonly #certificates = new Map<string, Uint8Array>();

  private constructor(config: ChannelConfig, msps: ReadonlyMap<string, Msp>) {
    this.config = config;
    this.#msps = msps;
  }

  /**
   * Builds the MSPs of a configuration; throws PROOF_CONFIG_INVALID when one does not build.
   *
   * @example
   * const trust = await ProofTrust.fromConfig(decodeChannelConfig(configBytes));
   */
  static async fromConfig(config: ChannelConfig): Promise<ProofTrust> {
    const msps = new Map<string, Msp>();
    for (const org of [...config.orgs, ...config.ordererOrgs]) {
      try {
        msps.set(
          org.mspId,
          await Msp.create({
            mspId: org.mspId,
            rootCerts: org.rootCerts,
            ...(org.intermediateCerts ? { intermediateCerts: org.intermediateCerts } : {}),
            crls: (org.crls ?? []).map((c) => fromBase64(c)),
          }),
        );
      } catch (err) {
        throw new ConsortiaError(
          ProofErrorCodes.PROOF_CONFIG_INVALID,
          `the channel configuration's org ${org.mspId} is unusable: ${toConsortiaError(err).message}`,
          { mspId: org.mspId },
        );
      }
    }
    return new ProofTrust(config, msps);
  }

  /**
   * Adds certificates that identities may name by SHA-256 (a bundle's `certificates`); a hash
   * is computed here, so a certificate cannot stand in for another.
   *
   * @example
   * trust.addCertificates(bundle.certificates ?? []);
   */
  addCertificates(certs: readonly Uint8Array[]): this {
    for (const c of certs) this.#certificates.set(sha256Hex(c), c);
    return this;
  }

  get appOrgs(): string[] {
    return this.config.orgs.map((o) => o.mspId);
  }

  get ordererOrgs(): string[] {
    return this.config.ordererOrgs.map((o) => o.mspId);
  }

  /**
   * Resolves identity bytes to a valid member of the channel at time `at`, with `role` when
   * given; throws the identity layer's error (UNKNOWN_MSP, CERT_EXPIRED, CERT_REVOKED, ...).
   *
   * @example
   * const { identity } = trust.resolve(tx.creatorBytes, new Date(header.timestamp));
   */
  resolve(identityBytes: Uint8Array, at: Date, role?: Role): ResolvedIdentity {
    const id = decodeIdentity(identityBytes);
    const cert = id.cert.byteLength > 0 ? id.cert : this.#certificates.get(toHex(id.certHash));
    if (cert === undefined) {
      throw new ConsortiaError(
        'UNKNOWN_IDENTITY',
        `an identity of ${id.mspId} names its certificate by hash and the bundle does not carry that certificate`,
        { mspId: id.mspId },
      );
    }
    const msp = this.#msps.get(id.mspId);
    if (!msp) {
      throw new ConsortiaError('UNKNOWN_MSP', `org ${id.mspId} is not in the channel configuration`, {
        mspId: id.mspId,
      });
    }
    return { identity: msp.validate(cert, role === undefined ? { at } : { at, role }), certDer: cert };
  }

  /**
   * The root CA certificates of the given orgs, with their SHA-256 fingerprints.
   *
   * @example
   * for (const r of trust.roots(['TelcoA'])) console.log(r.mspId, r.fingerprint);
   */
  roots(mspIds: Iterable<string>): TrustedRoot[] {
    const wanted = new Set(mspIds);
    const out: TrustedRoot[] = [];
    for (const org of [...this.config.orgs, ...this.config.ordererOrgs]) {
      if (!wanted.has(org.mspId)) continue;
      for (const pem of org.rootCerts) {
        const cert = new X509Certificate(pem);
        out.push({
          mspId: org.mspId,
          fingerprint: sha256Hex(cert.raw),
          subject: cert.subject.replace(/\n/g, ', '),
          notBefore: new Date(cert.validFrom).toISOString(),
          notAfter: new Date(cert.validTo).toISOString(),
        });
      }
    }
    return out;
  }
}
