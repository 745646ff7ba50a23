import { X509Certificate } from 'node:crypto';
import { ConsortiaError, isConsortiaError } from '../common/index.js';
import { sha256Hex } from '../crypto/index.js';
import { asBuffer } from './certEncoding.js';
import { IdentityErrorCodes } from './errors.js';
import { type CrlRecord, isNewerCrl, loadCrl } from './mspCrl.js';
import { buildTrust, issuedBy, type TrustCert } from './mspTrust.js';
import { identityInfoOf, parsePeculiarCert } from './parseIdentityCert.js';
import type { MspConfig, ValidatedIdentity, ValidateOptions } from './types.js';
import { NAME_PATTERN } from './validateInputs.js';

/** Default bound of the per-MSP parse cache (entries). */
export const DEFAULT_MSP_CACHE_SIZE = 10_000;

/** What a cache entry keeps: the parse/chain result, plus the numbers re-checked on every call. */
interface CacheEntry {
  readonly identity: ValidatedIdentity;
  readonly notBefore: number;
  readonly notAfter: number;
  /** The tightest window of the issuing CAs. */
  readonly chainNotBefore: number;
  readonly chainNotAfter: number;
  /** (issuer id, serial) of the leaf and of every intermediate above it, for CRL lookups. */
  readonly revocation: readonly { readonly issuerId: string; readonly serial: string }[];
}

interface ParseCache {
  readonly map: Map<string, CacheEntry>;
  readonly max: number;
}

interface MspInit {
  readonly config: MspConfig;
  readonly trust: readonly TrustCert[];
  readonly crls: ReadonlyMap<string, CrlRecord>;
  readonly cache: ParseCache;
}

/**
 * An org's membership service provider: its root and intermediate CAs and CRLs. `validate`
 * decides whether a certificate is a valid member with a given role, synchronously and with a
 * per-certificate cache, so it can sit on the transaction hot path.
 */
export class Msp {
  readonly mspId: string;
  readonly config: MspConfig;
  #trust: readonly TrustCert[];
  #crls: ReadonlyMap<string, CrlRecord>;
  #revokedSerials: ReadonlySet<string>;
  #cache: ParseCache;

  private constructor(init: Readonly<MspInit>) {
    this.mspId = init.config.mspId;
    this.config = init.config;
    this.#trust = init.trust;
    this.#crls = init.crls;
    this.#cache = init.cache;
    const all = new Set<string>();
    for (const crl of init.crls.values()) for (const s of crl.serials) all.add(s);
    this.#revokedSerials = all;
  }

  /**
   * Builds an MSP. Roots and intermediates must be CA certificates (MSP_CONFIG_INVALID). A CRL
   * naming one of them as issuer must be signed by it (CRL_INVALID); a CRL of another issuer
   * (such as the org's TLS CA, listed in the same `crls`) is skipped and left out of `config`.
   * Of several CRLs from one CA the newest wins.
   *
   * @example
   * const msp = await Msp.create({ mspId: 'TelcoA', rootCerts: [ca.certPem], crls: [crlDer] });
   */
  static async create(cfg: Readonly<MspConfig>, opts: Readonly<{ cacheSize?: number }> = {}): Promise<Msp> {
    if (typeof cfg.mspId !== 'string' || !NAME_PATTERN.test(cfg.mspId)) {
      throw new ConsortiaError(
        IdentityErrorCodes.MSP_CONFIG_INVALID,
        `MSP id '${String(cfg.mspId)}' is not allowed; use 1-64 letters, digits, '_', '.' or '-'`,
        { mspId: String(cfg.mspId) },
      );
    }
    const trust = buildTrust(cfg.mspId, cfg.rootCerts, cfg.intermediateCerts ?? []);
    const crls = new Map<string, CrlRecord>();
    for (const input of cfg.crls ?? []) {
      const record = await loadCrl(cfg.mspId, input, trust);
      if (record === undefined) continue;
      const existing = crls.get(record.issuerId);
      if (existing === undefined || isNewerCrl(record, existing)) crls.set(record.issuerId, record);
    }
    const cache = {
      map: new Map<string, CacheEntry>(),
      max: Math.max(1, opts.cacheSize ?? DEFAULT_MSP_CACHE_SIZE),
    };
    return new Msp({ config: configOf(cfg, crls), trust, crls, cache });
  }

  /**
   * A new MSP with `crl` added, or replacing an older CRL of the same CA (an older or equal one
   * is ignored, and so is a CRL of an issuer that is none of this MSP's CAs). It shares this
   * MSP's parse cache; revocation is checked on every validation.
   *
   * @example
   * msp = await msp.withCrl(await ca.revoke(user.serial, 'keyCompromise'));
   */
  async withCrl(crl: string | Uint8Array): Promise<Msp> {
    const record = await loadCrl(this.mspId, crl, this.#trust);
    if (record === undefined) return this;
    const crls = new Map(this.#crls);
    const existing = crls.get(record.issuerId);
    if (existing === undefined || isNewerCrl(record, existing)) crls.set(record.issuerId, record);
    return new Msp({ config: configOf(this.config, crls), trust: this.#trust, crls, cache: this.#cache });
  }

  /** Every serial (lowercase hex) revoked by a CRL of this MSP. */
  revokedSerials(): ReadonlySet<string> {
    return this.#revokedSerials;
  }

  /**
   * Checks that `certDer` is a valid member of this org: chain to a root (CERT_UNKNOWN_ISSUER),
   * organisation (MSP_MISMATCH), validity at `at` (CERT_EXPIRED, CERT_NOT_YET_VALID), CRLs
   * (CERT_REVOKED) and role (ROLE_MISMATCH; 'member' accepts any). Synchronous; parsing and
   * chain verification are cached per certificate hash, the other checks run every call.
   *
   * @example
   * const who = msp.validate(certDer, { role: 'admin' });
   */
  validate(certDer: Uint8Array, opts: Readonly<ValidateOptions> = {}): ValidatedIdentity {
    const certHash = sha256Hex(certDer);
    let entry = this.#cache.map.get(certHash);
    if (entry === undefined) {
      entry = this.#parse(certDer, certHash);
      const { map, max } = this.#cache;
      while (map.size >= max) {
        const oldest = map.keys().next();
        if (oldest.done === true) break;
        map.delete(oldest.value);
      }
      map.set(certHash, entry);
    }
    const id = entry.identity;
    const detail = { mspId: this.mspId, serial: id.serial, name: id.name };
    if (id.mspId !== this.mspId) {
      throw new ConsortiaError(
        IdentityErrorCodes.MSP_MISMATCH,
        `the certificate belongs to organisation '${id.mspId}', not to MSP ${this.mspId}; present it to its own MSP`,
        { ...detail, certMspId: id.mspId },
      );
    }
    const at = opts.at === undefined ? Date.now() : opts.at.getTime();
    if (at < entry.notBefore || at < entry.chainNotBefore) {
      const leaf = at < entry.notBefore;
      const from = new Date(leaf ? entry.notBefore : entry.chainNotBefore).toISOString();
      throw new ConsortiaError(
        IdentityErrorCodes.CERT_NOT_YET_VALID,
        `${leaf ? 'the certificate' : 'an issuing CA certificate'} of ${id.name} is not valid before ${from}; check the clocks`,
        { ...detail, notBefore: from, at: new Date(at).toISOString(), certificate: leaf ? 'leaf' : 'issuer' },
      );
    }
    if (at > entry.notAfter || at > entry.chainNotAfter) {
      const leaf = at > entry.notAfter;
      const until = new Date(leaf ? entry.notAfter : entry.chainNotAfter).toISOString();
      throw new ConsortiaError(
        IdentityErrorCodes.CERT_EXPIRED,
        `${leaf ? 'the certificate' : 'an issuing CA certificate'} of ${id.name} expired at ${until}; renew it at the ${this.mspId} CA`,
        { ...detail, notAfter: until, at: new Date(at).toISOString(), certificate: leaf ? 'leaf' : 'issuer' },
      );
    }
    for (const r of entry.revocation) {
      if (this.#crls.get(r.issuerId)?.serials.has(r.serial) === true) {
        const leaf = r.serial === id.serial;
        throw new ConsortiaError(
          IdentityErrorCodes.CERT_REVOKED,
          `${leaf ? 'the certificate' : 'an issuing CA certificate'} of ${id.name} (serial ${r.serial}) is revoked; enroll a new identity`,
          { ...detail, revokedSerial: r.serial, certificate: leaf ? 'leaf' : 'issuer' },
        );
      }
    }
    const role = opts.role;
    if (role !== undefined && role !== 'member' && role !== id.role) {
      throw new ConsortiaError(
        IdentityErrorCodes.ROLE_MISMATCH,
        `${id.name} of ${this.mspId} has role '${id.role}' but '${role}' is required; use an identity with that role`,
        { ...detail, role: id.role, required: role },
      );
    }
    return id;
  }

  #parse(certDer: Uint8Array, certHash: string): CacheEntry {
    let node: X509Certificate;
    try {
      node = new X509Certificate(asBuffer(certDer));
    } catch (err) {
      throw new ConsortiaError(
        IdentityErrorCodes.CERT_MALFORMED,
        'the identity bytes do not parse as an X.509 certificate; send the DER certificate',
        { mspId: this.mspId, certHash },
        { cause: err },
      );
    }
    if (node.ca) {
      throw new ConsortiaError(
        IdentityErrorCodes.CERT_IS_CA,
        `a CA certificate cannot act as a member of ${this.mspId}; use an enrolled identity`,
        { mspId: this.mspId, certHash },
      );
    }
    const issuer = this.#trust.find((t) => issuedBy(node, t.node));
    if (issuer === undefined) {
      throw new ConsortiaError(
        IdentityErrorCodes.CERT_UNKNOWN_ISSUER,
        `the certificate (${node.subject.replace(/\n/g, ', ')}) does not chain to a root CA of ${this.mspId}; check the MSP id or the org's CA`,
        { mspId: this.mspId, certHash },
      );
    }
    let info: ReturnType<typeof identityInfoOf>;
    try {
      info = identityInfoOf(parsePeculiarCert(certDer));
    } catch (err) {
      if (!isConsortiaError(err)) throw err;
      throw new ConsortiaError(err.code, err.message, { mspId: this.mspId, certHash }, { cause: err });
    }
    let chainNotBefore = Number.NEGATIVE_INFINITY;
    let chainNotAfter = Number.POSITIVE_INFINITY;
    const revocation = [{ issuerId: issuer.id, serial: info.serial }];
    for (let ca: TrustCert | undefined = issuer; ca !== undefined; ca = ca.parent) {
      chainNotBefore = Math.max(chainNotBefore, ca.notBefore);
      chainNotAfter = Math.min(chainNotAfter, ca.notAfter);
      if (ca.parent !== undefined) revocation.push({ issuerId: ca.parent.id, serial: ca.serial });
    }
    const identity: ValidatedIdentity = Object.freeze({
      mspId: info.mspId,
      name: info.name,
      role: info.role,
      attributes: info.attributes,
      id: `${info.mspId}::${info.name}::${info.serial}`,
      certHash,
      serial: info.serial,
      publicKey: node.publicKey,
      notAfter: info.notAfter,
    });
    return {
      identity,
      notBefore: info.notBefore.getTime(),
      notAfter: info.notAfter.getTime(),
      chainNotBefore,
      chainNotAfter,
      revocation,
    };
  }
}

function configOf(cfg: Readonly<MspConfig>, crls: ReadonlyMap<string, CrlRecord>): MspConfig {
  const intermediates = cfg.intermediateCerts ?? [];
  return Object.freeze({
    mspId: cfg.mspId,
    rootCerts: Object.freeze([...cfg.rootCerts]),
    ...(intermediates.length > 0 ? { intermediateCerts: Object.freeze([...intermediates]) } : {}),
    ...(crls.size > 0 ? { crls: Object.freeze([...crls.values()].map((c) => c.input)) } : {}),
  });
}
