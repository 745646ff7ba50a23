/**
 * The one place that loads `@peculiar/x509`. It needs `reflect-metadata` imported first (it throws
 * at import otherwise) and a WebCrypto provider; Node's `webcrypto` is installed here once.
 * Other files of this layer import `x509` from here, never from the package.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** ECDSA P-256 with SHA-256: the only key and signature algorithm Consortia issues. */
export const ECDSA_P256_SHA256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A WebCrypto signing key for a Node private key (PKCS#8), as @peculiar/x509 needs it. */
export async function toSigningKey(privateKey: import('node:crypto').KeyObject): Promise<CryptoKeyLike> {
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
}

/** The WebCrypto key type, as @peculiar/x509 takes it. */
export type CryptoKeyLike = webcrypto.CryptoKey;

export { x509 };
