import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ConsortiaError } from '../../common/index.js';

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'names use letters, digits, _ . - (max 64)');
const address = z.string().regex(/^[A-Za-z0-9.:[\]-]+:\d{1,5}$/, 'addresses are host:port');
const path = z.string().min(1);

const TlsFilesSchema = z.object({ cert: path, key: path, caCerts: z.array(path).min(1) });
const NodeRefSchema = z.object({ id: z.string().min(1), address });

const Common = {
  /** `Org.node`, as it appears in logs and PID files. */
  id: z.string().min(1),
  mspId: name,
  name,
  /** Where the node keeps its ledgers. */
  dataDir: path,
  /** The node's identity (signing) certificate and key. */
  identity: z.object({ cert: path, key: path }),
  tls: TlsFilesSchema,
  /** gRPC listen address. */
  listen: address,
  /** Genesis blocks of the channels the node serves. */
  channels: z.array(z.object({ genesis: path })).min(1),
  /** When set, the node writes `<runDir>/<id>.ready` (its address) once it serves. */
  runDir: path.optional(),
};

export const PeerNodeConfigSchema = z.object({
  kind: z.literal('peer'),
  ...Common,
  /** Orderers to pull blocks from, in order of preference (failover to the next). */
  orderers: z.array(NodeRefSchema).min(1),
  /** Contract module paths by name; built-in contracts are found by name. */
  contracts: z.record(z.string(), path).default({}),
  /**
   * Other peers, for private data. By default the peer endpoints the orgs declare in the channel
   * config are used; an entry here overrides the address of the peer with the same id.
   */
  peers: z.array(NodeRefSchema.extend({ mspId: name })).optional(),
});

export const OrdererNodeConfigSchema = z.object({
  kind: z.literal('orderer'),
  ...Common,
  etcd: z.object({
    endpoints: z.array(z.string().regex(/^https?:\/\//, 'etcd endpoints are URLs')).min(1),
    /** Mutual TLS to etcd; the CA files are concatenated into one bundle. */
    tls: TlsFilesSchema.optional(),
    prefix: z.string().default('/consortia'),
  }),
  limits: z
    .object({
      ratePerSecond: z.number().positive(),
      burst: z.number().positive(),
      maxInFlight: z.number().int(),
    })
    .partial()
    .optional(),
});

export const GatewayNodeConfigSchema = z.object({
  kind: z.literal('gateway'),
  id: z.string().min(1),
  /** REST listen address (port 0 picks one). */
  listen: address,
  tls: TlsFilesSchema,
  /** Data dir whose wallet (`<Org>/users/<name>`) holds the identities REST callers pick. */
  walletDir: path,
  peers: z.array(NodeRefSchema.extend({ mspId: name })).min(1),
  orderers: z.array(NodeRefSchema).min(1),
  runDir: path.optional(),
});

export type PeerNodeConfig = z.infer<typeof PeerNodeConfigSchema>;
export type OrdererNodeConfig = z.infer<typeof OrdererNodeConfigSchema>;
export type GatewayNodeConfig = z.infer<typeof GatewayNodeConfigSchema>;
export type NodeConfig = PeerNodeConfig | OrdererNodeConfig | GatewayNodeConfig;

const NodeConfigSchema = z.discriminatedUnion('kind', [
  PeerNodeConfigSchema,
  OrdererNodeConfigSchema,
  GatewayNodeConfigSchema,
]);

/** Resolves every path field of a config against `base` (the config file's directory). */
function resolvePaths<T>(value: T, base: string, key = ''): T {
  if (typeof value === 'string') {
    const isPath =
      /^(cert|key|genesis|dataDir|walletDir|runDir)$/.test(key) || key === 'caCerts' || key === 'contracts';
    return (isPath && !isAbsolute(value) ? resolve(base, value) : value) as T;
  }
  if (Array.isArray(value)) return value.map((v) => resolvePaths(v, base, key)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        resolvePaths(v, base, key === 'contracts' ? 'contracts' : k),
      ]),
    ) as T;
  }
  return value;
}

/**
 * Reads and checks a node config file (JSON). Relative paths in it are relative to the file's
 * directory, so a node's folder can be copied to another machine as it is. Throws
 * INVALID_NODE_CONFIG naming the field.
 *
 * @example
 * const config = loadNodeConfig('data/TelcoA/peer0/node.json', 'peer');
 */
export function loadNodeConfig<K extends NodeConfig['kind']>(
  file: string,
  kind: K,
): Extract<NodeConfig, { kind: K }> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConsortiaError(
      'INVALID_NODE_CONFIG',
      `cannot read node config ${file}: ${(err as Error).message}`,
      { file },
      { cause: err },
    );
  }
  const r = NodeConfigSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ConsortiaError(
      'INVALID_NODE_CONFIG',
      `node config ${file} is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'bad value'}`,
      { file },
    );
  }
  if (r.data.kind !== kind) {
    throw new ConsortiaError(
      'INVALID_NODE_CONFIG',
      `node config ${file} configures a ${r.data.kind} node, not a node of kind ${kind}; use \`consortia node ${r.data.kind}\``,
      { file },
    );
  }
  return resolvePaths(r.data, dirname(resolve(file))) as Extract<NodeConfig, { kind: K }>;
}
