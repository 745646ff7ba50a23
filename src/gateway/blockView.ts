import { fromUtf8, toHex } from '../common/index.js';
import {
  decodeIdentity,
  type ParsedBlock,
  type ParsedTx,
  parseBlock,
  parseEnvelope,
  validationCodeName,
} from '../protocol/index.js';

/** A value from the ledger shown as JSON when it is JSON, else as base64. */
function showValue(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(fromUtf8(bytes));
  } catch {
    return { base64: Buffer.from(bytes).toString('base64') };
  }
}

function mspOf(identityBytes: Uint8Array): string {
  try {
    return decodeIdentity(identityBytes).mspId;
  } catch {
    return '(malformed)';
  }
}

/** A JSON view of one transaction of a block, as the REST API and the CLI show it. */
export function transactionView(tx: ParsedTx | undefined, index: number, code: number | undefined) {
  const validationCode = code === undefined ? 'NOT_VALIDATED' : validationCodeName(code);
  if (!tx) return { index, txId: null, type: 'malformed', validationCode };
  if (tx.type === 'config')
    return { index, txId: tx.txId, type: 'config', creator: mspOf(tx.creatorBytes), validationCode };
  const rp = tx.responsePayload;
  return {
    index,
    txId: tx.txId,
    type: 'endorser',
    validationCode,
    timestamp: new Date(tx.proposal.timestamp).toISOString(),
    creator: mspOf(tx.creatorBytes),
    contract: tx.proposal.contract,
    function: tx.proposal.fn,
    arguments: showValue(tx.proposal.argsBytes),
    endorsers: tx.endorsements.map((e) => mspOf(e.endorser)),
    result: rp.response ? showValue(rp.response.payload) : null,
    rwset: (rp.results?.ns ?? []).map((ns) => ({
      namespace: ns.namespace,
      reads: ns.reads.map((r) => ({
        key: r.key,
        version: r.version ? { block: Number(r.version.block), tx: r.version.tx } : null,
      })),
      writes: ns.writes.map((w) =>
        w.isDelete ? { key: w.key, delete: true } : { key: w.key, value: showValue(w.value) },
      ),
      rangeReads: ns.rangeQueries.map((q) => ({
        startKey: q.startKey,
        endKey: q.endKey,
        keys: q.reads.length,
      })),
    })),
    events: rp.events.map((e) => ({ name: e.name, payload: showValue(e.payload) })),
  };
}

/** A JSON view of a stored block. */
export function blockView(blockBytes: Uint8Array) {
  const block: ParsedBlock = parseBlock(blockBytes);
  const txs = block.envelopes.map((e) => {
    try {
      return parseEnvelope(e);
    } catch {
      return undefined;
    }
  });
  return {
    channel: block.channel,
    number: block.number,
    hash: toHex(block.hash),
    previousHash: toHex(block.previousHash),
    dataHash: toHex(block.dataHash),
    timestamp: new Date(block.timestamp).toISOString(),
    signatures: block.signatures.map((s) => mspOf(s.signer)),
    transactions: txs.map((tx, i) => transactionView(tx, i, block.validationCodes[i])),
  };
}
