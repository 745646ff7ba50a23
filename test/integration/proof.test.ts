import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flipBundleByte, runProofOfDeliveryDemo } from '../../src/cli/demos/proofOfDelivery.js';
import { toConsortiaError, utf8 } from '../../src/common/index.js';
import { sha256Hex, signBytes } from '../../src/crypto/index.js';
import {
  createRestServer,
  exportProofBundle,
  openDataDirProofSource,
  type ProofBundle,
  parseProofBundle,
  proofBundleToJson,
  serializeProofBundle,
  verifyProofBundle,
} from '../../src/gateway/index.js';
import { CertificateAuthority } from '../../src/identity/index.js';
import { genesisBlock, layout, readIdentityDir, type WalletIdentity } from '../../src/network/index.js';
import {
  blockSigningBytes,
  decodeChannelConfig,
  encodeEnvelope,
  encodeIdentity,
  encodeTransactionPayload,
  envelopeInclusionPath,
  newBlockHeader,
  type ParsedEndorserTx,
  parseBlock,
  parseEnvelope,
} from '../../src/protocol/index.js';
import { runCli } from '../support/cli.js';
import { removeDir, startNetwork, type TestNetwork, tempDir } from '../support/network.js';

const CH = 'telecom';
const CC = 'proof-of-delivery';
const doc = (n: number) => sha256Hex(utf8(`proof test document ${n} ${Date.now()}`));
const H1 = doc(1);
const BATCH = [doc(2), doc(3), doc(4)];

let t: TestNetwork;
let deliveryTx: string;
let receiptTx: string;
let batchTxs: string[];
let stopped = false;

/** The code a promise rejects with (undefined when it resolves). */
async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
    return undefined;
  } catch (err) {
    return toConsortiaError(err).code;
  }
}

beforeAll(async () => {
  t = await startNetwork();
  const a = t.client('TelcoA.admin').network(CH).contract(CC);
  const b = t.client('TelcoB.admin').network(CH).contract(CC);
  deliveryTx = (
    await a.submit('registerDelivery', {
      arguments: { documentHash: H1, recipient: 'TelcoB', reference: 'T-1' },
    })
  ).transactionId;
  receiptTx = (await b.submit('acknowledgeReceipt', { arguments: { documentHash: H1 } })).transactionId;
  // Three deliveries endorsed first and then ordered together, so they share one block.
  const id = t.network.identity('TelcoA.admin');
  const txs = [];
  for (const h of BATCH) {
    const p = a.newProposal('registerDelivery', { arguments: { documentHash: h, recipient: 'TelcoC' } });
    txs.push(await p.endorse(await id.signer(p.bytes)));
  }
  const signatures = await Promise.all(txs.map(async (tx) => await id.signer(tx.bytes)));
  await Promise.all(txs.map((tx, i) => tx.submit(signatures[i]!)));
  await t.network.settle();
  batchTxs = txs.map((tx) => tx.transactionId);
}, 120_000);

afterAll(async () => {
  if (!stopped) await t.stop();
  removeDir(t.dataDir);
});

describe('while the network runs', () => {
  it('exports through the REST route, and the CLI exports with --url and verifies the file', async () => {
    const scratch = tempDir();
    const app = await createRestServer({
      gateway: t.gateway,
      identities: (l) => t.network.identity(l),
      defaultIdentity: 'TelcoA.user1',
    });
    try {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/channels/${CH}/transactions/${receiptTx}/proof`,
      });
      expect(res.statusCode).toBe(200);
      const v = await verifyProofBundle(parseProofBundle(res.json()));
      expect(v.statements).toEqual([
        expect.objectContaining({ kind: 'receipt', documentHash: H1, sender: 'TelcoA', recipient: 'TelcoB' }),
      ]);
      const missing = await app.inject({
        method: 'GET',
        url: `/api/v1/channels/${CH}/transactions/${'0'.repeat(64)}/proof`,
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('UNKNOWN_TRANSACTION');
      const bad = await app.inject({ method: 'GET', url: `/api/v1/channels/${CH}/transactions/xyz/proof` });
      expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'INVALID_ARGUMENT']);

      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const file = join(scratch, 'via-url.json');
      const exp = await runCli([
        'proof',
        'export',
        deliveryTx,
        '--url',
        url,
        '--as',
        'TelcoB.user1',
        '--out',
        file,
      ]);
      expect(exp.stderr).toBe('');
      expect(exp.code).toBe(0);
      expect(exp.stdout).toContain(`delivery of document ${H1}: TelcoA → TelcoB`);
      const fromUrl = await verifyProofBundle(readFileSync(file, 'utf8'));
      expect(fromUrl.statements[0]).toMatchObject({ kind: 'delivery', documentHash: H1 });
    } finally {
      await app.close();
      removeDir(scratch);
    }
  }, 180_000);

  it('refuses a data-dir export while the ledgers are locked, pointing to --url', async () => {
    const err = await openDataDirProofSource({ dataDir: t.dataDir, channel: CH }).catch((e: unknown) => e);
    expect(toConsortiaError(err).code).toBe('LEDGER_LOCKED');
    expect(toConsortiaError(err).message).toContain('--url');
  });
});

describe('after the network stopped', () => {
  const bundles = new Map<string, ProofBundle>();
  let orderer: WalletIdentity;
  let creator: WalletIdentity;
  let blocks: Map<number, Uint8Array>;
  let roots: string[];

  beforeAll(async () => {
    await t.stop();
    stopped = true;
    const source = await openDataDirProofSource({ dataDir: t.dataDir, channel: CH, peer: 'TelcoC.peer0' });
    try {
      for (const tx of [deliveryTx, receiptTx, ...batchTxs]) bundles.set(tx, exportProofBundle(source, tx));
      blocks = new Map(
        [...bundles.values()].map((b) => [
          b.transaction.blockNumber,
          source.block(b.transaction.blockNumber)!,
        ]),
      );
      expect(await codeOf(() => exportProofBundle(source, '1'.repeat(64)))).toBe('UNKNOWN_TRANSACTION');
      expect(await codeOf(() => exportProofBundle(source, 'not-a-tx'))).toBe('INVALID_ARGUMENT');
    } finally {
      await source.close();
    }
    orderer = readIdentityDir(layout.nodeDir(t.dataDir, 'Orderer', 'orderer0'), 'Orderer.orderer0');
    creator = t.network.identity('TelcoA.admin');
    roots = ['Regulator', 'TelcoA', 'TelcoB', 'TelcoC', 'Orderer'].map((org) => {
      const pem = readFileSync(join(layout.caDir(t.dataDir, org), 'ca-cert.pem'), 'utf8');
      return sha256Hex(new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')));
    });
  }, 120_000);

  const bundle = (tx: string) => bundles.get(tx)!;

  /** A block re-made with one envelope replaced and re-signed by the (compromised) orderer. */
  function forge(b: ProofBundle, envelope: Uint8Array): ProofBundle {
    const block = parseBlock(blocks.get(b.transaction.blockNumber)!);
    const envelopes = block.envelopes.map((e, i) => (i === b.transaction.txIndex ? envelope : e));
    const header = newBlockHeader({ ...block, envelopes });
    const signer = encodeIdentity(orderer.mspId, orderer.certDer);
    return {
      ...b,
      transaction: {
        ...b.transaction,
        envelope,
        blockHeader: header,
        blockSignatures: [
          { signer, signature: signBytes(orderer.privateKey, blockSigningBytes(header, signer)) },
        ],
        inclusionPath: envelopeInclusionPath(envelopes, b.transaction.txIndex),
      },
    };
  }

  const flip = (bytes: Uint8Array, at = Math.floor(bytes.byteLength / 2)) => {
    const copy = new Uint8Array(bytes);
    copy[at] = copy[at]! ^ 0x01;
    return copy;
  };

  it('verifies delivery, receipt and batched transactions, stating what they prove', async () => {
    const d = await verifyProofBundle(bundle(deliveryTx), { trustedRoots: roots });
    expect(d.statements).toEqual([
      expect.objectContaining({
        kind: 'delivery',
        documentHash: H1,
        sender: 'TelcoA',
        recipient: 'TelcoB',
        reference: 'T-1',
      }),
    ]);
    expect(d.transaction).toMatchObject({
      contract: CC,
      function: 'registerDelivery',
      endorsementPolicy: 'MAJORITY Endorsement',
    });
    expect(d.transaction.creator).toMatchObject({ mspId: 'TelcoA', name: 'admin' });
    expect(d.transaction.endorsers.length).toBeGreaterThanOrEqual(3);
    expect(d.orderers).toEqual([expect.objectContaining({ mspId: 'Orderer', name: 'orderer0' })]);
    expect(d.trustedRoots.map((r) => r.mspId).sort()).toEqual(expect.arrayContaining(['Orderer', 'TelcoA']));
    for (const r of d.trustedRoots) expect(roots).toContain(r.fingerprint);
    const r = await verifyProofBundle(serializeProofBundle(bundle(receiptTx)));
    expect(r.statements[0]).toMatchObject({ kind: 'receipt', sender: 'TelcoA', recipient: 'TelcoB' });
    expect(r.statements[0]!.receivedAt! >= r.statements[0]!.deliveredAt).toBe(true);
    expect(r.transaction.creator.mspId).toBe('TelcoB');
    // The three batched deliveries share a block: each proves itself through its inclusion path.
    const batch = batchTxs.map(bundle);
    expect(new Set(batch.map((b) => b.transaction.blockNumber)).size).toBe(1);
    expect(batch.map((b) => b.transaction.txIndex).sort()).toEqual([0, 1, 2]);
    for (const b of batch) {
      expect(b.transaction.inclusionPath.length).toBeGreaterThan(0);
      expect((await verifyProofBundle(b)).statements[0]!.recipient).toBe('TelcoC');
    }
    expect(bundle(deliveryTx).configuration.blockNumber).toBe(0);
    expect(bundle(deliveryTx).exportedFrom).toBe('TelcoC.peer0');
  });

  it('detects a flipped byte in the envelope, the header, a signature or the path, and a wrong validation code', async () => {
    const b = bundle(batchTxs[1]!);
    const a = b.transaction;
    const cases: Array<[string, ProofBundle, string]> = [
      ['envelope', { ...b, transaction: { ...a, envelope: flip(a.envelope) } }, 'PROOF_INCLUSION_FAILED'],
      [
        'header (timestamp)',
        { ...b, transaction: { ...a, blockHeader: flip(a.blockHeader, a.blockHeader.byteLength - 1) } },
        'PROOF_ORDERER_SIGNATURE_INVALID',
      ],
      [
        'orderer signature',
        {
          ...b,
          transaction: {
            ...a,
            blockSignatures: a.blockSignatures.map((s) => ({ ...s, signature: flip(s.signature) })),
          },
        },
        'PROOF_ORDERER_SIGNATURE_INVALID',
      ],
      [
        'path sibling',
        {
          ...b,
          transaction: {
            ...a,
            inclusionPath: a.inclusionPath.map((s, i) => (i === 0 ? { ...s, sibling: flip(s.sibling) } : s)),
          },
        },
        'PROOF_INCLUSION_FAILED',
      ],
      [
        'path side',
        {
          ...b,
          transaction: {
            ...a,
            inclusionPath: a.inclusionPath.map((s, i) => (i === 0 ? { ...s, left: !s.left } : s)),
          },
        },
        'PROOF_INCLUSION_FAILED',
      ],
      ['path dropped', { ...b, transaction: { ...a, inclusionPath: [] } }, 'PROOF_INCLUSION_FAILED'],
      ['validation code', { ...b, transaction: { ...a, validationCode: 5 } }, 'PROOF_TX_NOT_VALID'],
      ['transaction id', { ...b, txId: receiptTx }, 'PROOF_TX_MISMATCH'],
      [
        'block number',
        { ...b, transaction: { ...a, blockNumber: a.blockNumber + 1 } },
        'PROOF_BLOCK_HEADER_INVALID',
      ],
      [
        'config envelope',
        { ...b, configuration: { ...b.configuration, envelope: flip(b.configuration.envelope) } },
        'PROOF_INCLUSION_FAILED',
      ],
      [
        'config after tx',
        { ...b, configuration: { ...b.configuration, blockNumber: a.blockNumber + 5 } },
        'PROOF_BLOCK_HEADER_INVALID',
      ],
    ];
    for (const [what, tampered, code] of cases) {
      expect(await codeOf(verifyProofBundle(tampered)), what).toBe(code);
    }
    // The envelope error names the transaction part; a damaged configuration names its part.
    const e = await verifyProofBundle(cases[9]![1]).catch((x: unknown) => toConsortiaError(x));
    expect((e as Error).message).toMatch(/^configuration: /);
  });

  it('detects signatures forged inside a block re-signed by a compromised orderer', async () => {
    const b = bundle(deliveryTx);
    const tx = parseEnvelope(b.transaction.envelope) as ParsedEndorserTx;
    const endorsements = tx.endorsements.map((e) => ({ endorser: e.endorser, signature: e.signature }));
    const reSigned = (ends: typeof endorsements) => {
      const payload = encodeTransactionPayload(tx.proposal.bytes, tx.responsePayloadBytes, ends);
      return encodeEnvelope(payload, signBytes(creator.privateKey, payload));
    };
    // The harness itself: the same envelope, re-signed, still verifies.
    expect((await verifyProofBundle(forge(b, b.transaction.envelope))).txId).toBe(deliveryTx);
    expect(
      await codeOf(verifyProofBundle(forge(b, encodeEnvelope(tx.payloadBytes, flip(tx.signature))))),
    ).toBe('PROOF_CREATOR_SIGNATURE_INVALID');
    const badEndorsement = endorsements.map((e, i) => (i === 1 ? { ...e, signature: flip(e.signature) } : e));
    expect(await codeOf(verifyProofBundle(forge(b, reSigned(badEndorsement))))).toBe(
      'PROOF_ENDORSEMENT_SIGNATURE_INVALID',
    );
    expect(await codeOf(verifyProofBundle(forge(b, reSigned(endorsements.slice(1)))))).toBe(
      'PROOF_POLICY_NOT_SATISFIED',
    );
    const twice = [endorsements[0]!, endorsements[0]!, endorsements[0]!];
    expect(await codeOf(verifyProofBundle(forge(b, reSigned(twice))))).toBe('PROOF_POLICY_NOT_SATISFIED');
  });

  it('detects a swapped root certificate, and pinned roots name the forgery', async () => {
    const b = bundle(deliveryTx);
    const real = decodeChannelConfig(
      (parseEnvelope(b.configuration.envelope) as { config: { config: Uint8Array } }).config.config,
    );
    const rogue = await CertificateAuthority.create({ mspId: 'TelcoA' });
    const fake = {
      ...real,
      orgs: real.orgs.map((o) => (o.mspId === 'TelcoA' ? { ...o, rootCerts: [rogue.certPem] } : o)),
    };
    const block = parseBlock(genesisBlock(fake, orderer));
    const forged: ProofBundle = {
      ...b,
      configuration: {
        blockNumber: 0,
        txIndex: 0,
        validationCode: 0,
        envelope: block.envelopes[0]!,
        inclusionPath: [],
        blockHeader: block.headerBytes,
        blockSignatures: block.signatures.map((s) => ({ signer: s.signer, signature: s.signature })),
      },
    };
    // The real TelcoA admin does not chain to the swapped root...
    expect(await codeOf(verifyProofBundle(forged))).toBe('PROOF_CREATOR_INVALID');
    // ...and with the consortium's published fingerprints pinned, the swap itself is named.
    const err = await verifyProofBundle(forged, { trustedRoots: roots }).catch((x: unknown) =>
      toConsortiaError(x),
    );
    expect(err).toMatchObject({ code: 'PROOF_UNTRUSTED_ROOT', detail: { mspId: 'TelcoA' } });
    // Pinning also refuses a genuine proof whose roots the verifier was not given.
    expect(await codeOf(verifyProofBundle(b, { trustedRoots: roots.slice(0, 2) }))).toBe(
      'PROOF_UNTRUSTED_ROOT',
    );
  });

  it('refuses malformed bundle files with a code naming the problem', async () => {
    const text = serializeProofBundle(bundle(deliveryTx));
    const json = () => proofBundleToJson(bundle(deliveryTx)) as Record<string, Record<string, unknown>>;
    const without = (part: string, field: string) => {
      const j = json();
      delete j[part]![field];
      return JSON.stringify(j);
    };
    const cases: Array<[string, string, string, string?]> = [
      ['not JSON', text.slice(0, 100), 'BUNDLE_NOT_JSON'],
      ['empty file', '', 'BUNDLE_NOT_JSON'],
      ['a JSON array', '[]', 'BUNDLE_MALFORMED'],
      ['no format', JSON.stringify({ ...json(), format: undefined }), 'BUNDLE_FORMAT_UNSUPPORTED'],
      ['format 2', JSON.stringify({ ...json(), format: 'consortia-proof/2' }), 'BUNDLE_FORMAT_UNSUPPORTED'],
      ['missing envelope', without('transaction', 'envelope'), 'BUNDLE_MALFORMED', 'transaction.envelope'],
      [
        'missing configuration',
        JSON.stringify({ ...json(), configuration: undefined }),
        'BUNDLE_MALFORMED',
        'configuration',
      ],
      ['bad txId', JSON.stringify({ ...json(), txId: 'abc' }), 'BUNDLE_MALFORMED', 'txId'],
      [
        'negative block',
        JSON.stringify({ ...json(), transaction: { ...json().transaction, blockNumber: -1 } }),
        'BUNDLE_MALFORMED',
        'transaction.blockNumber',
      ],
      [
        'bad base64',
        JSON.stringify({ ...json(), transaction: { ...json().transaction, envelope: 'not base64!' } }),
        'BUNDLE_BAD_BASE64',
        'transaction.envelope',
      ],
      [
        'short sibling',
        JSON.stringify({
          ...json(),
          transaction: { ...json().transaction, inclusionPath: [{ left: true, sibling: 'AAAA' }] },
        }),
        'BUNDLE_MALFORMED',
        'transaction.inclusionPath[0].sibling',
      ],
    ];
    for (const [what, input, code, field] of cases) {
      const err = await verifyProofBundle(input).catch((x: unknown) => toConsortiaError(x));
      expect((err as { code?: string }).code, what).toBe(code);
      if (field) expect((err as { detail?: { field?: string } }).detail?.field, what).toBe(field);
    }
  });

  it('exports and verifies with the CLI, offline, and exits non-zero naming a tampering', async () => {
    const dir = tempDir();
    try {
      const file = join(dir, 'receipt.json');
      const exp = await runCli(['proof', 'export', receiptTx, '--data-dir', t.dataDir, '--out', file]);
      expect(exp.stderr).toBe('');
      expect(exp.code).toBe(0);
      expect(exp.stdout).toContain(`receipt of document ${H1}: TelcoA → TelcoB`);
      const text = readFileSync(file, 'utf8');
      expect(JSON.parse(text)).toMatchObject({ format: 'consortia-proof/1', txId: receiptTx, channel: CH });

      writeFileSync(join(dir, 'tampered.json'), flipBundleByte(text, ['transaction', 'envelope']));
      const [ok, bad] = await Promise.all([
        runCli(['proof', 'verify', file, ...roots.flatMap((r) => ['--trust-root', r])]),
        runCli(['proof', 'verify', join(dir, 'tampered.json')]),
      ]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain(`TelcoB acknowledged receipt of document ${H1}`);
      expect(ok.stdout).toContain('all among the 5 fingerprints you trust');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^error PROOF_INCLUSION_FAILED: transaction: /);
    } finally {
      removeDir(dir);
    }
  }, 180_000);
});

describe('demo proof-of-delivery', () => {
  it('passes every step and writes a bundle that verifies on its own', async () => {
    const dir = tempDir();
    try {
      const lines: string[] = [];
      const out = join(dir, 'bundle.json');
      const r = await runProofOfDeliveryDemo({ out: (l) => lines.push(l), bundleOut: out });
      expect(r).toMatchObject({ passed: 7, failed: 0 });
      expect(lines).toContain('demo proof-of-delivery: 7/7 steps passed');
      const v = await verifyProofBundle(readFileSync(out, 'utf8'));
      expect(v.statements[0]).toMatchObject({ kind: 'receipt', sender: 'TelcoA', recipient: 'TelcoB' });
    } finally {
      removeDir(dir);
    }
  }, 240_000);
});
