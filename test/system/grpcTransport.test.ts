import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepOtherCrls } from '../../src/cli/commands/ca.js';
import { fromBase64, toBase64 } from '../../src/common/index.js';
import { ContractRuntime } from '../../src/contract/index.js';
import {
  applyConfigChange,
  connect,
  GatewayService,
  proposeConfigUpdate,
  submitConfigUpdate,
} from '../../src/gateway/index.js';
import { CertificateAuthority } from '../../src/identity/index.js';
import {
  BlockPuller,
  encodeJson,
  failoverOrderer,
  GrpcServer,
  grpcPrivateDataTransport,
  NodeClient,
  type NodeStream,
  ordererService,
  PEER_SERVICE,
  peerService,
  RemoteOrderer,
  RemotePeer,
  resolveContractModule,
  soloOrdererBackend,
  type TlsMaterial,
  TlsTrust,
} from '../../src/network/index.js';
import { SoloOrderer } from '../../src/orderer/index.js';
import { Peer, runtimeExecutor } from '../../src/peer/index.js';
import { decodeProposalResponse, parseBlock, ValidationCode } from '../../src/protocol/index.js';
import { runCli } from '../support/cli.js';
import { eventually, genesisWith, material, memberEnvelope } from './support.js';

const CH = 'telecom';
let dir: string;
let m: Awaited<ReturnType<typeof material>>;
let runtime: ContractRuntime;
let orderer: SoloOrderer;
let ordererServer: GrpcServer;
const peers: Peer[] = [];
const peerServers: GrpcServer[] = [];
const pullers: BlockPuller[] = [];
const links: { close(): void }[] = [];
let remotePeers: RemotePeer[];
let remoteOrderer: RemoteOrderer;
let gateway: GatewayService;
let gwTls: TlsMaterial;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'consortia-'));
  m = await material(dir);
  // Solo ordering by Orderer1 for this test: the transport is what is under test, not etcd.
  const o1 = m.identity('Orderer1', 'orderer0');
  const genesis = genesisWith(m.config, [o1], {
    ordererOrgs: m.config.ordererOrgs.slice(0, 1),
    ordering: { type: 'solo', signaturesRequired: 1 },
  });
  orderer = new SoloOrderer({
    mspId: 'Orderer1',
    name: 'orderer0',
    certDer: o1.certDer,
    signer: o1.signer,
    dataDir: join(dir, 'Orderer1', 'orderer0'),
  });
  await orderer.joinChannel(genesis);
  const oTls = m.tlsOf(join(dir, 'Orderer1', 'orderer0'));
  // A small message limit on the orderer, to test oversized messages.
  ordererServer = await GrpcServer.start({
    address: '127.0.0.1:0',
    tls: oTls,
    services: [ordererService(soloOrdererBackend(orderer), new TlsTrust({ caPems: oTls.caPems }))],
    maxMessageBytes: 1024 * 1024,
  });
  runtime = new ContractRuntime({
    contracts: new Map(['asset-registry', 'private-notes'].map((c) => [c, resolveContractModule(c)])),
    inProcess: true,
  });
  for (const org of m.manifest.appOrgs) {
    const id = m.identity(org, 'peer0');
    const tls = m.tlsOf(join(dir, org, 'peer0'));
    const privateData = grpcPrivateDataTransport({
      tls,
      directory: () =>
        peers.map((p, i) => ({
          id: p.id,
          mspId: p.mspId,
          address: peerServers[i]?.address ?? '127.0.0.1:1',
        })),
    });
    links.push(privateData);
    const peer = new Peer({
      mspId: org,
      name: 'peer0',
      certDer: id.certDer,
      signer: id.signer,
      dataDir: join(dir, org, 'peer0'),
      executor: runtimeExecutor(runtime),
      privateDataTransport: privateData,
    });
    await peer.joinChannel(genesis);
    peers.push(peer);
    peerServers.push(
      await GrpcServer.start({
        address: '127.0.0.1:0',
        tls,
        services: [peerService(peer, new TlsTrust({ caPems: tls.caPems }))],
      }),
    );
    // Each peer pulls from a dead address first, then fails over to the real orderer.
    const puller = new BlockPuller({
      channel: CH,
      sink: peer,
      orderers: [
        new RemoteOrderer({ id: 'dead', address: '127.0.0.1:1', tls }),
        new RemoteOrderer({ id: 'Orderer1.orderer0', address: ordererServer.address, tls }),
      ],
      retryMs: 20,
    });
    puller.start();
    pullers.push(puller);
  }
  gwTls = m.tlsOf(join(dir, 'gateway'));
  remotePeers = await Promise.all(
    peers.map((p, i) =>
      RemotePeer.connect({ id: p.id, mspId: p.mspId, address: peerServers[i]!.address, tls: gwTls }),
    ),
  );
  remoteOrderer = new RemoteOrderer({ id: 'Orderer1.orderer0', address: ordererServer.address, tls: gwTls });
  gateway = new GatewayService({
    peers: remotePeers,
    orderers: [
      failoverOrderer([new RemoteOrderer({ id: 'dead', address: '127.0.0.1:1', tls: gwTls }), remoteOrderer]),
    ],
    commitTimeoutMs: 20_000,
  });
}, 120_000);

afterAll(async () => {
  for (const p of pullers) await p.stop();
  for (const r of remotePeers ?? []) r.close();
  for (const l of links) l.close();
  remoteOrderer?.close();
  for (const s of peerServers) await s.close(100);
  await ordererServer?.close(100);
  for (const p of peers) await p.close();
  await orderer?.close();
  await runtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(label: string) {
  const [org, name] = label.split('.') as [string, string];
  const id = m.user(org, name);
  return connect({ identity: { mspId: id.mspId, credentials: id.certDer }, signer: id.signer, gateway });
}

describe('gRPC transport with mutual TLS', () => {
  it('endorses, orders and commits through remote peers and a remote orderer', async () => {
    const contract = client('TelcoA.admin').network(CH).contract('asset-registry');
    const r = await contract.submit('createAsset', { arguments: { id: 'g-1', owner: 'Ann', value: 3 } });
    expect(r.validationCode).toBe('VALID');
    for (const p of peers) {
      const status = await eventually(() => p.txStatus(CH, r.transactionId), 10_000, `commit on ${p.id}`);
      expect(status.validationCode).toBe(ValidationCode.VALID);
    }
    // The remote handles mirror what the peers committed.
    const mirror = remotePeers[0]!;
    expect(mirror.txStatus(CH, r.transactionId)?.blockNumber).toBe(r.blockNumber);
    expect(parseBlock(mirror.getBlock(CH, r.blockNumber)!).hash).toEqual(
      parseBlock(peers[0]!.ledger(CH).getBlock(r.blockNumber)!).hash,
    );
    expect(await contract.evaluate('readAsset', { arguments: { id: 'g-1' } })).toMatchObject({
      owner: 'Ann',
    });
  });

  it('sends private data to the collection members over the peer links', async () => {
    const note = new TextEncoder().encode('for TelcoA and TelcoB only');
    const ref = { collection: 'telco-ab', id: 'n-1' };
    // requiredPeerCount 1: the endorser must reach the other member peer over gRPC before it signs.
    const r = await client('TelcoA.admin')
      .network(CH)
      .contract('private-notes')
      .submit('putNote', { arguments: ref, transient: new Map([['note', note]]) });
    expect(r.validationCode).toBe('VALID');
    const telcoB = peers.find((p) => p.mspId === 'TelcoB')!;
    await eventually(() => telcoB.txStatus(CH, r.transactionId), 10_000, 'commit on TelcoB');
    const read = await client('TelcoB.admin')
      .network(CH)
      .contract('private-notes')
      .evaluate<{ text: string }>('getNote', { arguments: ref });
    expect(read.text).toBe('for TelcoA and TelcoB only');
  });

  it('carries a node error across with its code', async () => {
    await expect(remoteOrderer.broadcast(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({
      code: 'MALFORMED_MESSAGE',
    });
    const outsider = memberEnvelope(m.user('TelcoA', 'user1'), 'no-such-channel');
    await expect(remoteOrderer.broadcast(outsider.envelope)).rejects.toMatchObject({
      code: 'UNKNOWN_CHANNEL',
    });
    // A peer answers a bad proposal with an error response, as it does in process.
    const reply = decodeProposalResponse(await remotePeers[0]!.evaluate(new Uint8Array([9, 9])));
    expect(reply.response.status).toBe(400);
    expect(JSON.parse(Buffer.from(reply.response.payload).toString()).code).toBe('MALFORMED_MESSAGE');
  });

  it('refuses an oversized message with MESSAGE_TOO_LARGE and keeps serving', async () => {
    await expect(remoteOrderer.broadcast(new Uint8Array(2 * 1024 * 1024))).rejects.toMatchObject({
      code: 'MESSAGE_TOO_LARGE',
    });
    const ok = memberEnvelope(m.user('TelcoB', 'user1'));
    await remoteOrderer.broadcast(ok.envelope);
    await eventually(() => peers[1]!.txStatus(CH, ok.txId), 10_000, 'the envelope ordered');
  });

  it('streams blocks from a given height (Deliver resumes)', async () => {
    const stream = remoteOrderer.deliver(CH, 1);
    const it = stream.messages[Symbol.asyncIterator]();
    const first = await it.next();
    stream.cancel();
    expect(parseBlock(first.value as Uint8Array).number).toBe(1);
  });

  it('refuses a TLS client without a consortium certificate, and keeps serving members', async () => {
    const foreign = await CertificateAuthority.create({ mspId: 'Mallory', commonName: 'tlsca.Mallory' });
    const cert = await foreign.enroll({
      name: 'mallory',
      role: 'client',
      ipAddresses: ['127.0.0.1'],
      extKeyUsage: ['clientAuth'],
    });
    const tls: TlsMaterial = { certPem: cert.certPem, keyPem: cert.privateKeyPem!, caPems: gwTls.caPems };
    const intruder = new NodeClient({ id: 'TelcoA.peer0', address: peerServers[1]!.address, tls });
    await expect(intruder.unary(PEER_SERVICE.info, encodeJson({}), 5000)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    intruder.close();
    const member = new NodeClient({ id: 'TelcoA.peer0', address: peerServers[1]!.address, tls: gwTls });
    const info = JSON.parse(
      Buffer.from(await member.unary(PEER_SERVICE.info, encodeJson({}), 5000)).toString(),
    );
    expect(info.id).toBe('TelcoA.peer0');
    member.close();
  });

  it('refuses a block stream to a TLS client whose org is not on the channel', async () => {
    // Orderer2 is a consortium org, but not an ordering org of this (solo) channel.
    const tls = m.tlsOf(join(dir, 'Orderer2', 'orderer0'));
    const o = new RemoteOrderer({ id: 'Orderer1.orderer0', address: ordererServer.address, tls });
    const stream = o.deliver(CH, 0);
    await expect(stream.messages[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'TLS_REFUSED',
    });
    o.close();
  });

  // Last: it commits CRLs into the channel configuration.
  it('refuses a revoked TLS certificate on open links once the CRL update commits, and serves the others', async () => {
    // The generated TLS CA knows the node certificates it issued, so they can be revoked.
    const tlsCaDir = join(dir, 'TelcoC', 'tlsca');
    const peer0Cert = new X509Certificate(readFileSync(join(dir, 'TelcoC', 'peer0', 'tls', 'cert.pem')));
    const known = (await CertificateAuthority.load(tlsCaDir)).issued().map((i) => BigInt(`0x${i.serial}`));
    expect(known).toContain(BigInt(`0x${peer0Cert.serialNumber}`));
    // A second TLS certificate of TelcoC, to revoke; TelcoC's peer0 keeps its own.
    const tlsCa = await CertificateAuthority.load(tlsCaDir);
    const issued = await tlsCa.enroll({
      name: 'peer1',
      role: 'peer',
      ipAddresses: ['127.0.0.1'],
      extKeyUsage: ['serverAuth', 'clientAuth'],
    });
    await tlsCa.save(tlsCaDir);
    const certPath = join(dir, 'TelcoC', 'peer1', 'tls', 'cert.pem');
    mkdirSync(dirname(certPath), { recursive: true });
    writeFileSync(certPath, issued.certPem);

    // TelcoC already publishes a CRL of its identity CA.
    const admin = m.user('TelcoC', 'admin');
    const signer = { mspId: admin.mspId, certDer: admin.certDer, signer: admin.signer };
    const publish = async (crl: Uint8Array) => {
      const current = peers[0]!.context(CH).config;
      const change = await keepOtherCrls(current, {
        kind: 'set-crl',
        mspId: 'TelcoC',
        crls: [toBase64(crl)],
      });
      const update = proposeConfigUpdate(current, signer, (c) => applyConfigChange(c, change));
      const committed = await submitConfigUpdate(gateway, update, signer, [signer], CH);
      for (const p of peers)
        await eventually(() => p.context(CH).sequence === current.sequence + 1, 10_000, `the CRL on ${p.id}`);
      return committed.blockNumber;
    };
    const orgCrl = await (await CertificateAuthority.load(join(dir, 'TelcoC', 'ca'))).crl();
    await publish(orgCrl);

    const revokedTls: TlsMaterial = {
      certPem: issued.certPem,
      keyPem: issued.privateKeyPem!,
      caPems: gwTls.caPems,
    };
    const telcoA = peers.findIndex((p) => p.mspId === 'TelcoA');
    const peerLink = new NodeClient({
      id: 'TelcoA.peer0',
      address: peerServers[telcoA]!.address,
      tls: revokedTls,
    });
    const ordererLink = new RemoteOrderer({
      id: 'Orderer1.orderer0',
      address: ordererServer.address,
      tls: revokedTls,
    });
    const streams: NodeStream[] = [];
    try {
      // Before the update: calls succeed, and both block streams deliver the last stored block.
      const info = JSON.parse(
        Buffer.from(await peerLink.unary(PEER_SERVICE.info, encodeJson({}), 5000)).toString(),
      );
      expect(info.id).toBe('TelcoA.peer0');
      expect((await ordererLink.info()).id).toBe('Orderer1.orderer0');
      const last = peers[telcoA]!.height(CH) - 1;
      expect(orderer.height(CH)).toBe(last + 1);
      const deliver = ordererLink.deliver(CH, last);
      const blocks = peerLink.stream(PEER_SERVICE.blocks, encodeJson({ channel: CH, from: last }));
      streams.push(deliver, blocks);
      const fromOrderer = deliver.messages[Symbol.asyncIterator]();
      const fromPeer = blocks.messages[Symbol.asyncIterator]();
      expect(parseBlock((await fromOrderer.next()).value as Uint8Array).number).toBe(last);
      expect((await fromPeer.next()).done).toBe(false);

      // The operator revokes it at TelcoC's TLS CA with the CLI; the CRL joins TelcoC's crls
      // next to its identity CA's CRL (one list per org).
      const crlPath = join(dir, 'telcoc-tls.crl.pem');
      const cli = await runCli([
        ...['ca', 'revoke', 'TelcoC', '--tls', '--cert', certPath, '--reason', 'keyCompromise'],
        ...['--data-dir', dir, '--out', crlPath],
      ]);
      expect(cli.stderr).toBe('');
      expect(cli.stdout).toContain(`revoked serial ${issued.serial} at tlsca.TelcoC`);
      const pem = readFileSync(crlPath, 'utf8');
      const tlsCrl = fromBase64(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''));
      const sequence = peers[telcoA]!.context(CH).sequence;
      expect(await publish(tlsCrl)).toBe(last + 1);
      expect(peers[telcoA]!.context(CH).config.orgs.find((o) => o.mspId === 'TelcoC')?.crls).toEqual([
        toBase64(orgCrl),
        toBase64(tlsCrl),
      ]);

      // Open streams end with TLS_CERT_REVOKED instead of sending the config block.
      await expect(fromOrderer.next()).rejects.toMatchObject({ code: 'TLS_CERT_REVOKED' });
      await expect(fromPeer.next()).rejects.toMatchObject({ code: 'TLS_CERT_REVOKED' });
      // Calls on the connections opened before the update are refused, naming the serial.
      const refused = peerLink.unary(PEER_SERVICE.info, encodeJson({}), 5000);
      await expect(refused).rejects.toMatchObject({
        code: 'TLS_CERT_REVOKED',
        detail: { serial: issued.serial, org: 'TelcoC', channel: CH },
      });
      await expect(refused).rejects.toThrow(issued.serial);
      await expect(
        peerLink.unary(PEER_SERVICE.pushPrivateData, new Uint8Array([1]), 5000),
      ).rejects.toMatchObject({
        code: 'TLS_CERT_REVOKED',
      });
      await expect(ordererLink.info()).rejects.toMatchObject({ code: 'TLS_CERT_REVOKED' });
      await expect(
        ordererLink.broadcast(memberEnvelope(m.user('TelcoC', 'user1')).envelope),
      ).rejects.toMatchObject({ code: 'TLS_CERT_REVOKED' });
      // A new connection with the revoked certificate fares no better.
      const again = new RemoteOrderer({
        id: 'Orderer1.orderer0',
        address: ordererServer.address,
        tls: revokedTls,
      });
      try {
        await expect(again.deliver(CH, 0).messages[Symbol.asyncIterator]().next()).rejects.toMatchObject({
          code: 'TLS_CERT_REVOKED',
        });
      } finally {
        again.close();
      }

      // TelcoC's peer0 (same TLS CA, not revoked) and the gateway keep working.
      const telcoC = new NodeClient({
        id: 'TelcoA.peer0',
        address: peerServers[telcoA]!.address,
        tls: m.tlsOf(join(dir, 'TelcoC', 'peer0')),
      });
      try {
        const ok = JSON.parse(
          Buffer.from(await telcoC.unary(PEER_SERVICE.info, encodeJson({}), 5000)).toString(),
        );
        expect(ok.channels[0].config.sequence).toBe(sequence + 1);
      } finally {
        telcoC.close();
      }
      const r = await client('TelcoC.admin')
        .network(CH)
        .contract('asset-registry')
        .submit('createAsset', { arguments: { id: 'g-after-crl', owner: 'Cy', value: 1 } });
      expect(r.validationCode).toBe('VALID');
    } finally {
      for (const s of streams) s.cancel();
      peerLink.close();
      ordererLink.close();
    }
  });
});
