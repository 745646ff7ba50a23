import { ConsortiaError } from '../common/index.js';
import { normalizeSerial, toDer } from './certEncoding.js';
import { CRL_NUMBER_OID, decodeCrlNumber } from './crlNumber.js';
import { IdentityErrorCodes } from './errors.js';
import type { TrustCert } from './mspTrust.js';
import { x509 } from './x509Provider.js';

/** A CRL whose signature verified against one CA of the MSP. */
export interface CrlRecord {
  /** Id of the issuing {@link TrustCert}. */
  readonly issuerId: string;
  /** As it was given (PEM or DER), for the MSP config. */
  readonly input: string | Uint8Array;
  readonly crlNumber: bigint | undefined;
  readonly thisUpdate: Date;
  /** Revoked serials, normalised lowercase hex. */
  readonly serials: ReadonlySet<string>;
}

function crlInvalid(mspId: string, message: string, cause?: unknown): ConsortiaError {
  return new ConsortiaError(
    IdentityErrorCodes.CRL_INVALID,
    `MSP ${mspId}: ${message}`,
    { mspId },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Parses a CRL (PEM or DER) and verifies its signature against the CA of `trust` that issued it.
 * A CRL naming an issuer that is none of the MSP's CAs (for example the org's TLS CA, whose CRL
 * travels in the same list) gives undefined: it is not this MSP's to apply. A CRL that does not
 * parse, or that names a CA of the MSP but whose signature does not verify, gives CRL_INVALID.
 */
export async function loadCrl(
  mspId: string,
  input: string | Uint8Array,
  trust: readonly TrustCert[],
): Promise<CrlRecord | undefined> {
  const der = toDer(input, 'X509 CRL');
  if (der === undefined) throw crlInvalid(mspId, 'the CRL text holds no PEM X509 CRL block; pass PEM or DER');
  let crl: x509.X509Crl;
  let entries: readonly x509.X509CrlEntry[];
  try {
    crl = new x509.X509Crl(der);
    entries = crl.entries;
  } catch (err) {
    throw crlInvalid(mspId, 'the CRL does not parse; pass a PEM or DER X.509 CRL', err);
  }
  const named = trust.filter((candidate) => candidate.peculiar.subject === crl.issuer);
  if (named.length === 0) return undefined;
  let issuer: TrustCert | undefined;
  for (const candidate of named) {
    try {
      if (await crl.verify({ publicKey: candidate.peculiar })) {
        issuer = candidate;
        break;
      }
    } catch {
      // a key of another algorithm: not this issuer
    }
  }
  if (issuer === undefined) {
    throw crlInvalid(
      mspId,
      `the CRL from '${crl.issuer}' names a CA of this MSP but its signature does not verify with that CA's key`,
    );
  }
  const numberExt = crl.getExtension(CRL_NUMBER_OID);
  const serials = new Set<string>();
  for (const e of entries) {
    const serial = normalizeSerial(e.serialNumber);
    if (serial !== undefined) serials.add(serial);
  }
  return {
    issuerId: issuer.id,
    input,
    crlNumber: numberExt === null ? undefined : decodeCrlNumber(new Uint8Array(numberExt.value)),
    thisUpdate: crl.thisUpdate,
    serials,
  };
}

/** True when `a` supersedes `b` (same issuer): a higher CRL number, else a later thisUpdate. */
export function isNewerCrl(a: CrlRecord, b: CrlRecord): boolean {
  if (a.crlNumber !== undefined && b.crlNumber !== undefined && a.crlNumber !== b.crlNumber) {
    return a.crlNumber > b.crlNumber;
  }
  return a.thisUpdate.getTime() > b.thisUpdate.getTime();
}
