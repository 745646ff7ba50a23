import { isConsortiaError } from '../common/index.js';
import { verifyBytes } from '../crypto/index.js';
import type { ValidatedIdentity } from '../identity/index.js';
import { MAX_STATE_KEY_BYTES } from '../ledger/index.js';
import { type Policy, type PolicySigner, parsePolicy } from '../policy/index.js';
import {
  endorsementSigningBytes,
  type NsRwSet,
  type ParsedBlock,
  type ParsedEndorserTx,
  type ParsedTx,
  parseEnvelope,
  ValidationCode,
} from '../protocol/index.js';
import { type ChannelContext, toPolicySigner } from './channelContext.js';
import { checkPrivateData, type PrivateHashReader, recordPrivateWrites } from './privateValidation.js';
import { type SignatureCheck, type SignatureVerifier, sharedSignatureVerifier } from './signatureVerifier.js';
import { validateConfigTx } from './validateConfigTx.js';

/** What validation reads of the committed ledger (with the private data hashed state). */
export interface ValidationLedger extends PrivateHashReader {
  hasTxId(txId: string): boolean;
  getState(
    ns: string,
    key: string,
  ): { readonly version: { readonly block: number; readonly tx: number } } | undefined;
  rangeState(
    ns: string,
    startKey: string,
    endKey: string,
  ): Iterable<{ readonly key: string; readonly version: { readonly block: number; readonly tx: number } }>;
  getKeyPolicy(ns: string, key: string): string | undefined;
}

export interface BlockValidation {
  readonly codes: Uint8Array;
  readonly txs: readonly (ParsedTx | undefined)[];
  /** The channel context after the block: a new one when a config transaction was valid. */
  readonly context: ChannelContext;
  /** Why each invalid transaction failed, for logs and status queries. */
  readonly reasons: ReadonlyMap<number, string>;
}

const sep = '\u0000';
const policyCache = new Map<string, Policy | null>();

function keyPolicy(text: string): Policy | null {
  let p = policyCache.get(text);
  if (p === undefined) {
    try {
      p = parsePolicy(text);
    } catch {
      p = null;
    }
    if (policyCache.size > 10_000) policyCache.clear();
    policyCache.set(text, p);
  }
  return p;
}

/** A checked signature: the exact key, data and signature objects, and the answer. */
interface CheckedSignature extends SignatureCheck {
  readonly ok: boolean;
}

/**
 * The envelopes of a block, parsed, with the signatures they carry already sent off to be
 * checked (in worker threads). Signature answers are pure functions of key, data and
 * signature, so validation may use them whatever happened to the channel in between; it looks
 * them up by the identical objects and checks anything else itself.
 */
export interface BlockSignaturePrefetch {
  readonly block: ParsedBlock;
  /** One entry per envelope: the parsed transaction, or why it did not parse. */
  readonly parsed: readonly (ParsedTx | { readonly error: unknown })[];
  /** Per transaction index, the signatures checked ahead. */
  readonly checked: Promise<ReadonlyMap<number, readonly CheckedSignature[]>>;
}

/**
 * Parses a block's envelopes and starts checking their creator and endorsement signatures in
 * one batch, with identities resolved in `ctx` at the block's time. Call it as soon as a block
 * arrives, so the checks overlap the commit of the blocks before it.
 *
 * @example
 * const prefetch = prefetchBlockSignatures(block, ctx);
 * // … commit the previous block …
 * const v = await validateBlock(block, ctx, ledger, prefetch);
 */
export function prefetchBlockSignatures(
  block: ParsedBlock,
  ctx: ChannelContext,
  verifier: SignatureVerifier = sharedSignatureVerifier(),
): BlockSignaturePrefetch {
  const at = new Date(block.timestamp);
  const parsed = block.envelopes.map((e) => {
    try {
      return parseEnvelope(e);
    } catch (error) {
      return { error };
    }
  });
  const checks: SignatureCheck[] = [];
  const owner: number[] = [];
  parsed.forEach((tx, i) => {
    if ('error' in tx || tx.type !== 'endorser' || tx.channel !== ctx.channel) return;
    try {
      const creator = ctx.resolveIdentity(tx.creatorBytes, at);
      checks.push({ key: creator.publicKey, data: tx.payloadBytes, signature: tx.signature });
      owner.push(i);
    } catch {
      // validation reports the bad creator
    }
    for (const e of tx.endorsements) {
      try {
        const id = ctx.resolveIdentity(e.endorser, at, 'peer');
        const data = endorsementSigningBytes(tx.responsePayloadBytes, e.endorser);
        checks.push({ key: id.publicKey, data, signature: e.signature });
        owner.push(i);
      } catch {
        // not a valid endorser: it is not counted
      }
    }
  });
  const checked = verifier.verifyAll(checks).then((answers) => {
    const byTx = new Map<number, CheckedSignature[]>();
    checks.forEach((c, k) => {
      const i = owner[k]!;
      let list = byTx.get(i);
      if (!list) {
        list = [];
        byTx.set(i, list);
      }
      list.push({ ...c, ok: answers[k]! });
    });
    return byTx;
  });
  return { block, parsed, checked };
}

/** Answers a signature check from the prefetched ones when they hold it, else checks it here. */
type SignatureAnswer = (key: SignatureCheck['key'], signature: Uint8Array, data: () => Uint8Array) => boolean;

function answerer(checked: readonly CheckedSignature[] | undefined): SignatureAnswer {
  return (key, signature, data) => {
    const hit = checked?.find((c) => c.signature === signature && c.key === key);
    return hit ? hit.ok : verifyBytes(key, data(), signature);
  };
}

/**
 * Validates every transaction of a block, as every committing peer does, and returns one code
 * per transaction. Checks, in order: structure, channel, duplicate txid (in the ledger and
 * earlier in the block), creator membership and signature, endorsements against the contract's
 * (or key-level) policy, and MVCC versions of reads and range reads against the committed state
 * plus the writes of earlier valid transactions of the same block.
 * Time-dependent checks use the block's timestamp, so every peer reaches the same verdict.
 * Signatures are checked in one batch off this thread (see `prefetchBlockSignatures`); pass a
 * prefetch started earlier for this block to overlap that work with other commits.
 *
 * @example
 * const v = await validateBlock(block, ctx, ledger);
 * await ledger.commitBlock({ ...block, validationCodes: v.codes }, v.txs);
 */
export async function validateBlock(
  block: ParsedBlock,
  ctx: ChannelContext,
  ledger: ValidationLedger,
  prefetch?: BlockSignaturePrefetch,
): Promise<BlockValidation> {
  const pre = prefetch?.block === block ? prefetch : prefetchBlockSignatures(block, ctx);
  const checked = await pre.checked;
  const n = block.envelopes.length;
  const codes = new Uint8Array(n);
  const txs: (ParsedTx | undefined)[] = new Array(n);
  const reasons = new Map<number, string>();
  const at = new Date(block.timestamp);
  const seen = new Set<string>();
  const written = new Set<string>();
  const keyPolicies = new Map<string, string>();
  let context = ctx;

  for (let i = 0; i < n; i++) {
    const parsed = pre.parsed[i]!;
    if ('error' in parsed) {
      const err = parsed.error;
      codes[i] = isConsortiaError(err, 'BAD_TXID') ? ValidationCode.BAD_TXID : ValidationCode.BAD_PAYLOAD;
      reasons.set(i, (err as Error).message);
      continue;
    }
    const tx: ParsedTx = parsed;
    txs[i] = tx;
    const fail = (code: number, why: string) => {
      codes[i] = code;
      reasons.set(i, why);
    };
    if (tx.channel !== context.channel) {
      fail(ValidationCode.WRONG_CHANNEL, `transaction is for channel ${tx.channel}`);
      continue;
    }
    if (seen.has(tx.txId) || ledger.hasTxId(tx.txId)) {
      fail(ValidationCode.DUPLICATE_TXID, `transaction id ${tx.txId} was already used`);
      continue;
    }
    seen.add(tx.txId);

    if (tx.type === 'config') {
      try {
        context = await validateConfigTx(tx, context, at);
        codes[i] = ValidationCode.VALID;
      } catch (err) {
        const code = isConsortiaError(err, 'BAD_SIGNATURE')
          ? ValidationCode.BAD_SIGNATURE
          : ValidationCode.INVALID_CONFIG;
        fail(code, (err as Error).message);
      }
      continue;
    }

    let creator: ValidatedIdentity;
    try {
      creator = context.resolveIdentity(tx.creatorBytes, at);
    } catch (err) {
      fail(ValidationCode.BAD_CREATOR, (err as Error).message);
      continue;
    }
    if (!context.satisfies(context.policy('Writers'), [toPolicySigner(creator)])) {
      fail(ValidationCode.BAD_CREATOR, `${creator.mspId} does not satisfy the channel Writers policy`);
      continue;
    }
    const answer = answerer(checked.get(i));
    if (!answer(creator.publicKey, tx.signature, () => tx.payloadBytes)) {
      fail(ValidationCode.BAD_SIGNATURE, 'the envelope signature does not verify with the creator key');
      continue;
    }
    const code = validateEndorserTx(tx, context, at, ledger, written, keyPolicies, answer);
    if (code.code !== ValidationCode.VALID) {
      fail(code.code, code.why);
      continue;
    }
    const rwset = tx.responsePayload.results?.ns ?? [];
    const definition = (name: string) => context.contract(name)?.definition;
    const pvt = checkPrivateData({ rwset, creatorMspId: creator.mspId, definition }, ledger, written);
    if (pvt) {
      fail(pvt.code, pvt.why);
      continue;
    }
    recordPrivateWrites(rwset, written);
    codes[i] = ValidationCode.VALID;
    for (const ns of tx.responsePayload.results?.ns ?? []) {
      for (const w of ns.writes) written.add(ns.namespace + sep + w.key);
      for (const kp of ns.keyPolicies) keyPolicies.set(ns.namespace + sep + kp.key, kp.policy);
    }
  }
  return { codes, txs, context, reasons };
}

function validateEndorserTx(
  tx: ParsedEndorserTx,
  ctx: ChannelContext,
  at: Date,
  ledger: ValidationLedger,
  written: ReadonlySet<string>,
  keyPolicies: ReadonlyMap<string, string>,
  answer: SignatureAnswer,
): { code: number; why: string } {
  const rp = tx.responsePayload;
  if (Buffer.compare(rp.proposalHash, tx.proposal.hash) !== 0) {
    return { code: ValidationCode.BAD_RESPONSE, why: 'the endorsed response is for another proposal' };
  }
  if (rp.response?.status !== 200) {
    return { code: ValidationCode.BAD_RESPONSE, why: 'the endorsed response is not a success' };
  }
  const contract = ctx.contract(tx.proposal.contract);
  if (!contract) {
    return {
      code: ValidationCode.UNKNOWN_CONTRACT,
      why: `contract ${tx.proposal.contract} is not defined on the channel`,
    };
  }
  if (rp.contractVersion !== contract.definition.version) {
    return {
      code: ValidationCode.EXPIRED_CHAINCODE,
      why: `endorsed with contract version ${rp.contractVersion}, the channel runs ${contract.definition.version}`,
    };
  }
  const rwset = rp.results?.ns ?? [];
  if (rwset.some((ns) => ns.namespace !== tx.proposal.contract)) {
    return {
      code: ValidationCode.BAD_RESPONSE,
      why: 'the read–write set touches another contract namespace',
    };
  }
  for (const ns of rwset) {
    for (const key of [...ns.writes.map((w) => w.key), ...ns.keyPolicies.map((k) => k.key)]) {
      if (
        key.length === 0 ||
        Buffer.byteLength(ns.namespace, 'utf8') + 1 + Buffer.byteLength(key, 'utf8') > MAX_STATE_KEY_BYTES + 1
      ) {
        return {
          code: ValidationCode.BAD_PAYLOAD,
          why: `a written key is empty or longer than ${MAX_STATE_KEY_BYTES} bytes`,
        };
      }
    }
  }

  // Endorsements: an endorsement that does not verify is not counted; the policy decides.
  const signers: PolicySigner[] = [];
  const ids = new Set<string>();
  for (const e of tx.endorsements) {
    let id: ValidatedIdentity;
    try {
      id = ctx.resolveIdentity(e.endorser, at, 'peer');
    } catch {
      continue;
    }
    if (ids.has(id.id)) continue;
    if (
      !answer(id.publicKey, e.signature, () => endorsementSigningBytes(tx.responsePayloadBytes, e.endorser))
    )
      continue;
    ids.add(id.id);
    signers.push(toPolicySigner(id));
  }
  const policyFailure = checkEndorsementPolicies(rwset, contract.policy, ctx, signers, ledger, keyPolicies);
  if (policyFailure) return { code: ValidationCode.ENDORSEMENT_POLICY_FAILURE, why: policyFailure };

  for (const ns of rwset) {
    const conflict = checkMvcc(ns, ledger, written);
    if (conflict) return conflict;
  }
  return { code: ValidationCode.VALID, why: '' };
}

function checkEndorsementPolicies(
  rwset: readonly NsRwSet[],
  contractPolicy: Policy,
  ctx: ChannelContext,
  signers: readonly PolicySigner[],
  ledger: ValidationLedger,
  pendingKeyPolicies: ReadonlyMap<string, string>,
): string | undefined {
  let needContractPolicy = false;
  const keyPolicies = new Set<string>();
  let writes = 0;
  for (const ns of rwset) {
    const keys = [...ns.writes.map((w) => w.key), ...ns.keyPolicies.map((k) => k.key)];
    for (const key of keys) {
      writes++;
      const full = ns.namespace + sep + key;
      const text = pendingKeyPolicies.has(full)
        ? pendingKeyPolicies.get(full)
        : ledger.getKeyPolicy(ns.namespace, key);
      if (text) keyPolicies.add(text);
      else needContractPolicy = true;
    }
  }
  if (writes === 0) needContractPolicy = true;
  if (needContractPolicy && !ctx.satisfies(contractPolicy, signers)) {
    return `endorsement policy not satisfied: ${ctx.explain(contractPolicy, signers)}`;
  }
  for (const text of keyPolicies) {
    const p = keyPolicy(text);
    if (!p || !ctx.satisfies(p, signers)) return `key-level endorsement policy ${text} not satisfied`;
  }
  return undefined;
}

function sameVersion(
  a: { readonly block: number; readonly tx: number } | undefined,
  b: { readonly block: bigint; readonly tx: number } | undefined,
): boolean {
  if (!a || !b) return a === undefined && b === undefined;
  return BigInt(a.block) === b.block && a.tx === b.tx;
}

function checkMvcc(
  ns: NsRwSet,
  ledger: ValidationLedger,
  written: ReadonlySet<string>,
): { code: number; why: string } | undefined {
  for (const r of ns.reads) {
    if (
      written.has(ns.namespace + sep + r.key) ||
      !sameVersion(ledger.getState(ns.namespace, r.key)?.version, r.version)
    ) {
      return { code: ValidationCode.MVCC_READ_CONFLICT, why: `key ${r.key} changed after it was read` };
    }
  }
  for (const q of ns.rangeQueries) {
    for (const w of written) {
      const [wns, wkey] = w.split(sep) as [string, string];
      if (wns === ns.namespace && wkey >= q.startKey && (q.endKey === '' || wkey < q.endKey)) {
        return {
          code: ValidationCode.PHANTOM_READ_CONFLICT,
          why: `range [${q.startKey}, ${q.endKey}) changed in this block`,
        };
      }
    }
    let i = 0;
    for (const entry of ledger.rangeState(ns.namespace, q.startKey, q.endKey)) {
      if (!q.exhausted && i >= q.reads.length) break;
      const r = q.reads[i];
      if (!r || r.key !== entry.key || !sameVersion(entry.version, r.version)) {
        return {
          code: ValidationCode.PHANTOM_READ_CONFLICT,
          why: `range [${q.startKey}, ${q.endKey}) changed after it was read`,
        };
      }
      i++;
    }
    if (i < q.reads.length) {
      return {
        code: ValidationCode.PHANTOM_READ_CONFLICT,
        why: `range [${q.startKey}, ${q.endKey}) lost keys after it was read`,
      };
    }
  }
  return undefined;
}
