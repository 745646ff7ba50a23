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
import { validateConfigTx } from './validateConfigTx.js';

/** What validation reads of the committed ledger. */
export interface ValidationLedger {
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

/**
 * Validates every transaction of a block, as every committing peer does, and returns one code
 * per transaction. Checks, in order: structure, channel, duplicate txid (in the ledger and
 * earlier in the block), creator membership and signature, endorsements against the contract's
 * (or key-level) policy, and MVCC versions of reads and range reads against the committed state
 * plus the writes of earlier valid transactions of the same block.
 * Time-dependent checks use the block's timestamp, so every peer reaches the same verdict.
 */
export async function validateBlock(
  block: ParsedBlock,
  ctx: ChannelContext,
  ledger: ValidationLedger,
): Promise<BlockValidation> {
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
    let tx: ParsedTx;
    try {
      tx = parseEnvelope(block.envelopes[i]!);
    } catch (err) {
      codes[i] = isConsortiaError(err, 'BAD_TXID') ? ValidationCode.BAD_TXID : ValidationCode.BAD_PAYLOAD;
      reasons.set(i, (err as Error).message);
      continue;
    }
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
    if (!verifyBytes(creator.publicKey, tx.payloadBytes, tx.signature)) {
      fail(ValidationCode.BAD_SIGNATURE, 'the envelope signature does not verify with the creator key');
      continue;
    }
    const code = validateEndorserTx(tx, context, at, ledger, written, keyPolicies);
    if (code.code !== ValidationCode.VALID) {
      fail(code.code, code.why);
      continue;
    }
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
    if (!verifyBytes(id.publicKey, endorsementSigningBytes(tx.responsePayloadBytes, e.endorser), e.signature))
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
