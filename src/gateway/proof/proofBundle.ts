import { z } from 'zod';
import { ConsortiaError, fromBase64, toBase64 } from '../../common/index.js';
import type { MerkleStep } from '../../crypto/index.js';
import { ProofErrorCodes } from './errors.js';

/** The format tag of the bundles this code writes and reads. */
export const PROOF_BUNDLE_FORMAT = 'consortia-proof/1';

/** Where the format is specified, written into every bundle for a reader who finds only the file. */
const ABOUT =
  'Consortia proof bundle: a ledger transaction with everything needed to verify it offline. ' +
  'Format consortia-proof/1, specified in docs/use-cases/proof-of-delivery.md of the Consortia project. ' +
  'Byte fields are base64 (RFC 4648) of protobuf messages of consortia.proto (package consortia.v1).';

/** One block signature: the signer's Identity bytes and its signature over header ‖ signer. */
export interface BundleSignature {
  readonly signer: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * A transaction anchored in its block: the envelope, the inclusion path from the envelope's
 * leaf hash to the header's data hash, the header bytes and the orderers' signatures on them.
 */
export interface AnchoredTransaction {
  readonly blockNumber: number;
  /** Position of the envelope in the block (informative; the path is what is checked). */
  readonly txIndex: number;
  /** The exporting peer's validation code byte for this transaction (0 = VALID). Not signed. */
  readonly validationCode: number;
  /** Bytes of the Envelope, exactly as in the block. */
  readonly envelope: Uint8Array;
  readonly inclusionPath: readonly MerkleStep[];
  /** Bytes of the BlockHeader, exactly as the orderers signed them. */
  readonly blockHeader: Uint8Array;
  readonly blockSignatures: readonly BundleSignature[];
}

/**
 * A proof bundle: one endorser transaction, and the configuration transaction in force at its
 * block (which holds the orgs' root CA certificates, CRLs, policies and contract definitions),
 * each anchored in its block.
 */
export interface ProofBundle {
  readonly format: typeof PROOF_BUNDLE_FORMAT;
  readonly channel: string;
  readonly txId: string;
  /** When and from which node it was exported (informative). */
  readonly exportedAt: string;
  readonly exportedFrom: string;
  readonly transaction: AnchoredTransaction;
  readonly configuration: AnchoredTransaction;
  /**
   * Certificates (DER) the transaction names by SHA-256 instead of carrying them (decision
   * 0007); absent from bundles whose identities all carry their certificates.
   */
  readonly certificates?: readonly Uint8Array[];
}

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const uint = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const anchorSchema = z.object({
  blockNumber: uint,
  txIndex: uint,
  validationCode: z.number().int().min(0).max(255),
  envelope: z.string(),
  inclusionPath: z.array(z.object({ left: z.boolean(), sibling: z.string() })).max(64),
  blockHeader: z.string(),
  blockSignatures: z
    .array(z.object({ signer: z.string(), signature: z.string() }))
    .min(1)
    .max(64),
});

const bundleSchema = z.object({
  format: z.string(),
  channel: z.string().min(1).max(249),
  txId: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters'),
  exportedAt: z.string(),
  exportedFrom: z.string(),
  transaction: anchorSchema,
  configuration: anchorSchema,
  certificates: z.array(z.string()).max(64).optional(),
});

type AnchorJson = z.infer<typeof anchorSchema>;

function b64(value: string, field: string, exactLength?: number): Uint8Array {
  if (!B64.test(value) || value.length === 0) {
    throw new ConsortiaError(
      ProofErrorCodes.BUNDLE_BAD_BASE64,
      `bundle field ${field} is not padded base64 (A-Z a-z 0-9 + /, length a multiple of 4); the file is damaged`,
      { field },
    );
  }
  const bytes = fromBase64(value);
  if (exactLength !== undefined && bytes.byteLength !== exactLength) {
    throw new ConsortiaError(
      ProofErrorCodes.BUNDLE_MALFORMED,
      `bundle field ${field} must hold ${exactLength} bytes, not ${bytes.byteLength}`,
      { field },
    );
  }
  return bytes;
}

function anchorFromJson(a: AnchorJson, at: string): AnchoredTransaction {
  return {
    blockNumber: a.blockNumber,
    txIndex: a.txIndex,
    validationCode: a.validationCode,
    envelope: b64(a.envelope, `${at}.envelope`),
    inclusionPath: a.inclusionPath.map((s, i) => ({
      left: s.left,
      sibling: b64(s.sibling, `${at}.inclusionPath[${i}].sibling`, 32),
    })),
    blockHeader: b64(a.blockHeader, `${at}.blockHeader`),
    blockSignatures: a.blockSignatures.map((s, i) => ({
      signer: b64(s.signer, `${at}.blockSignatures[${i}].signer`),
      signature: b64(s.signature, `${at}.blockSignatures[${i}].signature`),
    })),
  };
}

function anchorToJson(a: AnchoredTransaction): AnchorJson {
  return {
    blockNumber: a.blockNumber,
    txIndex: a.txIndex,
    validationCode: a.validationCode,
    envelope: toBase64(a.envelope),
    inclusionPath: a.inclusionPath.map((s) => ({ left: s.left, sibling: toBase64(s.sibling) })),
    blockHeader: toBase64(a.blockHeader),
    blockSignatures: a.blockSignatures.map((s) => ({
      signer: toBase64(s.signer),
      signature: toBase64(s.signature),
    })),
  };
}

/**
 * The JSON form of a bundle (what the file and the REST route hold): byte fields as base64.
 *
 * @example
 * reply.send(proofBundleToJson(bundle));
 */
export function proofBundleToJson(bundle: ProofBundle): Record<string, unknown> {
  return {
    format: bundle.format,
    about: ABOUT,
    channel: bundle.channel,
    txId: bundle.txId,
    exportedAt: bundle.exportedAt,
    exportedFrom: bundle.exportedFrom,
    transaction: anchorToJson(bundle.transaction),
    configuration: anchorToJson(bundle.configuration),
    ...(bundle.certificates?.length ? { certificates: bundle.certificates.map((c) => toBase64(c)) } : {}),
  };
}

/**
 * The text of a bundle file: indented JSON, ending with a newline.
 *
 * @example
 * writeFileSync('proof.json', serializeProofBundle(bundle));
 */
export function serializeProofBundle(bundle: ProofBundle): string {
  return `${JSON.stringify(proofBundleToJson(bundle), null, 2)}\n`;
}

/**
 * Reads a bundle from its JSON text (or an already parsed JSON value), checking its shape only;
 * `verifyProofBundle` checks what it proves. Throws BUNDLE_NOT_JSON, BUNDLE_FORMAT_UNSUPPORTED,
 * BUNDLE_MALFORMED (naming the field) or BUNDLE_BAD_BASE64 (naming the field).
 *
 * @example
 * const bundle = parseProofBundle(readFileSync('proof.json', 'utf8'));
 */
export function parseProofBundle(input: string | unknown): ProofBundle {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new ConsortiaError(
        ProofErrorCodes.BUNDLE_NOT_JSON,
        'the proof bundle is not JSON; give the file that `consortia proof export` wrote',
      );
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConsortiaError(ProofErrorCodes.BUNDLE_MALFORMED, 'the proof bundle must be a JSON object', {
      field: '(root)',
    });
  }
  const format = (value as { format?: unknown }).format;
  if (format !== PROOF_BUNDLE_FORMAT) {
    throw new ConsortiaError(
      ProofErrorCodes.BUNDLE_FORMAT_UNSUPPORTED,
      typeof format === 'string'
        ? `the bundle has format ${JSON.stringify(format.slice(0, 64))}; this verifier reads ${PROOF_BUNDLE_FORMAT}`
        : `the file has no "format" field; a proof bundle starts with "format": "${PROOF_BUNDLE_FORMAT}"`,
      { format: typeof format === 'string' ? format.slice(0, 64) : null },
    );
  }
  const r = bundleSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    const name = field ? field.replace(/^\./, '') : '(root)';
    throw new ConsortiaError(
      ProofErrorCodes.BUNDLE_MALFORMED,
      `bundle field ${name} is missing or invalid: ${issue?.message ?? 'bad value'}`,
      { field: name },
    );
  }
  const j = r.data;
  return {
    format: PROOF_BUNDLE_FORMAT,
    channel: j.channel,
    txId: j.txId,
    exportedAt: j.exportedAt,
    exportedFrom: j.exportedFrom,
    transaction: anchorFromJson(j.transaction, 'transaction'),
    configuration: anchorFromJson(j.configuration, 'configuration'),
    ...(j.certificates ? { certificates: j.certificates.map((c, i) => b64(c, `certificates[${i}]`)) } : {}),
  };
}
