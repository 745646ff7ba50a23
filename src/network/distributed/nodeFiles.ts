import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConsortiaError } from '../../common/index.js';
import { newPrivateKeySigner, privateKeyFrom } from '../../crypto/index.js';
import { parseIdentityCert } from '../../identity/index.js';
import type { WalletIdentity } from '../wallet.js';

/**
 * Reads a node identity from its certificate and key files.
 *
 * @example
 * const id = readIdentityDirFiles('TelcoA/peer0/cert.pem', 'TelcoA/peer0/key.pem', 'TelcoA.peer0');
 */
export function readIdentityDirFiles(certPath: string, keyPath: string, label: string): WalletIdentity {
  let certPem: string;
  let keyPem: string;
  try {
    certPem = readFileSync(certPath, 'utf8');
    keyPem = readFileSync(keyPath, 'utf8');
  } catch (err) {
    throw new ConsortiaError(
      'UNKNOWN_IDENTITY',
      `identity ${label}: cannot read ${certPath} or ${keyPath}: ${(err as Error).message}`,
      { label },
      { cause: err },
    );
  }
  const certDer = new Uint8Array(
    Buffer.from(certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'),
  );
  const info = parseIdentityCert(certDer);
  const privateKey = privateKeyFrom(keyPem);
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

/** The ready file a node writes once it serves: `<runDir>/<id>.ready`. */
export function readyFilePath(runDir: string, id: string): string {
  return join(runDir, `${id}.ready`);
}

/**
 * Writes `<runDir>/<id>.ready` with the node's address and PID, atomically.
 *
 * @example
 * writeReadyFile(config.runDir, config.id, server.address);
 */
export function writeReadyFile(runDir: string, id: string, address: string): void {
  mkdirSync(runDir, { recursive: true });
  const path = readyFilePath(runDir, id);
  writeFileSync(`${path}.tmp`, JSON.stringify({ id, address, pid: process.pid }));
  renameSync(`${path}.tmp`, path);
}
