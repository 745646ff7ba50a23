import { create, toBinary } from '@bufbuild/protobuf';
import { ConsortiaError } from '../common/index.js';
import { sha256 } from '../crypto/index.js';
import { decodeMessage } from './decode.js';
import { type Identity, IdentitySchema } from './gen/consortia_pb.js';

/**
 * Serialises an identity: the org's MSP id and the X.509 certificate (DER). With `byHash`, only
 * the certificate's SHA-256 is carried; receivers must already know the certificate.
 *
 * @example
 * const creator = encodeIdentity('TelcoA', certDer);
 */
export function encodeIdentity(mspId: string, certDer: Uint8Array, byHash = false): Uint8Array {
  return toBinary(
    IdentitySchema,
    byHash
      ? create(IdentitySchema, { mspId, certHash: sha256(certDer) })
      : create(IdentitySchema, { mspId, cert: certDer }),
  );
}

/** Decodes identity bytes; exactly one of `cert` or `certHash` (32 bytes) must be set. */
export function decodeIdentity(bytes: Uint8Array): Identity {
  const id = decodeMessage(IdentitySchema, bytes, 'identity');
  if (id.mspId.length === 0) throw new ConsortiaError('MALFORMED_MESSAGE', 'the identity has no MSP id');
  const hasCert = id.cert.byteLength > 0;
  const hasHash = id.certHash.byteLength > 0;
  if (hasCert === hasHash || (hasHash && id.certHash.byteLength !== 32)) {
    throw new ConsortiaError(
      'MALFORMED_MESSAGE',
      'the identity must carry either a certificate or its 32-byte hash',
    );
  }
  return id;
}
