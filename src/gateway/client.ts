import { bytesEqual, ConsortiaError, toConsortiaError } from '../common/index.js';
import type { Signer } from '../crypto/index.js';
import type { BlockEvent } from '../peer/index.js';
import {
  encodeEnvelope,
  encodeSignedProposal,
  encodeTransactionPayload,
  newProposal,
  type TransientMap,
  ValidationCode,
  validationCodeName,
} from '../protocol/index.js';
import { CreatorIdentity, isUnknownCertificate } from './creatorIdentity.js';
import { CommitError, CommitStatusError, EndorseError, SubmitError } from './errors.js';
import type { GatewayService } from './gatewayService.js';
import { decodeProposalResponse, fromResponseError, resultOf } from './responses.js';

/** The client's identity: its org and X.509 certificate (DER). */
export interface ClientIdentity {
  readonly mspId: string;
  readonly credentials: Uint8Array;
}

export interface ConnectOptions {
  readonly identity: ClientIdentity;
  /** Signs with the client's private key, which never leaves the client. */
  readonly signer: Signer;
  readonly gateway: GatewayService;
  /**
   * Name the certificate by its hash once a transaction of this identity was committed on the
   * channel (default true); false always sends the full certificate.
   */
  readonly identityByHash?: boolean;
}

export interface ProposalOptions {
  /** Named arguments: one JSON object. */
  readonly arguments?: Record<string, unknown>;
  /** Private inputs: seen by the endorsers' contract, never written to the ledger. */
  readonly transient?: TransientMap;
}

/** The outcome of a committed transaction. */
export interface SubmitResult<T = unknown> {
  readonly result: T;
  readonly transactionId: string;
  readonly blockNumber: number;
  readonly validationCode: 'VALID';
}

/**
 * Connects a client identity to a gateway, in the style of fabric-gateway.
 *
 * @example
 * const gw = connect({ identity: { mspId: 'TelcoA', credentials: certDer }, signer, gateway });
 * const contract = gw.network('telecom').contract('asset-registry');
 * const { result, blockNumber } = await contract.submit('createAsset', { arguments: { id: 'a1', owner: 'Ann', value: 5 } });
 */
export function connect(opts: Readonly<ConnectOptions>): Gateway {
  return new Gateway(opts);
}

export class Gateway {
  readonly #opts: ConnectOptions;
  readonly #identity: CreatorIdentity;

  constructor(opts: Readonly<ConnectOptions>) {
    this.#opts = opts;
    this.#identity = new CreatorIdentity(
      opts.identity.mspId,
      opts.identity.credentials,
      opts.identityByHash ?? true,
    );
  }

  /** The client's identity with its full certificate. */
  get creator(): Uint8Array {
    return this.#identity.full;
  }

  get identity(): ClientIdentity {
    return this.#opts.identity;
  }

  /** A channel. */
  network(channel: string): Network {
    return new Network(channel, this.#opts, this.#identity);
  }
}

export class Network {
  readonly name: string;
  readonly #opts: ConnectOptions;
  readonly #creator: CreatorIdentity;

  constructor(name: string, opts: ConnectOptions, creator: CreatorIdentity) {
    this.name = name;
    this.#opts = opts;
    this.#creator = creator;
  }

  /** A contract deployed on this channel. */
  contract(name: string): Contract {
    return new Contract(this.name, name, this.#opts, this.#creator);
  }

  /**
   * Committed blocks from `startBlock` on (default: the next one), with each transaction's
   * validation code and contract events.
   *
   * @example
   * for await (const block of network.blockEvents({ startBlock: 0, signal })) console.log(block.number);
   */
  blockEvents(opts: { startBlock?: number; signal?: AbortSignal } = {}): AsyncIterable<BlockEvent> {
    return this.#opts.gateway.blockEvents(this.name, {
      ...(opts.startBlock !== undefined ? { from: opts.startBlock } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      mspId: this.#opts.identity.mspId,
    });
  }

  /** Contract events of valid transactions, with their block and transaction. */
  async *contractEvents(
    contract: string,
    opts: { startBlock?: number; signal?: AbortSignal } = {},
  ): AsyncIterable<{ name: string; payload: unknown; blockNumber: number; transactionId: string }> {
    for await (const block of this.blockEvents(opts)) {
      for (const tx of block.txs) {
        for (const e of tx.events) {
          if (e.contract === contract)
            yield { name: e.name, payload: e.payload, blockNumber: block.number, transactionId: tx.txId };
        }
      }
    }
  }
}

export class Contract {
  readonly channel: string;
  readonly name: string;
  readonly #opts: ConnectOptions;
  readonly #creator: CreatorIdentity;

  constructor(channel: string, name: string, opts: ConnectOptions, creator: CreatorIdentity) {
    this.channel = channel;
    this.name = name;
    this.#opts = opts;
    this.#creator = creator;
  }

  /**
   * Endorses, orders and waits for the commit of a transaction; returns its result. Throws
   * EndorseError, SubmitError, CommitStatusError, or CommitError when it was ordered but invalid.
   *
   * @example
   * await contract.submit('transferAsset', { arguments: { id: 'a1', newOwner: 'Bob' } });
   */
  async submit<T = unknown>(fn: string, opts: ProposalOptions = {}): Promise<SubmitResult<T>> {
    return this.#sendingFullOnRefusal(() => this.#submitOnce<T>(fn, opts));
  }

  async #submitOnce<T>(fn: string, opts: ProposalOptions): Promise<SubmitResult<T>> {
    const proposal = this.newProposal(fn, opts);
    const tx = await proposal.endorse(await this.#opts.signer(proposal.bytes));
    const commit = await tx.submit(await this.#opts.signer(tx.bytes));
    const status = await commit.status();
    if (status.validationCode !== ValidationCode.VALID) {
      throw new CommitError(
        validationCodeName(status.validationCode),
        proposal.transactionId,
        status.blockNumber,
      );
    }
    return {
      result: tx.result as T,
      transactionId: proposal.transactionId,
      blockNumber: status.blockNumber,
      validationCode: 'VALID',
    };
  }

  /**
   * Runs a query on one peer without ordering anything.
   *
   * @example
   * const asset = await contract.evaluate('readAsset', { arguments: { id: 'a1' } });
   */
  async evaluate<T = unknown>(fn: string, opts: ProposalOptions = {}): Promise<T> {
    return this.#sendingFullOnRefusal(() => this.#evaluateOnce<T>(fn, opts));
  }

  /**
   * Runs `attempt`; when it used the certificate's hash and a node did not know it (a peer or
   * orderer that lags), runs it once more with the full certificate.
   */
  async #sendingFullOnRefusal<T>(attempt: () => Promise<T>): Promise<T> {
    const usedHash = this.#creator.for(this.channel) !== this.#creator.full;
    try {
      return await attempt();
    } catch (err) {
      if (!usedHash || !isUnknownCertificate(err)) throw err;
      this.#creator.forget(this.channel);
      return attempt();
    }
  }

  async #evaluateOnce<T>(fn: string, opts: ProposalOptions): Promise<T> {
    const proposal = this.newProposal(fn, opts);
    const signed = encodeSignedProposal(
      proposal.bytes,
      await this.#opts.signer(proposal.bytes),
      opts.transient,
    );
    const bytes = await this.#opts.gateway.evaluate(this.channel, signed, this.#opts.identity.mspId);
    const r = decodeProposalResponse(bytes);
    if (r.response.status !== 200) throw fromResponseError(r.response);
    return resultOf(r.response.payload) as T;
  }

  /**
   * Step one of offline signing: the proposal bytes to sign. Then `endorse(signature)`, sign
   * `transaction.bytes`, `submit(signature)`, and `status()`.
   */
  newProposal(fn: string, opts: ProposalOptions = {}): Proposal {
    const creator = this.#creator.for(this.channel);
    const { bytes, txId } = newProposal({
      channel: this.channel,
      contract: this.name,
      fn,
      args: opts.arguments ?? {},
      creator,
      ...(opts.transient ? { transient: opts.transient } : {}),
    });
    const committed = () => this.#creator.committed(this.channel, creator);
    return new Proposal(this, bytes, txId, opts.transient, this.#opts, committed);
  }
}

export class Proposal {
  readonly bytes: Uint8Array;
  readonly transactionId: string;
  readonly #contract: Contract;
  readonly #transient: TransientMap | undefined;
  readonly #opts: ConnectOptions;
  readonly #committed: () => void;

  constructor(
    contract: Contract,
    bytes: Uint8Array,
    txId: string,
    transient: TransientMap | undefined,
    opts: ConnectOptions,
    committed: () => void = () => undefined,
  ) {
    this.#contract = contract;
    this.bytes = bytes;
    this.transactionId = txId;
    this.#transient = transient;
    this.#opts = opts;
    this.#committed = committed;
  }

  /** Collects endorsements and checks that they agree; returns the transaction to sign. */
  async endorse(signature: Uint8Array): Promise<Transaction> {
    const signed = encodeSignedProposal(this.bytes, signature, this.#transient);
    let responses: Uint8Array[];
    try {
      responses = await this.#opts.gateway.endorse(
        this.#contract.channel,
        this.#contract.name,
        signed,
        this.#opts.identity.mspId,
      );
    } catch (err) {
      const e = toConsortiaError(err);
      throw new EndorseError(e.code, e.message, this.transactionId, e.detail);
    }
    const decoded = responses.map((r) => decodeProposalResponse(r));
    const first = decoded[0];
    if (!first) throw new EndorseError('NO_ENDORSEMENTS', 'no endorsement was returned', this.transactionId);
    for (const d of decoded) {
      if (!d.endorser || !d.signature || d.payload.byteLength === 0) {
        throw new EndorseError(
          'ENDORSEMENT_MISSING',
          'an endorser returned no signed endorsement',
          this.transactionId,
        );
      }
      if (!bytesEqual(d.payload, first.payload)) {
        throw new EndorseError(
          'ENDORSEMENT_MISMATCH',
          'endorsers returned different results (the contract may be nondeterministic, or peers are out of sync); retry',
          this.transactionId,
        );
      }
    }
    const payload = encodeTransactionPayload(
      this.bytes,
      first.payload,
      decoded.map((d) => ({ endorser: d.endorser!, signature: d.signature! })),
    );
    return new Transaction(
      this.#contract,
      payload,
      resultOf(first.response.payload),
      this.transactionId,
      this.#opts,
      this.#committed,
    );
  }
}

export class Transaction {
  readonly bytes: Uint8Array;
  readonly result: unknown;
  readonly transactionId: string;
  readonly #contract: Contract;
  readonly #opts: ConnectOptions;
  readonly #committed: () => void;

  constructor(
    contract: Contract,
    bytes: Uint8Array,
    result: unknown,
    txId: string,
    opts: ConnectOptions,
    committed: () => void = () => undefined,
  ) {
    this.#contract = contract;
    this.bytes = bytes;
    this.result = result;
    this.transactionId = txId;
    this.#opts = opts;
    this.#committed = committed;
  }

  /** Sends the signed transaction to the ordering service. */
  async submit(signature: Uint8Array): Promise<Commit> {
    const envelope = encodeEnvelope(this.bytes, signature);
    try {
      await this.#opts.gateway.submit(envelope);
    } catch (err) {
      const e = toConsortiaError(err);
      throw new SubmitError(e.code, e.message, this.transactionId, e.detail);
    }
    return new Commit(this.#contract.channel, this.transactionId, this.#opts, this.#committed);
  }
}

export class Commit {
  readonly transactionId: string;
  readonly #channel: string;
  readonly #opts: ConnectOptions;
  readonly #committed: () => void;

  constructor(channel: string, txId: string, opts: ConnectOptions, committed: () => void = () => undefined) {
    this.#channel = channel;
    this.transactionId = txId;
    this.#opts = opts;
    this.#committed = committed;
  }

  /** Waits for the commit and returns its block and validation code. */
  async status(
    timeoutMs?: number,
  ): Promise<{ blockNumber: number; validationCode: number; validationCodeName: string }> {
    try {
      const s = await this.#opts.gateway.commitStatus(
        this.#channel,
        this.transactionId,
        this.#opts.identity.mspId,
        timeoutMs,
      );
      // Committed, valid or not: the block carried the certificate, so later proposals name it by hash.
      this.#committed();
      return {
        blockNumber: s.blockNumber,
        validationCode: s.validationCode,
        validationCodeName: validationCodeName(s.validationCode),
      };
    } catch (err) {
      if (err instanceof ConsortiaError)
        throw new CommitStatusError(err.code, err.message, this.transactionId);
      throw err;
    }
  }
}
