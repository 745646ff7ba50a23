import type { BlockEvent, TxStatus } from '../peer/index.js';
import type { ChannelConfig } from '../protocol/index.js';

/**
 * What the gateway needs of a peer, whether it runs in this process or behind a transport.
 * Bytes in, bytes out: messages travel as the exact bytes that were signed.
 */
export interface PeerHandle {
  readonly id: string;
  readonly mspId: string;
  endorse(signedProposal: Uint8Array): Promise<Uint8Array>;
  evaluate(signedProposal: Uint8Array): Promise<Uint8Array>;
  channels(): string[];
  height(channel: string): number;
  getBlock(channel: string, n: number): Uint8Array | undefined;
  /** A certificate a committed block carried in full, by SHA-256 (where the peer's ledger is at hand). */
  getCertificate?(channel: string, hash: Uint8Array): Uint8Array | undefined;
  txStatus(channel: string, txId: string): TxStatus | undefined;
  waitForTx(
    channel: string,
    txId: string,
    signal?: AbortSignal,
  ): Promise<{ blockNumber: number; validationCode: number }>;
  onBlock(listener: (e: BlockEvent) => void): () => void;
  /** Endorsement policy text of a contract on a channel, from the peer's channel config. */
  contractPolicy(channel: string, contract: string): string | undefined;
  /** The channel configuration in force on this peer. */
  channelConfig(channel: string): ChannelConfig;
  /** The channel's member orgs. */
  channelOrgs(channel: string): readonly string[];
}

/** What the gateway needs of an orderer. */
export interface OrdererHandle {
  readonly id: string;
  broadcast(envelope: Uint8Array): Promise<void>;
}
