import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractRuntime } from '../../src/contract/index.js';
import { connect, GatewayService } from '../../src/gateway/index.js';
import { CertificateAuthority } from '../../src/identity/index.js';
import {
  BlockPuller,
  encodeJson,
  failoverOrderer,
  GrpcServer,
  grpcPrivateDataTransport,
  NodeClient,
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
});
