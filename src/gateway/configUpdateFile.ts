import { type KeyObject, X509Certificate } from 'node:crypto';
import { ConsortiaError, canonicalJson, fromBase64, toBase64 } from '../common/index.js';
import { verifyBytes } from '../crypto/index.js';
import { parseIdentityCert } from '../identity/index.js';
import { evaluatePolicy, type PolicySigner, parsePolicy } from '../policy/index.js';
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

/**
 * Who has signed an update file and whether the signatures meet the policy the update needs:
 * LifecycleEndorsement when only contract definitions change, the channel's Admins policy
 * otherwise (an org changing only its own definition also needs just its own admin, which
 * the peers accept too). Signatures are checked; membership is judged from the certificates.
 */
export function approvalStatus(
  file: ConfigUpdateFile,
  current: ChannelConfig,
): { policy: string; satisfied: boolean; orgs: { mspId: string; approved: boolean }[] } {
  const next = proposedConfig(file);
  const onlyContracts =
    canonicalJson({ ...current, sequence: 0, contracts: [] }) ===
    canonicalJson({ ...next, sequence: 0, contracts: [] });
  const policyText = onlyContracts ? current.policies.LifecycleEndorsement : current.policies.Admins;
  checkConfigUpdateSignatures(file);
  const signers: PolicySigner[] = file.signatures.map((s) => {
    const id = decodeIdentity(fromBase64(s.identity));
    const info = parseIdentityCert(id.cert);
    return { id: `${info.mspId}::${info.name}::${info.serial}`, mspId: info.mspId, role: info.role };
  });
  const orgs = current.orgs.map((o) => o.mspId);
  return {
    policy: policyText,
    satisfied: evaluatePolicy(parsePolicy(policyText), signers, { orgs }),
    orgs: orgs.map((mspId) => ({
      mspId,
      approved: signers.some((s) => s.mspId === mspId && s.role === 'admin'),
    })),
  };
}
