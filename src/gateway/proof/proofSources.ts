import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConsortiaError, isConsortiaError } from '../../common/index.js';
import { Ledger } from '../../ledger/index.js';
import { layout, type PeerHandle, parseNetworkConfig, readDataDirMarker } from '../../network/index.js';
import { ProofErrorCodes } from './errors.js';
import type { ProofBlockSource } from './exportProofBundle.js';

/**
 * A proof source over a peer of a running network (in this process or behind a handle), as
 * the REST route uses it.
 *
 * @example
 * const bundle = exportProofBundle(peerProofSource(gateway.peerFor('telecom'), 'telecom'), txId);
 */
export function peerProofSource(peer: PeerHandle, channel: string): ProofBlockSource {
  return {
    channel,
    label: peer.id,
    locate: (txId) => peer.txStatus(channel, txId),
    block: (n) => peer.getBlock(channel, n),
    ...(peer.getCertificate
      ? { certificate: (hash: Uint8Array) => peer.getCertificate!(channel, hash) }
      : {}),
  };
}

/** Options of {@link openDataDirProofSource}. */
export interface DataDirProofSourceOptions {
  /** A stopped network's data dir (made by `consortia up` or the embedded network). */
  readonly dataDir: string;
  readonly channel: string;
  /** The peer whose ledger to read, e.g. `TelcoB.peer0`; default the first peer of the channel. */
  readonly peer?: string;
}

/** A proof source over a ledger opened offline; close it when done. */
export interface ClosableProofSource extends ProofBlockSource {
  close(): Promise<void>;
}

/**
 * Opens one peer's ledger of a channel in a stopped network's data dir, for export without a
 * running node. Throws DATA_DIR_NOT_FOUND, PROOF_SOURCE_NOT_FOUND, or LEDGER_LOCKED (with the
 * advice to export through the running gateway) while the network runs.
 *
 * @example
 * const source = await openDataDirProofSource({ dataDir: './data', channel: 'telecom' });
 * try { bundle = exportProofBundle(source, txId); } finally { await source.close(); }
 */
export async function openDataDirProofSource(
  opts: Readonly<DataDirProofSourceOptions>,
): Promise<ClosableProofSource> {
  const dataDir = resolve(opts.dataDir);
  const marker = existsSync(dataDir) ? readDataDirMarker(dataDir) : undefined;
  if (!marker) {
    throw new ConsortiaError(
      'DATA_DIR_NOT_FOUND',
      `${opts.dataDir} is not a Consortia data dir; give the --data-dir the network was started with, or --url for a running network`,
      { dataDir: opts.dataDir },
    );
  }
  const config = parseNetworkConfig(marker.network);
  const peers = config.orgs.flatMap((o) =>
    o.peers.map((p) => ({ label: `${o.name}.${p}`, org: o.name, node: p })),
  );
  const candidates = opts.peer === undefined ? peers : peers.filter((p) => p.label === opts.peer);
  const ledgerDir = (p: { org: string; node: string }) =>
    join(layout.nodeDir(dataDir, p.org, p.node), 'ledgers', opts.channel);
  const chosen = candidates.find((p) => existsSync(ledgerDir(p)));
  if (!chosen) {
    throw new ConsortiaError(
      ProofErrorCodes.PROOF_SOURCE_NOT_FOUND,
      opts.peer === undefined
        ? `no peer in ${opts.dataDir} holds a ledger of channel ${opts.channel}`
        : `peer ${opts.peer} in ${opts.dataDir} holds no ledger of channel ${opts.channel} (peers: ${peers.map((p) => p.label).join(', ')})`,
      { channel: opts.channel },
    );
  }
  let ledger: Ledger;
  try {
    ledger = await Ledger.open({ dir: ledgerDir(chosen), channel: opts.channel });
  } catch (err) {
    if (isConsortiaError(err, 'LEDGER_LOCKED')) {
      throw new ConsortiaError(
        'LEDGER_LOCKED',
        `the network in ${opts.dataDir} is running (its ledgers are locked); export through its gateway with --url, e.g. --url http://127.0.0.1:7070`,
        err.detail,
      );
    }
    throw err;
  }
  return {
    channel: opts.channel,
    label: chosen.label,
    locate: (txId) => ledger.getTxLocation(txId),
    block: (n) => ledger.getBlock(n),
    certificate: (hash) => ledger.getCertificate(hash),
    close: () => ledger.close(),
  };
}
