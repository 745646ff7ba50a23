import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConsortiaError } from '../../common/index.js';

export const MANIFEST_FILE = 'distributed.json';

/** A node of a distributed layout, as the manifest lists it. Paths are relative to the data dir. */
export type ManifestNode =
  | {
      readonly id: string;
      readonly kind: 'etcd';
      readonly org: string;
      readonly clientUrl: string;
      readonly peerUrl: string;
      /** etcd's command-line arguments (paths relative to the data dir, its working directory). */
      readonly args: readonly string[];
    }
  | {
      readonly id: string;
      readonly kind: 'orderer' | 'peer' | 'gateway';
      readonly org: string;
      /** gRPC address (orderers, peers) or REST address (gateway). */
      readonly address: string;
      /** The node config file. */
      readonly config: string;
    };

/** What `<data-dir>/distributed.json` records about a generated distributed network. */
export interface DistributedManifest {
  readonly format: 1;
  readonly kind: 'consortia-distributed';
  readonly createdAt: string;
  readonly channel: string;
  readonly appOrgs: readonly string[];
  readonly ordererOrgs: readonly string[];
  readonly nodes: readonly ManifestNode[];
}

/**
 * Reads a distributed data dir's manifest; undefined when there is none. Throws DATA_DIR_CORRUPT
 * for an unreadable one.
 *
 * @example
 * const manifest = readManifest('./data');
 */
export function readManifest(dataDir: string): DistributedManifest | undefined {
  const path = join(dataDir, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as DistributedManifest;
    if (m.kind !== 'consortia-distributed' || m.format !== 1 || !Array.isArray(m.nodes))
      throw new Error('unknown format');
    return m;
  } catch (err) {
    throw new ConsortiaError(
      'DATA_DIR_CORRUPT',
      `${path} is unreadable or of an unknown format`,
      { path },
      { cause: err },
    );
  }
}
