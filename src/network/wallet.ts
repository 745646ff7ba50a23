import type { KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConsortiaError } from '../common/index.js';
import { newPrivateKeySigner, privateKeyFrom, type Signer } from '../crypto/index.js';
import { parseIdentityCert } from '../identity/index.js';

/** An identity with its key, as held in a data dir's wallet (demo and embedded use only). */
export interface WalletIdentity {
  readonly label: string;
  readonly mspId: string;
  readonly name: string;
  readonly certPem: string;
  readonly certDer: Uint8Array;
  readonly privateKey: KeyObject;
  readonly signer: Signer;
}

function pemToDer(pem: string): Uint8Array {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/** Writes nothing; reads `<dir>/cert.pem` and `<dir>/key.pem`. */
export function readIdentityDir(dir: string, label: string): WalletIdentity {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    throw new ConsortiaError('UNKNOWN_IDENTITY', `identity ${label} has no certificate and key in ${dir}`, {
      label,
    });
  }
  const certPem = readFileSync(certPath, 'utf8');
  const certDer = pemToDer(certPem);
  const info = parseIdentityCert(certDer);
  const privateKey = privateKeyFrom(readFileSync(keyPath, 'utf8'));
  return {
    label,
    mspId: info.mspId,
    name: info.name,
    certPem,
    certDer,
    privateKey,
    signer: newPrivateKeySigner(privateKey),
  };
}

/**
 * Loads a user identity by label `Org.name` (for example `TelcoA.admin`) from a data dir.
 * Throws UNKNOWN_IDENTITY naming the identities that exist.
 */
export function loadWalletIdentity(dataDir: string, label: string): WalletIdentity {
  const dot = label.indexOf('.');
  if (dot <= 0 || dot === label.length - 1) {
    throw new ConsortiaError(
      'UNKNOWN_IDENTITY',
      `identity "${label}" must be written Org.name, for example TelcoA.admin`,
      { label },
    );
  }
  const org = label.slice(0, dot);
  const name = label.slice(dot + 1);
  const dir = join(dataDir, org, 'users', name);
  if (
    !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(org) ||
    !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) ||
    !existsSync(dir)
  ) {
    throw new ConsortiaError(
      'UNKNOWN_IDENTITY',
      `unknown identity ${label}; known: ${listWalletIdentities(dataDir).join(', ') || '(none)'}`,
      { label },
    );
  }
  return readIdentityDir(dir, label);
}

/** Labels of every user identity in a data dir's wallet. */
export function listWalletIdentities(dataDir: string): string[] {
  const labels: string[] = [];
  if (!existsSync(dataDir)) return labels;
  for (const org of readdirSync(dataDir, { withFileTypes: true })) {
    const users = join(dataDir, org.name, 'users');
    if (!org.isDirectory() || !existsSync(users)) continue;
    for (const u of readdirSync(users)) labels.push(`${org.name}.${u}`);
  }
  return labels.sort();
}
