import { ConsortiaError } from '../common/index.js';
import { normalizeSerial, toDer } from './certEncoding.js';
import { IdentityErrorCodes } from './errors.js';
import { decodeIdentityExtension, IDENTITY_EXTENSION_OID } from './identityExtension.js';
import { type IdentityCertInfo, isRole, type Role } from './types.js';
import { x509 } from './x509Provider.js';

function malformed(message: string, cause?: unknown): ConsortiaError {
  return new ConsortiaError(
    IdentityErrorCodes.CERT_MALFORMED,
    message,
    undefined,
    cause === undefined ? undefined : { cause },
  );
}

/** Parses certificate bytes (or PEM) with @peculiar/x509; CERT_MALFORMED when they do not parse. */
export function parsePeculiarCert(cert: string | Uint8Array): x509.X509Certificate {
  const der = toDer(cert, 'CERTIFICATE');
  if (der === undefined)
    throw malformed('the text holds no PEM CERTIFICATE block; pass a PEM or DER certificate');
  try {
    return new x509.X509Certificate(der);
  } catch (err) {
    throw malformed('the bytes do not parse as an X.509 certificate; pass a PEM or DER certificate', err);
  }
}

/** What an identity certificate says, read from an already parsed certificate. */
export function identityInfoOf(cert: x509.X509Certificate): IdentityCertInfo {
  const name = cert.subjectName.getField('CN')[0];
  const mspId = cert.subjectName.getField('O')[0];
  const serial = normalizeSerial(cert.serialNumber);
  if (name === undefined || mspId === undefined || serial === undefined) {
    throw malformed('the certificate subject lacks CN (name) or O (MSP id); it is not a Consortia identity');
  }
  let role: Role;
  let attributes: Readonly<Record<string, string>> = Object.freeze({});
  const ext = cert.getExtension(IDENTITY_EXTENSION_OID);
  if (ext !== null) {
    const value = decodeIdentityExtension(new Uint8Array(ext.value));
    if (value === undefined) {
      throw malformed(`the identity extension ${IDENTITY_EXTENSION_OID} is not valid role/attributes JSON`);
    }
    role = value.role;
    attributes = value.attrs;
  } else {
    const ou = cert.subjectName.getField('OU')[0];
    if (!isRole(ou))
      throw malformed('the certificate carries no role (neither identity extension nor OU role)');
    role = ou;
  }
  return Object.freeze({
    mspId,
    name,
    role,
    attributes,
    serial,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  });
}

/**
 * Reads the MSP id, name, role, attributes, serial and validity of a Consortia identity
 * certificate, without checking its chain. For CLIs and dashboards; the MSP validates.
 *
 * @example
 * const info = parseIdentityCert(enrolled.certPem);
 * info.role; // 'client'
 */
export function parseIdentityCert(cert: string | Uint8Array): IdentityCertInfo {
  return identityInfoOf(parsePeculiarCert(cert));
}
