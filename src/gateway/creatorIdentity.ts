import { bytesEqual, isConsortiaError } from '../common/index.js';
import { encodeIdentity } from '../protocol/index.js';

/**
 * A client's identity as it goes into proposals: with the full certificate until one of its
 * transactions has been committed on a channel (committed blocks register the certificates
 * they carry), then by the certificate's SHA-256, which saves about 480 bytes per transaction
 * (decision 0007). Per channel, since each channel has its own ledger.
 */
export class CreatorIdentity {
  /** The identity with its full certificate. */
  readonly full: Uint8Array;
  /** The identity naming its certificate by hash. */
  readonly byHash: Uint8Array;
  readonly #enabled: boolean;
  readonly #registered = new Set<string>();

  constructor(mspId: string, certDer: Uint8Array, byHash = true) {
    this.full = encodeIdentity(mspId, certDer);
    this.byHash = encodeIdentity(mspId, certDer, true);
    this.#enabled = byHash;
  }

  /**
   * The identity bytes to put in a new proposal on `channel`.
   *
   * @example
   * newProposal({ channel, contract, fn, args, creator: identity.for(channel) });
   */
  for(channel: string): Uint8Array {
    return this.#enabled && this.#registered.has(channel) ? this.byHash : this.full;
  }

  /** A transaction created with `creator` was committed on `channel` (valid or not). */
  committed(channel: string, creator: Uint8Array): void {
    if (creator === this.full || bytesEqual(creator, this.full)) this.#registered.add(channel);
  }

  /** A node did not know the certificate by its hash (it lags): send it in full again. */
  forget(channel: string): void {
    this.#registered.delete(channel);
  }
}

/**
 * Whether an error says that a node did not know a certificate named by hash: BAD_CREATOR with
 * reason UNKNOWN_IDENTITY (from an endorser or an orderer).
 *
 * @example
 * if (usedHash && isUnknownCertificate(err)) identity.forget(channel);
 */
export function isUnknownCertificate(err: unknown): boolean {
  if (!isConsortiaError(err) || err.code !== 'BAD_CREATOR') return false;
  const detail = err.detail as { reason?: unknown } | undefined;
  return detail?.reason === 'UNKNOWN_IDENTITY';
}
