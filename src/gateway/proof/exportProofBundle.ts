import { ConsortiaError, toHex } from '../../common/index.js';
import { sha256Hex } from '../../crypto/index.js';
import {
  decodeIdentity,
  envelopeInclusionPath,
  type ParsedBlock,
  type ParsedEndorserTx,
  parseBlock,
  parseEnvelope,
  ValidationCode,
  validationCodeName,
} from '../../protocol/index.js';
import { ProofErrorCodes } from './errors.js';
import { type AnchoredTransaction, PROOF_BUNDLE_FORMAT, type ProofBundle } from './proofBundle.js';

/**
 * Where an export reads committed blocks: one peer's ledger of one channel, in this process
 * (a running peer's handle) or opened offline from a stopped network's data dir.
 */
export interface ProofBlockSource {
  readonly channel: string;
  /** The node the blocks come from, e.g. `TelcoA.peer0` (recorded in the bundle). */
  readonly label: string;
  /** Where a transaction was committed, or undefined when it never was. */
  locate(txId: string): { blockNumber: number; txIndex: number; validationCode: number } | undefined;
  /** The stored bytes of block `n` (with validation codes), or undefined. */
  block(n: number): Uint8Array | undefined;
  /**
   * A certificate a committed block carried in full, by SHA-256 (the peer's ledger). Without
   * it, the export looks for the certificate in the blocks before the transaction's.
   */
  certificate?(hash: Uint8Array): Uint8Array | undefined;
}

/** Options of {@link exportProofBundle}. */
export interface ExportProofOptions {
  /** The export time written into the bundle (default: now). */
  readonly now?: Date;
}

function readBlock(source: ProofBlockSource, n: number): ParsedBlock {
  const bytes = source.block(n);
  if (!bytes) {
    throw new ConsortiaError(
      'LEDGER_CORRUPT',
      `${source.label} has no block ${n} of channel ${source.channel}, though its index refers to it`,
      { block: n },
    );
  }
  return parseBlock(bytes);
}

function anchor(block: ParsedBlock, txIndex: number): AnchoredTransaction {
  return {
    blockNumber: block.number,
    txIndex,
    validationCode: block.validationCodes[txIndex] ?? ValidationCode.NOT_VALIDATED,
    envelope: block.envelopes[txIndex]!,
    inclusionPath: envelopeInclusionPath(block.envelopes, txIndex),
    blockHeader: block.headerBytes,
    blockSignatures: block.signatures.map((s) => ({ signer: s.signer, signature: s.signature })),
  };
}

/** The full certificate of every identity in `tx` that names its certificate by hash. */
function certificatesNamedByHash(
  source: ProofBlockSource,
  tx: ParsedEndorserTx,
  blockNumber: number,
): Uint8Array[] {
  const wanted = new Map<string, Uint8Array>();
  for (const bytes of [tx.creatorBytes, ...tx.endorsements.map((e) => e.endorser)]) {
    const id = decodeIdentity(bytes);
    if (id.cert.byteLength === 0) wanted.set(toHex(id.certHash), id.certHash);
  }
  const found = new Map<string, Uint8Array>();
  for (const [hex, hash] of wanted) {
    const cert = source.certificate?.(hash);
    if (cert !== undefined && sha256Hex(cert) === hex) found.set(hex, cert);
  }
  // A source without a certificate index: the blocks before carried each certificate in full.
  for (let n = blockNumber - 1; n >= 0 && found.size < wanted.size; n--) {
    for (const envelope of readBlock(source, n).envelopes) {
      let parsed: ReturnType<typeof parseEnvelope>;
      try {
        parsed = parseEnvelope(envelope);
      } catch {
        continue;
      }
      const ids = [
        parsed.creatorBytes,
        ...(parsed.type === 'endorser' ? parsed.endorsements.map((e) => e.endorser) : []),
      ];
      for (const bytes of ids) {
        const cert = decodeIdentity(bytes).cert;
        if (cert.byteLength === 0) continue;
        const hex = sha256Hex(cert);
        if (wanted.has(hex)) found.set(hex, cert);
      }
    }
  }
  if (found.size < wanted.size) {
    throw new ConsortiaError(
      ProofErrorCodes.PROOF_NOT_EXPORTABLE,
      `${source.label} cannot find a certificate the transaction names by hash; its ledger is incomplete`,
    );
  }
  return [...found.values()];
}

/**
 * The valid configuration transaction in force for the transaction at (blockNumber, txIndex):
 * the last valid config transaction before it, found by walking back from its block (the
 * genesis block holds the first one). The walk reads one block at a time.
 */
function configurationBefore(
  source: ProofBlockSource,
  blockNumber: number,
  txIndex: number,
): AnchoredTransaction {
  for (let n = blockNumber; n >= 0; n--) {
    const block = readBlock(source, n);
    const last = n === blockNumber ? txIndex - 1 : block.envelopes.length - 1;
    for (let i = last; i >= 0; i--) {
      if ((block.validationCodes[i] ?? ValidationCode.VALID) !== ValidationCode.VALID) continue;
      let type: string;
      try {
        type = parseEnvelope(block.envelopes[i]!).type;
      } catch {
        continue;
      }
      if (type === 'config') return anchor(block, i);
    }
  }
  throw new ConsortiaError(
    'LEDGER_CORRUPT',
    `${source.label} holds no valid configuration of channel ${source.channel} before block ${blockNumber}`,
  );
}

/**
 * Builds the standalone proof bundle of a committed, valid contract transaction: its envelope
 * (with the creator's and endorsers' signatures and certificates), the block header, the
 * orderer signatures and the inclusion path; and the same for the configuration transaction in
 * force at that block (org root CAs, CRLs, policies, contract definitions). Throws
 * INVALID_ARGUMENT, UNKNOWN_TRANSACTION or PROOF_NOT_EXPORTABLE.
 *
 * @example
 * const bundle = exportProofBundle(peerProofSource(gateway.peerFor('telecom'), 'telecom'), txId);
 * writeFileSync('proof.json', serializeProofBundle(bundle));
 */
export function exportProofBundle(
  source: ProofBlockSource,
  txId: string,
  opts: Readonly<ExportProofOptions> = {},
): ProofBundle {
  const id = txId.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(id)) {
    throw new ConsortiaError(
      'INVALID_ARGUMENT',
      `transaction id ${JSON.stringify(txId.slice(0, 80))} is not 64 hex characters`,
    );
  }
  const loc = source.locate(id);
  if (!loc) {
    throw new ConsortiaError(
      ProofErrorCodes.UNKNOWN_TRANSACTION,
      `channel ${source.channel} has no transaction ${id} (on ${source.label})`,
      { channel: source.channel, txId: id },
    );
  }
  if (loc.validationCode !== ValidationCode.VALID) {
    throw new ConsortiaError(
      ProofErrorCodes.PROOF_NOT_EXPORTABLE,
      `transaction ${id} was committed as ${validationCodeName(loc.validationCode)}, not VALID: it proves nothing`,
      { txId: id, validationCode: validationCodeName(loc.validationCode) },
    );
  }
  const block = readBlock(source, loc.blockNumber);
  const transaction = anchor(block, loc.txIndex);
  const parsed = parseEnvelope(transaction.envelope);
  if (parsed.type !== 'endorser') {
    throw new ConsortiaError(
      ProofErrorCodes.PROOF_NOT_EXPORTABLE,
      `transaction ${id} is a channel configuration; only contract transactions are exported as proofs`,
      { txId: id },
    );
  }
  const certificates = certificatesNamedByHash(source, parsed, loc.blockNumber);
  return {
    format: PROOF_BUNDLE_FORMAT,
    channel: source.channel,
    txId: id,
    exportedAt: (opts.now ?? new Date()).toISOString(),
    exportedFrom: source.label,
    transaction,
    configuration: configurationBefore(source, loc.blockNumber, loc.txIndex),
    ...(certificates.length > 0 ? { certificates } : {}),
  };
}
