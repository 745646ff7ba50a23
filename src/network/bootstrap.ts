import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConsortiaError } from '../common/index.js';
import { signBytes } from '../crypto/index.js';
import { CertificateAuthority, type Role } from '../identity/index.js';
import {
  assembleConfigTransaction,
  blockSigningBytes,
  type ChannelConfig,
  DEFAULT_BATCH,
  DEFAULT_POLICIES,
  encodeBlock,
  encodeConfigPayload,
  encodeEnvelope,
  encodeIdentity,
  newBlockHeader,
  newConfigUpdate,
  validateChannelConfig,
} from '../protocol/index.js';
import type { NetworkConfig } from './networkConfig.js';
import { readIdentityDir, type WalletIdentity } from './wallet.js';

export const DATA_DIR_FORMAT = 1;
const MARKER = 'consortia.json';

/** What a data dir's marker file records. */
export interface DataDirMarker {
  readonly format: number;
  readonly createdAt: string;
  readonly network: NetworkConfig;
}

/**
 * Reads a data dir's marker. Returns undefined for a missing or empty dir; throws
 * DATA_DIR_FOREIGN for a non-empty dir that is not a Consortia data dir, DATA_DIR_CORRUPT for
 * an unreadable marker.
 */
export function readDataDirMarker(dataDir: string): DataDirMarker | undefined {
  if (!existsSync(dataDir) || readdirSync(dataDir).length === 0) return undefined;
  const path = join(dataDir, MARKER);
  if (!existsSync(path)) {
    throw new ConsortiaError(
      'DATA_DIR_FOREIGN',
      `${dataDir} is not empty and is not a Consortia data dir (no ${MARKER}); choose another --data-dir`,
      { dataDir },
    );
  }
  try {
    const marker = JSON.parse(readFileSync(path, 'utf8')) as DataDirMarker;
    if (marker.format !== DATA_DIR_FORMAT || typeof marker.network !== 'object')
      throw new Error('unknown format');
    return marker;
  } catch (err) {
    throw new ConsortiaError(
      'DATA_DIR_CORRUPT',
      `${path} is unreadable or of an unknown format`,
      { path },
      { cause: err },
    );
  }
}

async function ensureCa(dir: string, mspId: string): Promise<CertificateAuthority> {
  if (existsSync(join(dir, 'ca-cert.pem'))) return CertificateAuthority.load(dir);
  const ca = await CertificateAuthority.create({ mspId });
  await ca.save(dir);
  return ca;
}

async function ensureIdentity(
  ca: CertificateAuthority,
  dir: string,
  opts: { name: string; role: Role; attributes?: Record<string, string> | undefined },
): Promise<void> {
  if (existsSync(join(dir, 'cert.pem'))) return;
  const id = await ca.enroll(
    opts.attributes
      ? { name: opts.name, role: opts.role, attributes: opts.attributes }
      : { name: opts.name, role: opts.role },
  );
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cert.pem'), id.certPem);
  writeFileSync(join(dir, 'key.pem'), id.privateKeyPem ?? '', { mode: 0o600 });
}

/** Paths of a node or user inside a data dir. */
export const layout = {
  caDir: (dataDir: string, org: string) => join(dataDir, org, 'ca'),
  userDir: (dataDir: string, org: string, name: string) => join(dataDir, org, 'users', name),
  nodeDir: (dataDir: string, org: string, node: string) => join(dataDir, org, node),
  genesis: (dataDir: string, channel: string) => join(dataDir, 'channels', channel, 'genesis.block'),
};

/** Builds the channel configuration a network config describes, from the orgs' CAs. */
export function channelConfigFor(
  network: NetworkConfig,
  channel: NetworkConfig['channels'][number],
  cas: ReadonlyMap<string, CertificateAuthority>,
): ChannelConfig {
  const org = (mspId: string) => ({ mspId, rootCerts: [cas.get(mspId)!.certPem] });
  return validateChannelConfig({
    channel: channel.name,
    sequence: 0,
    orgs: channel.orgs.map(org),
    ordererOrgs: [org(network.orderer.org)],
    policies: { ...DEFAULT_POLICIES, ...channel.policies },
    batch: { ...DEFAULT_BATCH, ...channel.batch },
    ordering: { type: 'solo', signaturesRequired: 1 },
    contracts: channel.contracts.map((c) => ({
      name: c.name,
      version: c.version,
      sequence: 1,
      endorsementPolicy: c.endorsementPolicy,
      ...(c.collections ? { collections: c.collections } : {}),
    })),
  });
}

/**
 * Builds a genesis block (block 0) holding a channel's first configuration, created by the first
 * orderer and signed by every orderer given: with etcd ordering a block needs the signatures of
 * `ordering.signaturesRequired` ordering orgs, the genesis block included (`consortia verify`
 * checks it).
 *
 * @example
 * writeFileSync('genesis.block', genesisBlock(config, orderer1, orderer2, orderer3));
 */
export function genesisBlock(
  config: ChannelConfig,
  creator: WalletIdentity,
  ...otherSigners: readonly WalletIdentity[]
): Uint8Array {
  const creatorBytes = encodeIdentity(creator.mspId, creator.certDer);
  const update = newConfigUpdate({ config, creator: creatorBytes });
  const payload = encodeConfigPayload(assembleConfigTransaction(update, []));
  const envelope = encodeEnvelope(payload, signBytes(creator.privateKey, payload));
  const header = newBlockHeader({
    channel: config.channel,
    number: 0,
    previousHash: new Uint8Array(),
    envelopes: [envelope],
    timestamp: Date.now(),
  });
  return encodeBlock(
    header,
    [envelope],
    [creator, ...otherSigners].map((o) => {
      const signer = encodeIdentity(o.mspId, o.certDer);
      return { signer, signature: signBytes(o.privateKey, blockSigningBytes(header, signer)) };
    }),
  );
}

/**
 * Creates whatever a network config needs that the data dir lacks: org CAs, node and user
 * identities, and each channel's genesis block. Existing material is kept, so a second start
 * resumes with the same keys and ledgers.
 */
export async function bootstrapDataDir(dataDir: string, network: NetworkConfig): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(join(dataDir, MARKER))) {
    const marker: DataDirMarker = { format: DATA_DIR_FORMAT, createdAt: new Date().toISOString(), network };
    writeFileSync(join(dataDir, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
  }
  const cas = new Map<string, CertificateAuthority>();
  for (const org of network.orgs) {
    const ca = await ensureCa(layout.caDir(dataDir, org.name), org.name);
    cas.set(org.name, ca);
    for (const peer of org.peers)
      await ensureIdentity(ca, layout.nodeDir(dataDir, org.name, peer), { name: peer, role: 'peer' });
    for (const user of org.users) {
      const u =
        typeof user === 'string'
          ? { name: user, role: (user === 'admin' ? 'admin' : 'client') as Role }
          : user;
      await ensureIdentity(ca, layout.userDir(dataDir, org.name, u.name), u);
    }
    // Saved again so the CA's records name what it issued (revoking one needs its record).
    await ca.save(layout.caDir(dataDir, org.name));
  }
  const ordererCa = await ensureCa(layout.caDir(dataDir, network.orderer.org), network.orderer.org);
  cas.set(network.orderer.org, ordererCa);
  for (const node of network.orderer.nodes) {
    await ensureIdentity(ordererCa, layout.nodeDir(dataDir, network.orderer.org, node), {
      name: node,
      role: 'orderer',
    });
  }
  await ensureIdentity(ordererCa, layout.userDir(dataDir, network.orderer.org, 'admin'), {
    name: 'admin',
    role: 'admin',
  });
  await ordererCa.save(layout.caDir(dataDir, network.orderer.org));
  const firstOrderer = network.orderer.nodes[0]!;
  const orderer = readIdentityDir(
    layout.nodeDir(dataDir, network.orderer.org, firstOrderer),
    `${network.orderer.org}.${firstOrderer}`,
  );
  for (const channel of network.channels) {
    const path = layout.genesis(dataDir, channel.name);
    if (existsSync(path)) continue;
    mkdirSync(join(dataDir, 'channels', channel.name), { recursive: true });
    writeFileSync(path, genesisBlock(channelConfigFor(network, channel, cas), orderer));
  }
}
