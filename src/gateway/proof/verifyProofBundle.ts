import { fromUtf8, toHex } from '../../common/index.js';
import { sha256, sha256Hex, verifyBytes } from '../../crypto/index.js';
import { evaluatePolicy, parsePolicy } from '../../policy/index.js';
import { type DeliveryStatement, deliveryStatements } from './deliveryStatements.js';
import { ProofErrorCodes } from './errors.js';
import { type ProofBundle, parseProofBundle } from './proofBundle.js';
import {
  anchorHeader,
  checkConfiguration,
  checkEndorsements,
  checkInclusion,
  checkOrderers,
  checkPins,
  checkValidationCode,
  fail,
  mspIdOf,
  ordererOrgsOf,
  resolveOrFail,
  signerOf,
  type VerifiedSigner,
} from './proofChecks.js';
import type { TrustedRoot } from './proofTrust.js';

export type { VerifiedSigner } from './proofChecks.js';

/** Options of {@link verifyProofBundle}. */
export interface VerifyProofOptions {
  /**
   * Fingerprints (hex SHA-256 of the DER) of the root CA certificates the verifier trusts, as
   * the consortium published them. When given, every root of every org the proof relies on must
   * be among them (PROOF_UNTRUSTED_ROOT). Without it, compare `trustedRoots` of the result.
   */
  readonly trustedRoots?: readonly string[];
}

/** What a verified bundle proves. */
export interface ProofVerification {
  readonly txId: string;
  readonly channel: string;
  readonly block: { number: number; timestamp: string; hash: string; dataHash: string };
  readonly transaction: {
    readonly contract: string;
    readonly contractVersion: string;
    readonly function: string;
    readonly args: unknown;
    /** The proposal timestamp, chosen and signed by the creator. */
    readonly proposedAt: string;
    readonly creator: VerifiedSigner;
    readonly endorsers: readonly VerifiedSigner[];
    readonly endorsementPolicy: string;
    readonly validationCode: 'VALID';
    readonly result: unknown;
    readonly writes: readonly { key: string; value: string | null; isDelete: boolean }[];
    readonly events: readonly { name: string; payload: unknown }[];
  };
  readonly orderers: readonly VerifiedSigner[];
  readonly configuration: { blockNumber: number; sequence: number; sha256: string };
  /** The roots of the orgs the proof relies on: compare them with the consortium's published ones. */
  readonly trustedRoots: readonly TrustedRoot[];
  /** For proof-of-delivery transactions: what was delivered or received, by whom, when. */
  readonly statements: readonly DeliveryStatement[];
  readonly warnings: readonly string[];
}

function json(bytes: Uint8Array): unknown {
  try {
    return bytes.byteLength === 0 ? null : JSON.parse(fromUtf8(bytes));
  } catch {
    return null;
  }
}

/**
 * Verifies a proof bundle offline, with no node: the configuration and the transaction are each
 * in an orderer-signed block (inclusion path to the header's data hash, orderer certificates
 * chaining to the configuration's ordering-org roots); the creator's certificate and envelope
 * signature; every endorsement signature, each endorser a valid peer of its org at the block
 * time; the contract's endorsement policy; the recorded validation code. Throws a ConsortiaError
 * whose code names the first check that failed (see ProofErrorCodes).
 *
 * @example
 * const v = await verifyProofBundle(readFileSync('proof.json', 'utf8'));
 * for (const root of v.trustedRoots) console.log(root.mspId, root.fingerprint);
 */
export async function verifyProofBundle(
  input: ProofBundle | string,
  opts: Readonly<VerifyProofOptions> = {},
): Promise<ProofVerification> {
  const bundle = typeof input === 'string' ? parseProofBundle(input) : input;
  const warnings: string[] = [];
  const { trust, config, configBytes } = await checkConfiguration(bundle, opts.trustedRoots, warnings);

  const a = bundle.transaction;
  const header = anchorHeader(a, bundle.channel, 'transaction');
  if (
    bundle.configuration.blockNumber > a.blockNumber ||
    (bundle.configuration.blockNumber === a.blockNumber && bundle.configuration.txIndex >= a.txIndex)
  ) {
    fail(
      ProofErrorCodes.PROOF_CONFIG_INVALID,
      `the configuration (block ${bundle.configuration.blockNumber}) comes after the transaction (block ${a.blockNumber}); it cannot be the one in force`,
    );
  }
  const relied = new Set<string>([...ordererOrgsOf(a), ...ordererOrgsOf(bundle.configuration)]);
  const orderers = checkOrderers(trust, a, header, 'transaction', warnings);
  const parsed = checkInclusion(a, header, 'transaction');
  if (parsed.type !== 'endorser') {
    return fail(ProofErrorCodes.PROOF_TX_MISMATCH, 'the transaction is a configuration, not a contract call');
  }
  const tx = parsed;
  relied.add(mspIdOf(tx.creatorBytes, 'creator', ProofErrorCodes.PROOF_CREATOR_INVALID));
  for (const e of tx.endorsements)
    relied.add(mspIdOf(e.endorser, 'endorser', ProofErrorCodes.PROOF_ENDORSER_INVALID));
  checkPins(trust, relied, opts.trustedRoots);
  if (tx.txId !== bundle.txId || tx.channel !== bundle.channel) {
    fail(
      ProofErrorCodes.PROOF_TX_MISMATCH,
      `the bundle names transaction ${bundle.txId} on ${bundle.channel}, the envelope holds ${tx.txId} on ${tx.channel}`,
    );
  }
  checkValidationCode(a, 'transaction');

  const at = new Date(header.timestamp);
  const creator = resolveOrFail(
    trust,
    tx.creatorBytes,
    at,
    undefined,
    ProofErrorCodes.PROOF_CREATOR_INVALID,
    "the creator's certificate",
  );
  const writers = parsePolicy(config.policies.Writers);
  const creatorSigner = {
    id: creator.identity.id,
    mspId: creator.identity.mspId,
    role: creator.identity.role,
  };
  if (!evaluatePolicy(writers, [creatorSigner], { orgs: trust.appOrgs })) {
    fail(
      ProofErrorCodes.PROOF_CREATOR_INVALID,
      `the creator ${creator.identity.mspId}.${creator.identity.name} does not satisfy the channel's Writers policy`,
    );
  }
  if (!verifyBytes(creator.identity.publicKey, tx.payloadBytes, tx.signature)) {
    fail(
      ProofErrorCodes.PROOF_CREATOR_SIGNATURE_INVALID,
      `the signature of ${creator.identity.mspId}.${creator.identity.name} over the transaction does not verify`,
    );
  }
  const { endorsers, policy } = checkEndorsements(tx, trust, at);

  const rp = tx.responsePayload;
  const nsList = rp.results?.ns ?? [];
  if (nsList.some((ns) => ns.keyPolicies.length > 0)) {
    warnings.push('the transaction sets key-level endorsement policies; they are not part of this proof');
  }
  return {
    txId: tx.txId,
    channel: tx.channel,
    block: {
      number: header.number,
      timestamp: new Date(header.timestamp).toISOString(),
      hash: toHex(sha256(a.blockHeader)),
      dataHash: toHex(header.dataHash),
    },
    transaction: {
      contract: tx.proposal.contract,
      contractVersion: rp.contractVersion,
      function: tx.proposal.fn,
      args: json(tx.proposal.argsBytes),
      proposedAt: new Date(tx.proposal.timestamp).toISOString(),
      creator: signerOf(creator),
      endorsers,
      endorsementPolicy: policy,
      validationCode: 'VALID',
      result: json(rp.response?.payload ?? new Uint8Array(0)),
      writes: nsList.flatMap((ns) =>
        ns.writes.map((w) => {
          let value: string | null = null;
          try {
            value = w.isDelete ? null : fromUtf8(w.value);
          } catch {
            value = null;
          }
          return { key: `${ns.namespace}/${w.key}`, value, isDelete: w.isDelete };
        }),
      ),
      events: rp.events.map((e) => ({ name: e.name, payload: json(e.payload) })),
    },
    orderers,
    configuration: {
      blockNumber: bundle.configuration.blockNumber,
      sequence: config.sequence,
      sha256: sha256Hex(configBytes),
    },
    trustedRoots: trust.roots(relied),
    statements: deliveryStatements(tx.proposal.contract, tx.proposal.fn, nsList),
    warnings,
  };
}
