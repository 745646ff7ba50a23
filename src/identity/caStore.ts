import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConsortiaError } from '../common/index.js';
import { IdentityErrorCodes } from './errors.js';
import { ROLES } from './types.js';
import { REVOCATION_REASONS } from './validateInputs.js';

/** File names of a saved CA directory. */
export const CA_FILES = {
  cert: 'ca-cert.pem',
  key: 'ca-key.pem',
  chain: 'ca-chain.pem',
  state: 'state.json',
} as const;

const IsoDate = z.iso.datetime();

const CaStateSchema = z.object({
  version: z.literal(1),
  mspId: z.string(),
  commonName: z.string(),
  crlNumber: z.string().regex(/^[0-9]+$/),
  issued: z.array(
    z.object({
      serial: z.string().regex(/^[0-9a-f]+$/),
      name: z.string(),
      kind: z.enum(['identity', 'ca']),
      role: z.enum(ROLES as [string, ...string[]]).optional(),
      notAfter: IsoDate,
    }),
  ),
  revoked: z.array(
    z.object({
      serial: z.string().regex(/^[0-9a-f]+$/),
      reason: z.enum(REVOCATION_REASONS as [string, ...string[]]),
      revokedAt: IsoDate,
    }),
  ),
});

/** The persistent bookkeeping of a CA, as written to state.json. */
export type CaState = z.infer<typeof CaStateSchema>;

export interface CaFiles {
  readonly certPem: string;
  readonly keyPem: string;
  /** Parent CA certificates (nearest first), for an intermediate CA; empty for a root. */
  readonly chainPem: string;
  readonly state: CaState;
}

async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, data, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

/** Writes a CA directory (created recursively); the key file is mode 0600. */
export async function writeCaFiles(dir: string, files: CaFiles): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeAtomic(join(dir, CA_FILES.key), files.keyPem, 0o600);
  await writeAtomic(join(dir, CA_FILES.cert), files.certPem, 0o644);
  if (files.chainPem.length > 0) await writeAtomic(join(dir, CA_FILES.chain), files.chainPem, 0o644);
  await writeAtomic(join(dir, CA_FILES.state), `${JSON.stringify(files.state, null, 2)}\n`, 0o600);
}

function corrupt(dir: string, what: string, cause?: unknown): ConsortiaError {
  return new ConsortiaError(
    IdentityErrorCodes.CA_CORRUPT,
    `the CA directory ${dir} is corrupt (${what}); restore it from a backup`,
    { dir },
    cause === undefined ? undefined : { cause },
  );
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Reads a CA directory written by {@link writeCaFiles}; CA_NOT_FOUND or CA_CORRUPT otherwise. */
export async function readCaFiles(dir: string): Promise<CaFiles> {
  const [certPem, keyPem, stateText, chainPem] = await Promise.all([
    readOptional(join(dir, CA_FILES.cert)),
    readOptional(join(dir, CA_FILES.key)),
    readOptional(join(dir, CA_FILES.state)),
    readOptional(join(dir, CA_FILES.chain)),
  ]);
  if (certPem === undefined && keyPem === undefined && stateText === undefined) {
    throw new ConsortiaError(
      IdentityErrorCodes.CA_NOT_FOUND,
      `no CA was found in ${dir}; create one first (CertificateAuthority.create + save)`,
      { dir },
    );
  }
  if (certPem === undefined || keyPem === undefined || stateText === undefined) {
    throw corrupt(dir, `missing ${CA_FILES.cert}, ${CA_FILES.key} or ${CA_FILES.state}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(stateText);
  } catch (err) {
    throw corrupt(dir, `${CA_FILES.state} is not JSON`, err);
  }
  const parsed = CaStateSchema.safeParse(json);
  if (!parsed.success) throw corrupt(dir, `${CA_FILES.state} does not match its schema`, parsed.error);
  return { certPem, keyPem, chainPem: chainPem ?? '', state: parsed.data };
}
