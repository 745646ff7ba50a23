import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { utf8 } from '../../src/common/index.js';
import { sha256, signBytes } from '../../src/crypto/index.js';
import {
  generateDistributedNetwork,
  genesisBlock,
  loadTlsMaterial,
  readIdentityDirFiles,
  type TlsMaterial,
  type WalletIdentity,
} from '../../src/network/index.js';
import {
  type ChannelConfig,
  decodeChannelConfig,
  emptyRwSet,
  encodeEnvelope,
  encodeIdentity,
  encodeResponsePayload,
  encodeTransactionPayload,
  newProposal,
  parseBlock,
  parseEnvelope,
} from '../../src/protocol/index.js';

/** Whether Debian's etcd (etcd-server) is installed. */
export function etcdInstalled(): boolean {
  return spawnSync('etcd', ['--version'], { stdio: 'ignore' }).status === 0;
}

export const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
/** Runs the CLI from source, as `consortia network up` does in development. */
export const CLI = [process.execPath, '--import', 'tsx', MAIN];

/** Generated keys, certificates and configs of the default distributed layout (no process started). */
export async function material(dataDir: string, gatewayPort = 0) {
  const manifest = await generateDistributedNetwork({ dataDir, gatewayPort });
  const tlsOf = (dir: string): TlsMaterial =>
    loadTlsMaterial({
      cert: join(dir, 'tls', 'cert.pem'),
      key: join(dir, 'tls', 'key.pem'),
      caCerts: [...manifest.appOrgs, ...manifest.ordererOrgs].map((o) =>
        join(dataDir, 'tls-roots', `${o}.pem`),
      ),
    });
  const identity = (org: string, node: string): WalletIdentity =>
    readIdentityDirFiles(
      join(dataDir, org, node, 'cert.pem'),
      join(dataDir, org, node, 'key.pem'),
      `${org}.${node}`,
    );
  const user = (org: string, name: string): WalletIdentity =>
    readIdentityDirFiles(
      join(dataDir, org, 'users', name, 'cert.pem'),
      join(dataDir, org, 'users', name, 'key.pem'),
      `${org}.${name}`,
    );
  const genesis = new Uint8Array(readFileSync(join(dataDir, 'channels', 'telecom', 'genesis.block')));
  return { manifest, tlsOf, identity, user, genesis, config: configOf(genesis) };
}

export function configOf(genesis: Uint8Array): ChannelConfig {
  const tx = parseEnvelope(parseBlock(genesis).envelopes[0]!);
  if (tx.type !== 'config') throw new Error('not a genesis block');
  return decodeChannelConfig(tx.config.config);
}

/** A genesis block for the same orgs, with other ordering settings. */
export function genesisWith(
  config: ChannelConfig,
  signers: readonly WalletIdentity[],
  change: Partial<ChannelConfig>,
): Uint8Array {
  return genesisBlock({ ...config, ...change }, signers[0]!, ...signers.slice(1));
}

/**
 * A signed envelope from a channel member that orderers accept (they do not check endorsements;
 * peers will mark it ENDORSEMENT_POLICY_FAILURE).
 */
export function memberEnvelope(
  user: WalletIdentity,
  channel = 'telecom',
  padding = 0,
): { envelope: Uint8Array; txId: string } {
  const creator = encodeIdentity(user.mspId, user.certDer);
  const proposal = newProposal({
    channel,
    contract: 'asset-registry',
    fn: 'createAsset',
    creator,
    args: { pad: 'x'.repeat(padding) },
  });
  const responsePayload = encodeResponsePayload({
    proposalHash: sha256(proposal.bytes),
    results: emptyRwSet(),
    events: [],
    status: 200,
    message: '',
    payload: utf8('{}'),
    contractVersion: '1.0',
  });
  const payload = encodeTransactionPayload(proposal.bytes, responsePayload, []);
  return { envelope: encodeEnvelope(payload, signBytes(user.privateKey, payload)), txId: proposal.txId };
}

/** Polls `check` every 50 ms until it holds (or throws after `timeoutMs`). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<Exclude<T, false | undefined>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== false && v !== undefined) return v as Exclude<T, false | undefined>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until)
      throw new Error(`${what} did not hold within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
