import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Gateway, GatewayService } from '../../src/gateway/index.js';
import { EmbeddedNetwork, type EmbeddedNetworkOptions } from '../../src/network/index.js';

/** A temporary data dir, removed by `cleanup`. */
export function tempDir(prefix = 'consortia-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface TestNetwork {
  readonly dataDir: string;
  readonly network: EmbeddedNetwork;
  readonly gateway: GatewayService;
  /** An SDK connection as a wallet identity, e.g. `TelcoA.admin`. */
  client(label: string): Gateway;
  stop(): Promise<void>;
}

/** Starts an embedded network in `dataDir` (a new temp dir by default). */
export async function startNetwork(opts: Partial<EmbeddedNetworkOptions> = {}): Promise<TestNetwork> {
  const dataDir = opts.dataDir ?? tempDir();
  const network = await EmbeddedNetwork.start({ ...opts, dataDir });
  const gateway = new GatewayService({
    peers: network.peerHandles(),
    orderers: network.ordererHandles(),
    commitTimeoutMs: 30_000,
  });
  return {
    dataDir,
    network,
    gateway,
    client(label) {
      const id = network.identity(label);
      return connect({ identity: { mspId: id.mspId, credentials: id.certDer }, signer: id.signer, gateway });
    },
    stop: () => network.stop(),
  };
}
