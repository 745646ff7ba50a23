import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConsortiaError } from '../../common/index.js';
import { sha256Hex } from '../../crypto/index.js';
import { decryptWithKey, encryptForCertificates } from '../../gateway/index.js';
import { loadWalletIdentity, readDataDirMarker } from '../../network/index.js';
import { action } from '../output.js';

/** The org names of a data dir's network; DATA_DIR_NOT_FOUND when there is no network there yet. */
function networkOrgs(dataDir: string): string[] {
  const marker = readDataDirMarker(dataDir);
  if (!marker) {
    throw new ConsortiaError(
      'DATA_DIR_NOT_FOUND',
      `${dataDir} holds no Consortia network yet; run consortia up (or consortia demo) first, or pass --data-dir`,
      { dataDir },
    );
  }
  return marker.network.orgs.map((o) => o.name);
}

/**
 * An org's encryption certificate. The embedded network has no separate encryption
 * certificates, so it is the org admin's certificate; in production each org publishes one.
 */
function orgEncryptionCert(dataDir: string, org: string, orgs: readonly string[]): string {
  if (!orgs.includes(org)) {
    throw new ConsortiaError(
      'UNKNOWN_ORG',
      `there is no org '${org}' in the network at ${dataDir}; orgs: ${orgs.join(', ')}`,
      { org },
    );
  }
  return loadWalletIdentity(dataDir, `${org}.admin`).certPem;
}

function parseOrgList(text: string): string[] {
  const orgs = [...new Set(text.split(',').map((s) => s.trim()))];
  if (orgs.length === 0 || orgs.some((o) => o === '')) {
    throw new ConsortiaError(
      'INVALID_ARGUMENT',
      `--for '${text}' must list org names separated by commas, for example TelcoA,TelcoB`,
    );
  }
  return orgs;
}

/** `consortia encrypt`, `consortia decrypt` and `consortia hash`: the off-ledger helpers of a port request. */
export function registerCrypto(program: Command): void {
  program
    .command('encrypt <data>')
    .description(
      'encrypt JSON or text so that only the listed orgs can read it (ECIES P-256 + AES-256-GCM); prints base64',
    )
    .requiredOption('--for <orgs>', 'orgs that may decrypt, comma-separated, e.g. TelcoA,TelcoB')
    .option('--data-dir <dir>', 'data dir of the embedded network (for the orgs certificates)', './data')
    .action(
      action(async (data: string, opts: { for: string; dataDir: string }) => {
        const dataDir = resolve(opts.dataDir);
        const orgs = networkOrgs(dataDir);
        const certs = parseOrgList(opts.for).map((org) => orgEncryptionCert(dataDir, org, orgs));
        process.stdout.write(`${encryptForCertificates(certs, data)}\n`);
      }),
    );

  program
    .command('decrypt <base64>')
    .description(
      'decrypt base64 made by consortia encrypt with an identity of the wallet; prints the plaintext',
    )
    .requiredOption('--as <identity>', 'whose key decrypts, for example TelcoA.admin')
    .option('--data-dir <dir>', 'data dir of the embedded network (for the wallet)', './data')
    .action(
      action(async (base64: string, opts: { as: string; dataDir: string }) => {
        const dataDir = resolve(opts.dataDir);
        networkOrgs(dataDir);
        const id = loadWalletIdentity(dataDir, opts.as);
        const plain = decryptWithKey(id.privateKey, base64);
        process.stdout.write(plain);
        if (isUtf8(plain) && plain.at(-1) !== 0x0a) process.stdout.write('\n');
      }),
    );

  program
    .command('hash <file>')
    .description('print the SHA-256 (hex) of a file, e.g. the signed porting contract for contractHash')
    .action(
      action(async (file: string) => {
        let bytes: Uint8Array;
        try {
          bytes = readFileSync(file);
        } catch (err) {
          const reason =
            (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
          throw new ConsortiaError('FILE_UNREADABLE', `cannot read ${file}: ${reason}`, { file });
        }
        process.stdout.write(`${sha256Hex(bytes)}\n`);
      }),
    );
}
