import { bytesEqual, ConsortiaError, toConsortiaError } from '../../common/index.js';
import { merkleLeafHash, merkleRootFromPath, sha256Hex, verifyBytes } from '../../crypto/index.js';
import type { Role } from '../../identity/index.js';
import { evaluatePolicy, explainPolicy, parsePolicy } from '../../policy/index.js';
import {
  blockSigningBytes,
  type ChannelConfig,
  decodeChannelConfig,
  decodeIdentity,
  endorsementSigningBytes,
  type ParsedEndorserTx,
  type ParsedTx,
  parseEnvelope,
  ValidationCode,
  validationCodeName,
} from '../../protocol/index.js';
import { decodeProofBlockHeader, type ProofBlockHeader } from './blockHeader.js';
import { ProofErrorCodes } from './errors.js';
import type { AnchoredTransaction, ProofBundle } from './proofBundle.js';
import { ProofTrust, type ResolvedIdentity } from './proofTrust.js';

/*
 * The individual checks of `verifyProofBundle`, each throwing a ConsortiaError whose code names
 * what failed. They use only the crypto, identity, policy and protocol layers.
 */

/** A signer that checked out: who it is and the fingerprint of its certificate. */
export interface VerifiedSigner {
  readonly mspId: string;
  readonly name: string;
  readonly role: string;
  readonly certFingerprint: string;
}

export function fail(code: string, message: string, detail?: Record<string, unknown>): never {
  throw new ConsortiaError(code, message, detail);
}

export function signerOf(r: ResolvedIdentity): VerifiedSigner {
  const id = r.identity;
  return { mspId: id.mspId, name: id.name, role: id.role, certFingerprint: sha256Hex(r.certDer) };
}

export function mspIdOf(identityBytes: Uint8Array, what: string, code: string): string {
  try {
    return decodeIdentity(identityBytes).mspId;
  } catch (err) {
    return fail(code, `the ${what} identity does not decode`, { cause: toConsortiaError(err).code });
  }
}

export function ordererOrgsOf(a: AnchoredTransaction): string[] {
  return a.blockSignatures.map((s) =>
    mspIdOf(s.signer, 'orderer', ProofErrorCodes.PROOF_ORDERER_SIGNATURE_INVALID),
  );
}

/** Header decode and match, then (after the caller checked signatures) the inclusion path. */
export function anchorHeader(a: AnchoredTransaction, channel: string, what: string): ProofBlockHeader {
  let header: ProofBlockHeader;
  try {
    header = decodeProofBlockHeader(a.blockHeader);
  } catch (err) {
    return fail(ProofErrorCodes.PROOF_BLOCK_HEADER_INVALID, `${what}: ${toConsortiaError(err).message}`);
  }
  if (header.number !== a.blockNumber || header.channel !== channel) {
    fail(
      ProofErrorCodes.PROOF_BLOCK_HEADER_INVALID,
      `${what}: the block header is of block ${header.number} on channel '${header.channel}', the bundle says block ${a.blockNumber} on '${channel}'`,
    );
  }
  return header;
}

export function checkInclusion(a: AnchoredTransaction, header: ProofBlockHeader, what: string): ParsedTx {
  const root = merkleRootFromPath(merkleLeafHash(a.envelope), a.inclusionPath);
  if (!bytesEqual(root, header.dataHash)) {
    fail(
      ProofErrorCodes.PROOF_INCLUSION_FAILED,
      `${what}: the envelope and its inclusion path do not lead to the data hash of block ${header.number}; the transaction or the path was altered`,
      { block: header.number },
    );
  }
  try {
    return parseEnvelope(a.envelope);
  } catch (err) {
    return fail(
      ProofErrorCodes.PROOF_ENVELOPE_MALFORMED,
      `${what}: the envelope does not decode: ${toConsortiaError(err).message}`,
    );
  }
}

/** Checks orderer signatures on a header: valid orderers of distinct ordering orgs, enough of them. */
export function checkOrderers(
  trust: ProofTrust,
  a: AnchoredTransaction,
  header: ProofBlockHeader,
  what: string,
  warnings: string[],
): VerifiedSigner[] {
  const at = new Date(header.timestamp);
  const orgs = new Set<string>();
  const signers: VerifiedSigner[] = [];
  const problems: string[] = [];
  for (const [i, sig] of a.blockSignatures.entries()) {
    let who: ResolvedIdentity;
    try {
      who = trust.resolve(sig.signer, at, 'orderer');
    } catch (err) {
      problems.push(`signature ${i}: ${toConsortiaError(err).message}`);
      continue;
    }
    if (!trust.ordererOrgs.includes(who.identity.mspId)) {
      problems.push(`signature ${i}: ${who.identity.mspId} is not an ordering org of the channel`);
      continue;
    }
    if (!verifyBytes(who.identity.publicKey, blockSigningBytes(a.blockHeader, sig.signer), sig.signature)) {
      problems.push(`signature ${i} by ${who.identity.mspId}.${who.identity.name} does not verify`);
      continue;
    }
    orgs.add(who.identity.mspId);
    signers.push(signerOf(who));
  }
  const required = trust.config.ordering.signaturesRequired;
  if (orgs.size < required) {
    fail(
      ProofErrorCodes.PROOF_ORDERER_SIGNATURE_INVALID,
      `${what}: block ${header.number} carries valid signatures of ${orgs.size} ordering org(s), ${required} required (${problems.join('; ') || 'no signatures'})`,
      { block: header.number },
    );
  }
  for (const p of problems) warnings.push(`${what}: ignored ${p}`);
  return signers;
}

export function checkValidationCode(a: AnchoredTransaction, what: string): void {
  if (a.validationCode !== ValidationCode.VALID) {
    fail(
      ProofErrorCodes.PROOF_TX_NOT_VALID,
      `${what}: the peer recorded validation code ${validationCodeName(a.validationCode)}, not VALID; the transaction changed nothing`,
      { validationCode: validationCodeName(a.validationCode) },
    );
  }
}

export async function checkConfiguration(
  bundle: ProofBundle,
  pins: readonly string[] | undefined,
  warnings: string[],
): Promise<{ trust: ProofTrust; config: ChannelConfig; configBytes: Uint8Array }> {
  const a = bundle.configuration;
  const what = 'configuration';
  const header = anchorHeader(a, bundle.channel, what);
  const tx = checkInclusion(a, header, what);
  if (tx.type !== 'config' || tx.channel !== bundle.channel) {
    fail(
      ProofErrorCodes.PROOF_CONFIG_INVALID,
      `the configuration part holds ${tx.type === 'config' ? `a config of channel ${tx.channel}` : 'a contract transaction'}, not a configuration of channel ${bundle.channel}`,
    );
  }
  const configBytes = tx.config.config;
  let config: ChannelConfig;
  try {
    config = decodeChannelConfig(configBytes);
  } catch (err) {
    return fail(
      ProofErrorCodes.PROOF_CONFIG_INVALID,
      `the channel configuration does not decode: ${toConsortiaError(err).message}`,
    );
  }
  const trust = (await ProofTrust.fromConfig(config)).addCertificates(bundle.certificates ?? []);
  // Pinned roots are checked before anything relies on them, so a forged configuration is named as such.
  checkPins(trust, new Set([...ordererOrgsOf(a), ...ordererOrgsOf(bundle.transaction)]), pins);
  checkOrderers(trust, a, header, what, warnings);
  checkValidationCode(a, what);
  return { trust, config, configBytes };
}

export function checkPins(
  trust: ProofTrust,
  orgs: ReadonlySet<string>,
  pins: readonly string[] | undefined,
): void {
  if (pins === undefined) return;
  const allowed = new Set(pins.map((p) => p.toLowerCase().replace(/:/g, '')));
  for (const root of trust.roots(orgs)) {
    if (!allowed.has(root.fingerprint)) {
      fail(
        ProofErrorCodes.PROOF_UNTRUSTED_ROOT,
        `the proof relies on root CA ${root.subject} of ${root.mspId} (SHA-256 ${root.fingerprint}), which is not among the roots you trust`,
        { mspId: root.mspId, fingerprint: root.fingerprint },
      );
    }
  }
}

export function resolveOrFail(
  trust: ProofTrust,
  bytes: Uint8Array,
  at: Date,
  role: Role | undefined,
  code: string,
  what: string,
): ResolvedIdentity {
  try {
    return trust.resolve(bytes, at, role);
  } catch (err) {
    const e = toConsortiaError(err);
    return fail(code, `${what} is not valid at the block time: ${e.message}`, { cause: e.code });
  }
}

export function checkEndorsements(
  tx: ParsedEndorserTx,
  trust: ProofTrust,
  at: Date,
): { endorsers: VerifiedSigner[]; policy: string } {
  const rp = tx.responsePayload;
  if (!bytesEqual(rp.proposalHash, tx.proposal.hash) || rp.response?.status !== 200) {
    fail(
      ProofErrorCodes.PROOF_RESPONSE_INVALID,
      'the endorsed response is not a successful response to this proposal',
    );
  }
  const contract = trust.config.contracts.find((c) => c.name === tx.proposal.contract);
  if (!contract) {
    fail(
      ProofErrorCodes.PROOF_UNKNOWN_CONTRACT,
      `contract ${tx.proposal.contract} is not defined in the channel configuration`,
    );
  }
  if (rp.contractVersion !== contract.version) {
    fail(
      ProofErrorCodes.PROOF_RESPONSE_INVALID,
      `the transaction was endorsed with contract version ${rp.contractVersion}, the configuration defines ${contract.version}`,
    );
  }
  const endorsers: VerifiedSigner[] = [];
  const signers = new Map<string, { id: string; mspId: string; role: 'peer' }>();
  for (const [i, e] of tx.endorsements.entries()) {
    const who = resolveOrFail(
      trust,
      e.endorser,
      at,
      'peer',
      ProofErrorCodes.PROOF_ENDORSER_INVALID,
      `endorser ${i}`,
    );
    if (
      !verifyBytes(
        who.identity.publicKey,
        endorsementSigningBytes(tx.responsePayloadBytes, e.endorser),
        e.signature,
      )
    ) {
      fail(
        ProofErrorCodes.PROOF_ENDORSEMENT_SIGNATURE_INVALID,
        `the endorsement of ${who.identity.mspId}.${who.identity.name} does not verify`,
        { endorser: `${who.identity.mspId}.${who.identity.name}` },
      );
    }
    endorsers.push(signerOf(who));
    signers.set(who.identity.id, { id: who.identity.id, mspId: who.identity.mspId, role: 'peer' });
  }
  const policy = parsePolicy(contract.endorsementPolicy);
  const list = [...signers.values()];
  if (!evaluatePolicy(policy, list, { orgs: trust.appOrgs })) {
    fail(
      ProofErrorCodes.PROOF_POLICY_NOT_SATISFIED,
      `the endorsements do not satisfy the endorsement policy ${contract.endorsementPolicy}: ${explainPolicy(policy, list, { orgs: trust.appOrgs }).missing}`,
      { policy: contract.endorsementPolicy },
    );
  }
  return { endorsers, policy: contract.endorsementPolicy };
}
