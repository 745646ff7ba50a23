import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/common/index.js';
import {
  etcdAdminClient,
  type ManifestNode,
  startNode,
  stopNode,
  waitEtcd,
} from '../../src/network/index.js';
import { EtcdOrderer, type EtcdOrdererOptions } from '../../src/orderer/index.js';
import { ChannelContext, type ContractExecutor, Peer } from '../../src/peer/index.js';
import { encodeBlock, newBlockHeader, parseBlock } from '../../src/protocol/index.js';
import { CLI, etcdInstalled, eventually, material, memberEnvelope } from './support.js';

const CH = 'telecom';
const hasEtcd = etcdInstalled();
if (!hasEtcd)
  console.warn('test/system/etcdOrdering: etcd is not installed (apt-get install etcd-server); skipped');

let dir: string;
let m: Awaited<ReturnType<typeof material>>;
let members: ManifestNode[];
const orderers = new Map<string, EtcdOrderer>();

function ordererOptions(org: string, extra: Partial<EtcdOrdererOptions> = {}): EtcdOrdererOptions {
  const id = m.identity(org, 'orderer0');
  const tls = m.tlsOf(join(dir, org, 'orderer0'));
  const i = m.manifest.ordererOrgs.indexOf(org);
  const urls = members.map((x) => (x.kind === 'etcd' ? x.clientUrl : ''));
  return {
    mspId: org,
    name: 'orderer0',
    certDer: id.certDer,
    signer: id.signer,
    dataDir: join(dir, org, 'orderer0'),
    etcd: {
      hosts: [urls[i]!, ...urls.filter((_, k) => k !== i)],
      tls: {
        caPem: readFileSync(join(dir, 'etcd', 'ca-bundle.pem'), 'utf8'),
        certPem: tls.certPem,
        keyPem: tls.keyPem,
      },
    },
    compactEvery: 4,
    ...extra,
  };
}

async function startOrderer(org: string, extra: Partial<EtcdOrdererOptions> = {}): Promise<EtcdOrderer> {
  const o = new EtcdOrderer(ordererOptions(org, extra));
  await o.joinChannel(m.genesis);
  orderers.set(org, o);
  return o;
}

async function stopOrderer(org: string): Promise<void> {
  await orderers.get(org)?.close();
  orderers.delete(org);
}

const hashes = (o: EtcdOrderer, upTo: number) =>
  Array.from({ length: upTo }, (_, n) => toHex(parseBlock(o.getBlock(CH, n)!).hash));

describe.skipIf(!hasEtcd)('ordering on etcd', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'consortia-'));
    m = await material(dir);
    members = m.manifest.nodes.filter((n) => n.kind === 'etcd');
    for (const n of members) startNode(n, { dataDir: dir, cli: CLI });
    await waitEtcd(dir, m.manifest, members, 60_000);
    for (const org of m.manifest.ordererOrgs) await startOrderer(org);
  }, 120_000);

  afterAll(async () => {
    for (const org of [...orderers.keys()]) await stopOrderer(org);
    for (const n of members ?? []) await stopNode(dir, n);
    rmSync(dir, { recursive: true, force: true });
  });

  it('cuts identical blocks on every orderer, each signed by a quorum of ordering orgs', async () => {
    const users = ['TelcoA', 'TelcoB', 'Regulator'].map((o) => m.user(o, 'user1'));
    const all = [...orderers.values()];
    const sent = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const e = memberEnvelope(users[i % 3]!);
        await all[i % 3]!.broadcast(e.envelope);
        return e.txId;
      }),
    );
    const height = await eventually(() => {
      const h = all.map((o) => o.height(CH));
      const txs = Array.from(
        { length: Math.min(...h) },
        (_, n) => parseBlock(all[0]!.getBlock(CH, n)!).envelopes.length,
      );
      return txs.reduce((a, b) => a + b, 0) >= 31 && Math.min(...h);
    });
    const reference = hashes(all[0]!, height);
    for (const o of all) expect(hashes(o, height)).toEqual(reference);
    const context = await ChannelContext.fromConfig(m.config);
    for (let n = 1; n < height; n++) {
      for (const o of all) {
        const block = parseBlock(o.getBlock(CH, n)!);
        expect(() => context.verifyBlockSignatures(block)).not.toThrow();
      }
    }
    expect(sent).toHaveLength(30);
  });

  it('keeps cutting with one orderer down, stalls with two down, and a restarted orderer resumes', async () => {
    const user = m.user('TelcoC', 'user1');
    await stopOrderer('Orderer3');
    const o1 = orderers.get('Orderer1')!;
    const before = o1.height(CH);
    await o1.broadcast(memberEnvelope(user).envelope);
    await eventually(() => o1.height(CH) > before && orderers.get('Orderer2')!.height(CH) > before);

    await stopOrderer('Orderer2');
    const stalled = o1.height(CH);
    await o1.broadcast(memberEnvelope(user).envelope);
    // Only one ordering org signs: no block may be stored (2 signatures are required).
    await expect(eventually(() => o1.height(CH) > stalled, 1500)).rejects.toThrow();

    const o3 = await startOrderer('Orderer3');
    await eventually(() => o1.height(CH) > stalled && o3.height(CH) === o1.height(CH));
    const o2 = await startOrderer('Orderer2');
    await eventually(() => o2.height(CH) === o1.height(CH));
    expect(hashes(o2, o1.height(CH))).toEqual(hashes(o1, o1.height(CH)));
    expect(hashes(o3, o1.height(CH))).toEqual(hashes(o1, o1.height(CH)));
  });

  it('compacts log entries every orderer has stored', async () => {
    const user = m.user('TelcoA', 'user1');
    const o1 = orderers.get('Orderer1')!;
    for (let i = 0; i < 10; i++) {
      const h = o1.height(CH);
      await o1.broadcast(memberEnvelope(user).envelope);
      await eventually(() => o1.height(CH) > h);
    }
    const client = etcdAdminClient(
      dir,
      m.manifest,
      members.map((x) => (x.kind === 'etcd' ? x.clientUrl : '')),
    );
    try {
      const logKeys = await eventually(
        async () => {
          const n = await client.getAll().prefix(`/consortia/${CH}/log/`).count();
          return n < 8 && n + 1;
        },
        20_000,
        'compaction',
      );
      expect(logKeys - 1).toBeLessThan(8);
    } finally {
      client.close();
    }
    // An orderer that lost its cursor file resumes from the progress it published, even though
    // the start of the log is gone.
    await stopOrderer('Orderer2');
    rmSync(join(dir, 'Orderer2', 'orderer0', 'etcd', `${CH}.cursor.json`));
    const h = o1.height(CH);
    await o1.broadcast(memberEnvelope(user).envelope);
    await eventually(() => o1.height(CH) > h);
    const o2 = await startOrderer('Orderer2');
    await eventually(() => o2.height(CH) === o1.height(CH));
    expect(hashes(o2, o1.height(CH))).toEqual(hashes(o1, o1.height(CH)));
  });

  it('a peer refuses a block signed by one ordering org, or altered after signing', async () => {
    const pdir = mkdtempSync(join(tmpdir(), 'consortia-'));
    const id = m.identity('TelcoA', 'peer0');
    const executor: ContractExecutor = {
      execute: async () => {
        throw new Error('no contracts here');
      },
      kindOf: () => undefined,
    };
    const peer = new Peer({
      mspId: 'TelcoA',
      name: 'peer0',
      certDer: id.certDer,
      signer: id.signer,
      dataDir: pdir,
      executor,
    });
    try {
      await peer.joinChannel(m.genesis);
      const o1 = orderers.get('Orderer1')!;
      const good = parseBlock(o1.getBlock(CH, 1)!);
      expect(good.signatures.length).toBeGreaterThanOrEqual(2);
      const one = encodeBlock(good.headerBytes, good.envelopes, good.signatures.slice(0, 1));
      await expect(peer.deliverBlock(CH, one)).rejects.toMatchObject({ code: 'BLOCK_REJECTED' });
      const twiceSame = encodeBlock(good.headerBytes, good.envelopes, [
        good.signatures[0]!,
        good.signatures[0]!,
      ]);
      await expect(peer.deliverBlock(CH, twiceSame)).rejects.toMatchObject({ code: 'BLOCK_REJECTED' });
      const otherData = encodeBlock(
        good.headerBytes,
        [memberEnvelope(m.user('TelcoB', 'user1')).envelope],
        good.signatures,
      );
      await expect(peer.deliverBlock(CH, otherData)).rejects.toMatchObject({
        code: 'BLOCK_DATA_HASH_MISMATCH',
      });
      const rewritten = newBlockHeader({
        channel: CH,
        number: 1,
        previousHash: good.previousHash,
        envelopes: good.envelopes,
        timestamp: good.timestamp + 1,
      });
      await expect(
        peer.deliverBlock(CH, encodeBlock(rewritten, good.envelopes, good.signatures)),
      ).rejects.toMatchObject({
        code: 'BLOCK_REJECTED',
      });
      expect(peer.height(CH)).toBe(1);
      await peer.deliverBlock(CH, o1.getBlock(CH, 1)!);
      expect(peer.height(CH)).toBe(2);
    } finally {
      await peer.close();
      rmSync(pdir, { recursive: true, force: true });
    }
  });

  it('limits a flooding client without starving the others', async () => {
    await stopOrderer('Orderer3');
    const o3 = await startOrderer('Orderer3', { limits: { ratePerSecond: 5, burst: 5, maxInFlight: 100 } });
    const flooder = m.user('TelcoB', 'user1');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => o3.broadcast(memberEnvelope(flooder).envelope)),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThanOrEqual(10);
    for (const r of refused)
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'RATE_LIMITED' });
    await o3.broadcast(memberEnvelope(m.user('TelcoC', 'user1')).envelope);
  });
});
