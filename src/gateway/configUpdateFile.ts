import { type KeyObject, X509Certificate } from 'node:crypto';
import { ConsortiaError, fromBase64, toBase64 } from '../common/index.js';
import { verifyBytes } from '../crypto/index.js';
import { parseIdentityCert } from '../identity/index.js';
import {
  type ChannelConfig,
  configSigningBytes,
  decodeChannelConfig,
  decodeConfigHeader,
  decodeIdentity,
  encodeIdentity,
  newConfigUpdate,
} from '../protocol/index.js';
import { describeConfigDiff } from './configChanges.js';
import type { ConfigSigner } from './configUpdate.js';

export const CONFIG_UPDATE_FORMAT = 'consortia-config-update/1';

/**
 * A config update as a file that each org admin signs in turn, then one of them submits. The
 * bytes to sign are fixed when the file is made, so every admin signs the same bytes.
 */
export interface ConfigUpdateFile {
  readonly format: typeof CONFIG_UPDATE_FORMAT;
  readonly channel: string;
  readonly txId: string;
  readonly sequence: number;
  /** What changes, in words, for the admins who sign. */
  readonly changes: readonly string[];
  readonly header: string;
  readonly config: string;
  readonly signatures: readonly {
    readonly signer: string;
    readonly identity: string;
    readonly signature: string;
  }[];
}

/** Starts an update file from the current and the desired configuration. */
export function newConfigUpdateFile(
  current: ChannelConfig,
  next: ChannelConfig,
  creator: ConfigSigner,
): ConfigUpdateFile {
  const changes = describeConfigDiff(current, next);
  if (changes.length === 0)
    throw new ConsortiaError('NO_CHANGE', 'the proposed configuration is the same as the current one');
  const update = newConfigUpdate({ config: next, creator: encodeIdentity(creator.mspId, creator.certDer) });
  return {
    format: CONFIG_UPDATE_FORMAT,
    channel: next.channel,
    txId: update.txId,
    sequence: next.sequence,
    changes,
    header: toBase64(update.header),
    config: toBase64(update.config),
    signatures: [],
  };
}

/** Parses and checks an update file (as read from disk); throws INVALID_UPDATE_FILE. */
export function parseConfigUpdateFile(text: string): ConfigUpdateFile {
  let v: Partial<ConfigUpdateFile>;
  try {
    v = JSON.parse(text) as Partial<ConfigUpdateFile>;
  } catch {
    throw new ConsortiaError('INVALID_UPDATE_FILE', 'the update file is not JSON');
  }
  if (
    v?.format !== CONFIG_UPDATE_FORMAT ||
    typeof v.header !== 'string' ||
    typeof v.config !== 'string' ||
    !Array.isArray(v.signatures)
  ) {
    throw new ConsortiaError('INVALID_UPDATE_FILE', `the update file is not a ${CONFIG_UPDATE_FORMAT} file`);
  }
  const header = decodeConfigHeader(fromBase64(v.header));
  const config = decodeChannelConfig(fromBase64(v.config));
  if (header.txId !== v.txId || config.channel !== v.channel || config.sequence !== v.sequence) {
    throw new ConsortiaError(
      'INVALID_UPDATE_FILE',
      'the update file has been edited: its summary fields do not match its signed content',
    );
  }
  return v as ConfigUpdateFile;
}

/** Adds one admin's signature (replacing an earlier one by the same identity). */
export async function signConfigUpdateFile(
  file: ConfigUpdateFile,
  signer: ConfigSigner,
): Promise<ConfigUpdateFile> {
  const info = parseIdentityCert(signer.certDer);
  const identity = encodeIdentity(signer.mspId, signer.certDer);
  const signature = await signer.signer(
    configSigningBytes({ header: fromBase64(file.header), config: fromBase64(file.config) }),
  );
  const label = `${info.mspId}.${info.name}`;
  const others = file.signatures.filter((s) => s.identity !== toBase64(identity));
  return {
    ...file,
    signatures: [...others, { signer: label, identity: toBase64(identity), signature: toBase64(signature) }],
  };
}

/** Checks that each signature in the file verifies with its own certificate (not membership). */
export function checkConfigUpdateSignatures(file: ConfigUpdateFile): string[] {
  const signed = configSigningBytes({ header: fromBase64(file.header), config: fromBase64(file.config) });
  return file.signatures.map((s) => {
    const id = decodeIdentity(fromBase64(s.identity));
    const info = parseIdentityCert(id.cert);
    const ok = verifyBytes(certKey(id.cert), signed, fromBase64(s.signature));
    if (!ok) throw new ConsortiaError('BAD_SIGNATURE', `the signature of ${s.signer} does not verify`);
    return `${info.mspId}.${info.name}`;
  });
}

function certKey(der: Uint8Array): KeyObject {
  return new X509Certificate(der).publicKey;
}

/** The configuration an update file proposes, for display. */
export function proposedConfig(file: ConfigUpdateFile): ChannelConfig {
  return decodeChannelConfig(fromBase64(file.config));
}
