import { ConsortiaError, isConsortiaError, toConsortiaError, utf8 } from '../common/index.js';
import type { Signer } from '../crypto/index.js';
import type { ValidatedIdentity } from '../identity/index.js';
import {
  decodeArgs,
  emptyRwSet,
  encodeProposalResponse,
  encodeResponsePayload,
  endorsementSigningBytes,
  type ParsedProposal,
  parseSignedProposal,
} from '../protocol/index.js';
import { type ChannelContext, toPolicySigner } from './channelContext.js';
import { collectionAccess } from './collections.js';
import { disseminateWrites, type PrivateDataService } from './privateData.js';
import { type SignatureVerifier, sharedSignatureVerifier } from './signatureVerifier.js';
import type { ContractExecutor, PeerLedger } from './types.js';

/**
 * HTTP-like status for an error code, shared by endorser responses and the REST gateway:
 * 403 for a caller that is not allowed, 404 for something unknown, 409 for a conflict with the
 * ledger's state, 500 only for failures of the node or the contract code, 400 for the rest.
 */
export function statusForCode(code: string): number {
  switch (code) {
    case 'FORBIDDEN':
    case 'BAD_CREATOR':
    case 'BAD_SIGNATURE':
    case 'UNKNOWN_MSP':
    case 'UNKNOWN_IDENTITY':
      return 403;
    case 'DUPLICATE_TXID':
      return 409;
    case 'CONTRACT_FAILED':
    case 'CONTRACT_TIMEOUT':
    case 'NONDETERMINISM':
    case 'INTERNAL':
    case 'ENDORSER_FAILED':
      return 500;
    case 'CONTRACT_NOT_INSTALLED':
    case 'PRIVATE_DATA_UNAVAILABLE':
    case 'PRIVATE_DATA_DISSEMINATION_FAILED':
      return 503;
    default:
      if (code.startsWith('CERT_') || code.startsWith('NOT_')) return 403;
      if (code.startsWith('UNKNOWN_')) return 404;
      if (code.endsWith('_EXISTS') || code.endsWith('_OPEN') || code.endsWith('_CONFLICT')) return 409;
      return 400;
  }
}

function errorResponse(err: unknown): Uint8Array {
  const e = toConsortiaError(err);
  return encodeProposalResponse({
    status: statusForCode(e.code),
    message: e.message,
    payload: utf8(JSON.stringify(e.toJSON())),
  });
}

export interface EndorserChannel {
  readonly context: ChannelContext;
  readonly ledger: PeerLedger;
}

export interface EndorserOptions {
  readonly identityBytes: Uint8Array;
  /**
   * The same identity naming its certificate by hash, and that hash: endorsements use it on a
   * channel once a committed block of it carried the full certificate (decision 0007).
   */
  readonly identityByHash?: { readonly bytes: Uint8Array; readonly certHash: Uint8Array };
  readonly signer: Signer;
  readonly executor: ContractExecutor;
  readonly channel: (name: string) => EndorserChannel | undefined;
  /** Private data: collection membership of this peer, and dissemination of private writes. */
  readonly privateData?: PrivateDataService;
  /** Checks proposal signatures (default: the process's shared worker pool). */
  readonly verifier?: SignatureVerifier;
}

/**
 * The endorser: checks a signed proposal (structure, channel, creator membership and signature,
 * channel access policy, replayed txid), simulates the contract on this peer's state and signs
 * the result. Bad input becomes a response with a status and error code; it never throws.
 */
export class Endorser {
  readonly #opts: EndorserOptions;

  constructor(opts: Readonly<EndorserOptions>) {
    this.#opts = opts;
  }

  /** Endorses a transaction proposal: returns ProposalResponse bytes, signed when it succeeded. */
  async endorse(signedProposal: Uint8Array): Promise<Uint8Array> {
    return this.#run(signedProposal, 'transaction');
  }

  /** Runs a query (or a transaction without committing it): returns unsigned ProposalResponse bytes. */
  async evaluate(signedProposal: Uint8Array): Promise<Uint8Array> {
    return this.#run(signedProposal, 'query');
  }

  async #run(signedProposal: Uint8Array, mode: 'transaction' | 'query'): Promise<Uint8Array> {
    try {
      const { proposal, signature, transient } = parseSignedProposal(signedProposal);
      const channel = this.#opts.channel(proposal.channel);
      if (!channel) {
        throw new ConsortiaError('UNKNOWN_CHANNEL', `this peer has not joined channel ${proposal.channel}`, {
          channel: proposal.channel,
        });
      }
      const { context, ledger } = channel;
      const creator = await this.#checkCreator(proposal, signature, context, mode);
      if (mode === 'transaction' && ledger.hasTxId(proposal.txId)) {
        throw new ConsortiaError('DUPLICATE_TXID', `transaction ${proposal.txId} was already committed`, {
          txId: proposal.txId,
        });
      }
      const contract = context.contract(proposal.contract);
      if (!contract) {
        throw new ConsortiaError(
          'UNKNOWN_CONTRACT',
          `contract ${proposal.contract} is not defined on channel ${proposal.channel}`,
          {
            contract: proposal.contract,
            channel: proposal.channel,
          },
        );
      }
      const version = contract.definition.version;
      const kind = this.#opts.executor.kindOf(proposal.contract, proposal.fn, version);
      if (mode === 'transaction' && kind === 'query') {
        throw new ConsortiaError(
          'QUERY_NOT_SUBMITTABLE',
          `${proposal.fn} is a query: evaluate it instead of submitting it`,
          { fn: proposal.fn },
        );
      }
      const sim = await this.#opts.executor.execute(
        {
          contract: proposal.contract,
          version,
          fn: proposal.fn,
          argsJson: decodeArgs(proposal.argsBytes),
          kind: kind ?? 'transaction',
          info: {
            txId: proposal.txId,
            channel: proposal.channel,
            timestamp: proposal.timestamp,
            caller: {
              mspId: creator.mspId,
              role: creator.role,
              id: creator.id,
              name: creator.name,
              attributes: creator.attributes,
            },
            transient,
            collections: collectionAccess(contract.definition, this.#opts.privateData?.mspId),
          },
        },
        ledger,
        (ns: string, key: string) => ledger.getHistory(ns, key),
      );
      if (!sim.ok) {
        const e = sim.error ?? { code: 'CONTRACT_FAILED', message: 'the contract failed' };
        return encodeProposalResponse({
          status: statusForCode(e.code),
          message: e.message,
          payload: utf8(JSON.stringify(e)),
        });
      }
      if (mode === 'transaction') {
        const pvt = this.#opts.privateData;
        await disseminateWrites(
          pvt,
          proposal.channel,
          proposal.txId,
          contract.definition,
          sim.privateWrites,
          ledger.height,
        );
      }
      const resultBytes = utf8(JSON.stringify(sim.result ?? null));
      if (mode === 'query')
        return encodeProposalResponse({ status: 200, message: 'OK', payload: resultBytes });
      const payload = encodeResponsePayload({
        proposalHash: proposal.hash,
        results: sim.rwset ?? emptyRwSet(),
        events: sim.events,
        status: 200,
        message: 'OK',
        payload: resultBytes,
        contractVersion: contract.definition.version,
      });
      const byHash = this.#opts.identityByHash;
      const endorser =
        byHash && ledger.getCertificate(byHash.certHash) !== undefined
          ? byHash.bytes
          : this.#opts.identityBytes;
      const sig = await this.#opts.signer(endorsementSigningBytes(payload, endorser));
      return encodeProposalResponse(
        { status: 200, message: 'OK', payload: resultBytes },
        { payload, endorser, signature: sig },
      );
    } catch (err) {
      return errorResponse(err);
    }
  }

  async #checkCreator(
    proposal: ParsedProposal,
    signature: Uint8Array,
    ctx: ChannelContext,
    mode: 'transaction' | 'query',
  ): Promise<ValidatedIdentity> {
    let creator: ValidatedIdentity;
    try {
      creator = ctx.resolveIdentity(proposal.creatorBytes, new Date());
    } catch (err) {
      const code = isConsortiaError(err) ? err.code : 'BAD_CREATOR';
      if (code === 'UNKNOWN_MSP') {
        throw new ConsortiaError(
          'FORBIDDEN',
          `${(err as Error).message}: it may not read or write this channel`,
          {
            channel: ctx.channel,
          },
        );
      }
      throw new ConsortiaError(
        'BAD_CREATOR',
        `the proposal creator is not a valid member: ${(err as Error).message}`,
        { reason: code },
      );
    }
    const verifier = this.#opts.verifier ?? sharedSignatureVerifier();
    if (!(await verifier.verify({ key: creator.publicKey, data: proposal.bytes, signature }))) {
      throw new ConsortiaError(
        'BAD_SIGNATURE',
        'the proposal signature does not verify with the creator certificate',
      );
    }
    const policy = ctx.policy(mode === 'transaction' ? 'Writers' : 'Readers');
    if (!ctx.satisfies(policy, [toPolicySigner(creator)])) {
      throw new ConsortiaError(
        'FORBIDDEN',
        `${creator.mspId} may not ${mode === 'transaction' ? 'submit to' : 'read'} channel ${ctx.channel}`,
        {
          mspId: creator.mspId,
        },
      );
    }
    return creator;
  }
}
