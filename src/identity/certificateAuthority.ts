import { type KeyObject, X509Certificate } from 'node:crypto';
import { ConsortiaError } from '../common/index.js';
import { generateKeyPair, privateKeyToPem } from '../crypto/index.js';
import {
  type CaInit,
  caInitFromFiles,
  caStateOf,
  type IssuedEntry,
  newCaInit,
  type RevokedRecord,
} from './caInit.js';
import { readCaFiles, writeCaFiles } from './caStore.js';
import { asBuffer, normalizeSerial } from './certEncoding.js';
import { CRL_NUMBER_OID, encodeCrlNumber } from './crlNumber.js';
import { IdentityErrorCodes } from './errors.js';
import { encodeIdentityExtension, IDENTITY_EXTENSION_OID } from './identityExtension.js';
import { issueCertificate } from './issueCertificate.js';
import { identityInfoOf, parsePeculiarCert } from './parseIdentityCert.js';
import type { EnrolledIdentity, ExtKeyUsage, RevocationReason, Role } from './types.js';
import {
  checkAttributes,
  checkExtKeyUsage,
  checkName,
  checkPublicKey,
  checkReason,
  checkRole,
  checkSans,
  computeValidity,
} from './validateInputs.js';
import { type CryptoKeyLike, ECDSA_P256_SHA256, x509 } from './x509Provider.js';

const DAY_MS = 86_400_000;
const SAN_OID = '2.5.29.17';
const EKU_OID = '2.5.29.37';

/** Options of {@link CertificateAuthority.enroll}. */
export interface EnrollOptions {
  readonly name: string;
  readonly role: Role;
  readonly attributes?: Record<string, string>;
  /** Validity in days from `notBefore` (default 365). */
  readonly validityDays?: number;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Certify this SPKI PEM P-256 key (CSR-like); the CA then returns no private key. */
  readonly publicKeyPem?: string;
  /** SubjectAlternativeName entries, for TLS certificates. */
  readonly dnsNames?: string[];
  readonly ipAddresses?: string[];
  readonly extKeyUsage?: ExtKeyUsage[];
}

/** One certificate the CA issued, as `issued()` lists it. */
export interface IssuedRecord {
  readonly serial: string;
  readonly name: string;
  readonly role: Role;
  readonly notAfter: Date;
}

/**
 * An org's certificate authority: issues identity certificates (role and attributes in the
 * Consortia identity extension), renews and revokes them, and signs CRLs. Create one with
 * {@link CertificateAuthority.create} or {@link CertificateAuthority.load}.
 */
export class CertificateAuthority {
  readonly mspId: string;
  readonly commonName: string;
  readonly certPem: string;
  readonly certDer: Uint8Array;
  /** Parent CA certificates (PEM, nearest first) of an intermediate CA; '' for a root CA. */
  readonly chainPem: string;
  readonly notAfter: Date;
  #cert: x509.X509Certificate;
  #node: X509Certificate;
  #keyId: string;
  #privateKey: KeyObject;
  #signingKey: CryptoKeyLike;
  #crlNumber: bigint;
  #issued = new Map<string, IssuedEntry>();
  #revoked = new Map<string, RevokedRecord>();

  private constructor(init: Readonly<CaInit>) {
    this.mspId = init.mspId;
    this.commonName = init.commonName;
    this.certPem = init.cert.pem;
    this.certDer = init.cert.der;
    this.chainPem = init.chainPem;
    this.notAfter = init.cert.cert.notAfter;
    this.#cert = init.cert.cert;
    this.#node = new X509Certificate(asBuffer(init.cert.der));
    this.#keyId = init.cert.keyId;
    this.#privateKey = init.privateKey;
    this.#signingKey = init.signingKey;
    this.#crlNumber = init.crlNumber;
    for (const i of init.issued) this.#issued.set(i.serial, i);
    for (const r of init.revoked) this.#revoked.set(r.serial, r);
  }

  /**
   * Creates a new root CA with a fresh P-256 key: self-signed, CA:true, keyCertSign+cRLSign,
   * subject `CN=ca.<mspId>, O=<mspId>` (or `commonName`), 10 years by default. Call it again
   * with e.g. `commonName: 'tlsca.TelcoA'` for a separate TLS CA.
   *
   * @example
   * const ca = await CertificateAuthority.create({ mspId: 'TelcoA' });
   */
  static async create(
    opts: Readonly<{ mspId: string; commonName?: string; validityDays?: number }>,
  ): Promise<CertificateAuthority> {
    const mspId = checkName('mspId', opts.mspId);
    const commonName = checkName('commonName', opts.commonName ?? `ca.${mspId}`);
    return new CertificateAuthority(
      await newCaInit('root', { mspId, commonName, validityDays: opts.validityDays ?? 3650 }),
    );
  }

  /**
   * Loads a CA saved by {@link CertificateAuthority.save}. A missing directory gives
   * CA_NOT_FOUND; unreadable or inconsistent files give CA_CORRUPT.
   *
   * @example
   * const ca = await CertificateAuthority.load('/var/consortia/TelcoA/ca');
   */
  static async load(dir: string): Promise<CertificateAuthority> {
    return new CertificateAuthority(await caInitFromFiles(dir, await readCaFiles(dir)));
  }

  /**
   * Writes `ca-cert.pem`, `ca-key.pem` (mode 0600), `state.json` and, for an intermediate,
   * `ca-chain.pem` into `dir` (created recursively).
   *
   * @example
   * await ca.save('/var/consortia/TelcoA/ca');
   */
  async save(dir: string): Promise<void> {
    await writeCaFiles(dir, {
      certPem: this.certPem,
      keyPem: privateKeyToPem(this.#privateKey),
      chainPem: this.chainPem,
      state: caStateOf({
        mspId: this.mspId,
        commonName: this.commonName,
        crlNumber: this.#crlNumber,
        issued: [...this.#issued.values()],
        revoked: [...this.#revoked.values()],
      }),
    });
  }

  /**
   * Issues an identity certificate `CN=<name>, OU=<role>, O=<mspId>` with the role and
   * attributes in the identity extension. Generates a P-256 key pair (returned as
   * `privateKeyPem`) unless `publicKeyPem` is given.
   *
   * @example
   * const user = await ca.enroll({ name: 'user1', role: 'client', attributes: { dept: 'sales' } });
   */
  async enroll(opts: Readonly<EnrollOptions>): Promise<EnrolledIdentity> {
    const name = checkName('name', opts.name);
    const role = checkRole(opts.role);
    const attributes = checkAttributes(opts.attributes);
    checkSans(opts.dnsNames, opts.ipAddresses);
    checkExtKeyUsage(opts.extKeyUsage);
    const validity = computeValidity(opts, 365, this.notAfter);
    const extra: x509.Extension[] = [];
    const sans = [
      ...(opts.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(opts.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
    ];
    if (sans.length > 0) extra.push(new x509.SubjectAlternativeNameExtension(sans));
    if (opts.extKeyUsage !== undefined && opts.extKeyUsage.length > 0) {
      extra.push(new x509.ExtendedKeyUsageExtension(opts.extKeyUsage.map((u) => x509.ExtendedKeyUsage[u])));
    }
    let publicKeySpki: Uint8Array;
    let privateKeyPem: string | undefined;
    if (opts.publicKeyPem !== undefined) {
      publicKeySpki = checkPublicKey(opts.publicKeyPem).export({ format: 'der', type: 'spki' });
    } else {
      const keys = generateKeyPair();
      publicKeySpki = keys.publicKey.export({ format: 'der', type: 'spki' });
      privateKeyPem = privateKeyToPem(keys.privateKey);
    }
    return this.#issueLeaf({ name, role, attributes, publicKeySpki, ...validity, extra }, privateKeyPem);
  }

  /**
   * Issues a new certificate (new serial, fresh validity) with the same name, role, attributes,
   * SANs and extended key usages as `certPem`, for the same key unless `publicKeyPem` is given.
   * A certificate this CA did not issue gives NOT_ISSUED_BY_CA; a revoked one CERT_REVOKED.
   *
   * @example
   * const renewed = await ca.renew(user.certPem, { validityDays: 90 });
   */
  async renew(
    certPem: string,
    opts: Readonly<{ validityDays?: number; publicKeyPem?: string }> = {},
  ): Promise<EnrolledIdentity> {
    const old = parsePeculiarCert(certPem);
    const oldNode = new X509Certificate(asBuffer(new Uint8Array(old.rawData)));
    if (!oldNode.checkIssued(this.#node) || !oldNode.verify(this.#node.publicKey)) {
      throw new ConsortiaError(
        IdentityErrorCodes.NOT_ISSUED_BY_CA,
        `the certificate was not issued by CA ${this.commonName}; renew it at the CA that issued it`,
        { mspId: this.mspId },
      );
    }
    const info = identityInfoOf(old);
    if (this.#revoked.has(info.serial)) {
      throw new ConsortiaError(
        IdentityErrorCodes.CERT_REVOKED,
        `certificate ${info.serial} is revoked and cannot be renewed; enroll the identity again`,
        { mspId: this.mspId, serial: info.serial },
      );
    }
    const validity = computeValidity({ validityDays: opts.validityDays }, 365, this.notAfter);
    const publicKeySpki =
      opts.publicKeyPem !== undefined
        ? checkPublicKey(opts.publicKeyPem).export({ format: 'der', type: 'spki' })
        : oldNode.publicKey.export({ format: 'der', type: 'spki' });
    const extra = old.extensions.filter((e) => e.type === SAN_OID || e.type === EKU_OID);
    const { name, role, attributes } = info;
    return this.#issueLeaf({ name, role, attributes, publicKeySpki, ...validity, extra }, undefined);
  }

  /**
   * Revokes a certificate this CA issued (by serial or PEM) and returns the new CRL (DER).
   * Unknown serials give UNKNOWN_SERIAL; revoking again keeps the first record.
   *
   * @example
   * const crlDer = await ca.revoke(user.serial, 'keyCompromise');
   */
  async revoke(serialOrCertPem: string, reason: RevocationReason = 'unspecified'): Promise<Uint8Array> {
    const checkedReason = checkReason(reason);
    const serial = serialOrCertPem.includes('-----BEGIN')
      ? identityInfoOf(parsePeculiarCert(serialOrCertPem)).serial
      : normalizeSerial(serialOrCertPem);
    if (serial === undefined || !this.#issued.has(serial)) {
      throw new ConsortiaError(
        IdentityErrorCodes.UNKNOWN_SERIAL,
        `serial '${serial ?? serialOrCertPem}' was not issued by CA ${this.commonName}; check the serial (hex)`,
        { mspId: this.mspId, serial: serial ?? serialOrCertPem },
      );
    }
    if (!this.#revoked.has(serial)) {
      this.#revoked.set(serial, { serial, reason: checkedReason, revokedAt: new Date() });
    }
    return this.crl();
  }

  /**
   * Signs a fresh CRL (DER) listing every revocation, with the next CRL number, `thisUpdate`
   * now and `nextUpdate` after `nextUpdateDays` (default 7).
   *
   * @example
   * const crlDer = await ca.crl();
   */
  async crl(opts: Readonly<{ nextUpdateDays?: number }> = {}): Promise<Uint8Array> {
    const days = opts.nextUpdateDays ?? 7;
    if (!Number.isFinite(days) || days <= 0) {
      throw new ConsortiaError(
        IdentityErrorCodes.INVALID_VALIDITY,
        `nextUpdateDays must be a positive number of days, got ${String(opts.nextUpdateDays)}`,
      );
    }
    this.#crlNumber += 1n;
    const thisUpdate = new Date();
    const crl = await x509.X509CrlGenerator.create({
      issuer: this.#cert.subjectName,
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + days * DAY_MS),
      signingAlgorithm: ECDSA_P256_SHA256,
      signingKey: this.#signingKey,
      extensions: [
        new x509.AuthorityKeyIdentifierExtension(this.#keyId),
        new x509.Extension(CRL_NUMBER_OID, false, encodeCrlNumber(this.#crlNumber)),
      ],
      entries: [...this.#revoked.values()].map((r) => ({
        serialNumber: r.serial,
        revocationDate: r.revokedAt,
        reason: x509.X509CrlReason[r.reason],
      })),
    });
    return new Uint8Array(crl.rawData);
  }

  /**
   * Creates an intermediate CA (CA:true, pathLen 0) signed by this CA, for the same MSP. Its
   * `chainPem` holds this CA's certificate (and chain); give its `certPem` to the MSP as an
   * intermediate.
   *
   * @example
   * const ica = await rootCa.createIntermediate({ commonName: 'ica.TelcoA' });
   */
  async createIntermediate(
    opts: Readonly<{ commonName?: string; validityDays?: number }> = {},
  ): Promise<CertificateAuthority> {
    const commonName = checkName('commonName', opts.commonName ?? `ica.${this.mspId}`);
    const init = await newCaInit(
      'intermediate',
      { mspId: this.mspId, commonName, validityDays: opts.validityDays ?? 1825, cap: this.notAfter },
      {
        issuer: this.#cert.subjectName,
        signingKey: this.#signingKey,
        keyId: this.#keyId,
        chainPem: `${this.certPem}${this.chainPem}`,
      },
    );
    const { serial } = init.cert;
    this.#issued.set(serial, { serial, name: commonName, kind: 'ca', notAfter: init.cert.cert.notAfter });
    return new CertificateAuthority(init);
  }

  /** Every revocation recorded by this CA. */
  revoked(): readonly RevokedRecord[] {
    return [...this.#revoked.values()];
  }

  /** Every identity certificate this CA issued (intermediate CAs are not listed). */
  issued(): readonly IssuedRecord[] {
    const out: IssuedRecord[] = [];
    for (const i of this.#issued.values()) {
      if (i.role !== undefined)
        out.push({ serial: i.serial, name: i.name, role: i.role, notAfter: i.notAfter });
    }
    return out;
  }

  /**
   * Issued, unrevoked identity certificates that expire within `withinDays` of `at` (default
   * now), soonest first, including ones already expired: expiry should be seen before it hurts.
   *
   * @example
   * for (const c of ca.expiring(30)) warn(`${c.name} expires ${c.notAfter.toISOString()}`);
   */
  expiring(withinDays: number, at: Date = new Date()): readonly IssuedRecord[] {
    const limit = at.getTime() + withinDays * DAY_MS;
    return this.issued()
      .filter((i) => i.notAfter.getTime() <= limit && !this.#revoked.has(i.serial))
      .sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime());
  }

  async #issueLeaf(
    p: Readonly<{
      name: string;
      role: Role;
      attributes: Readonly<Record<string, string>>;
      publicKeySpki: Uint8Array;
      notBefore: Date;
      notAfter: Date;
      extra: readonly x509.Extension[];
    }>,
    privateKeyPem: string | undefined,
  ): Promise<EnrolledIdentity> {
    const issued = await issueCertificate({
      profile: 'leaf',
      subject: `CN=${p.name}, OU=${p.role}, O=${this.mspId}`,
      issuer: this.#cert.subjectName,
      publicKeySpki: p.publicKeySpki,
      signingKey: this.#signingKey,
      issuerKeyId: this.#keyId,
      notBefore: p.notBefore,
      notAfter: p.notAfter,
      extraExtensions: [
        new x509.Extension(
          IDENTITY_EXTENSION_OID,
          false,
          encodeIdentityExtension({ role: p.role, attrs: p.attributes }),
        ),
        ...p.extra,
      ],
    });
    const { serial, cert } = issued;
    this.#issued.set(serial, {
      serial,
      name: p.name,
      kind: 'identity',
      role: p.role,
      notAfter: cert.notAfter,
    });
    return Object.freeze({
      mspId: this.mspId,
      name: p.name,
      role: p.role,
      attributes: Object.freeze({ ...p.attributes }),
      certPem: issued.pem,
      certDer: issued.der,
      serial,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      ...(privateKeyPem === undefined ? {} : { privateKeyPem }),
    });
  }
}
