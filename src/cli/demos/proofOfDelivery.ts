import { randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fromBase64, toBase64, utf8 } from '../../common/index.js';
import { sha256Hex } from '../../crypto/index.js';
import {
  type Contract,
  exportProofBundle,
  type ProofBundle,
  parseProofBundle,
  peerProofSource,
  serializeProofBundle,
  verifyProofBundle,
} from '../../gateway/index.js';
import { layout } from '../../network/index.js';
import { describeVerification } from '../commands/proof.js';
import { check, type DemoContext, type DemoResult, errorCode, runDemo } from './demoRunner.js';

const CHANNEL = 'telecom';
const CONTRACT = 'proof-of-delivery';

/** Options of {@link runProofOfDeliveryDemo}. */
export interface ProofOfDeliveryDemoOptions {
  /** Keep the network here (a new or existing Consortia data dir); default a temp dir, removed at the end. */
  readonly dataDir?: string;
  /** Receives each line of output. */
  readonly out: (line: string) => void;
  /** Also write the exported proof bundle (of the receipt) to this file, to be checked independently. */
  readonly bundleOut?: string;
}

interface Proof {
  documentHash: string;
  sender: string;
  recipient: string;
  reference?: string;
  deliveredAt: string;
  deliveryTxId?: string;
  receivedAt?: string;
  receiptTxId?: string;
}

/** The SHA-256 fingerprints of every org's root CA certificate, as a consortium would publish them. */
function publishedRoots(ctx: DemoContext): Map<string, string> {
  const orgs = [...ctx.network.config.orgs.map((o) => o.name), ctx.network.config.orderer.org];
  return new Map(
    orgs.map((org) => {
      const pem = readFileSync(join(layout.caDir(ctx.network.dataDir, org), 'ca-cert.pem'), 'utf8');
      return [org, sha256Hex(new X509Certificate(pem).raw)];
    }),
  );
}

/** A copy of a bundle's JSON with one byte flipped in the base64 field at `path`. */
export function flipBundleByte(text: string, path: readonly (string | number)[]): string {
  const json = JSON.parse(text) as unknown;
  let holder = json as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) holder = holder[p] as Record<string | number, unknown>;
  const field = path[path.length - 1]!;
  const bytes = fromBase64(holder[field] as string);
  const i = Math.floor(bytes.byteLength / 2);
  bytes[i] = bytes[i]! ^ 0x01;
  holder[field] = toBase64(bytes);
  return JSON.stringify(json);
}

function steps(ctx: DemoContext, opts: Readonly<ProofOfDeliveryDemoOptions>) {
  const contract = (label: string): Contract => ctx.client(label).network(CHANNEL).contract(CONTRACT);
  // The document never leaves the sender and the recipient: only its SHA-256 goes on chain.
  const document = utf8(
    `Registered letter ${randomUUID()}\nFrom: TelcoA, To: TelcoB\nSubject: notice of tariff change\n`,
  );
  const documentHash = sha256Hex(document);
  const tx: { delivery?: string; receipt?: string } = {};
  let bundleText = '';
  let pins: string[] = [];

  return [
    {
      title: 'TelcoA registers the delivery of a document to TelcoB: only its hash goes on chain',
      async run(log: (line: string) => void) {
        const r = await contract('TelcoA.admin').submit<Proof>('registerDelivery', {
          arguments: { documentHash, recipient: 'TelcoB', reference: 'LTR-2025-0001' },
        });
        check(
          r.result.sender === 'TelcoA' && r.result.recipient === 'TelcoB',
          'the proof names the wrong parties',
        );
        tx.delivery = r.transactionId;
        log(`document SHA-256 ${documentHash} (${document.byteLength} bytes stay off chain)`);
        log(`proof of delivery: transaction ${r.transactionId}, block ${r.blockNumber}`);
      },
    },
    {
      title: 'The contract refuses a duplicate, a self-delivery and a receipt by the wrong org',
      async run(log: (line: string) => void) {
        const dup = await errorCode(() =>
          contract('TelcoC.admin').submit('registerDelivery', {
            arguments: { documentHash, recipient: 'TelcoB' },
          }),
        );
        check(dup === 'DELIVERY_EXISTS', `a second delivery should be DELIVERY_EXISTS, not ${dup}`);
        const self = await errorCode(() =>
          contract('TelcoA.admin').submit('registerDelivery', {
            arguments: { documentHash: sha256Hex(utf8(randomUUID())), recipient: 'TelcoA' },
          }),
        );
        check(self === 'SELF_DELIVERY', `a delivery to oneself should be SELF_DELIVERY, not ${self}`);
        const wrong = await errorCode(() =>
          contract('TelcoC.admin').submit('acknowledgeReceipt', { arguments: { documentHash } }),
        );
        check(wrong === 'NOT_RECIPIENT', `TelcoC acknowledging should be NOT_RECIPIENT, not ${wrong}`);
        log(`TelcoC re-registering → ${dup}; TelcoA to itself → ${self}; TelcoC acknowledging → ${wrong}`);
      },
    },
    {
      title: 'TelcoB acknowledges the receipt: the proof of receipt',
      async run(log: (line: string) => void) {
        const pending = await contract('TelcoB.admin').evaluate<{ deliveries: Proof[] }>('listDeliveries', {
          arguments: { as: 'recipient', pendingOnly: true },
        });
        check(
          pending.deliveries.some((d) => d.documentHash === documentHash),
          'TelcoB should see the delivery among those waiting for its acknowledgement',
        );
        const r = await contract('TelcoB.admin').submit<Proof>('acknowledgeReceipt', {
          arguments: { documentHash },
        });
        tx.receipt = r.transactionId;
        const again = await errorCode(() =>
          contract('TelcoB.admin').submit('acknowledgeReceipt', { arguments: { documentHash } }),
        );
        check(
          again === 'ALREADY_ACKNOWLEDGED',
          `a second receipt should be ALREADY_ACKNOWLEDGED, not ${again}`,
        );
        log(
          `proof of receipt: transaction ${r.transactionId}, block ${r.blockNumber}; a second one → ${again}`,
        );
      },
    },
    {
      title: 'The regulator, holding the document, checks who delivered it, to whom and when',
      async run(log: (line: string) => void) {
        const p = await contract('Regulator.admin').evaluate<Proof>('getProof', {
          arguments: { documentHash: sha256Hex(document) },
        });
        check(p.sender === 'TelcoA' && p.recipient === 'TelcoB', 'getProof names the wrong parties');
        check(
          p.deliveryTxId === tx.delivery && p.receiptTxId === tx.receipt,
          'getProof names other transactions',
        );
        check(
          p.receivedAt !== undefined && p.receivedAt >= p.deliveredAt,
          'the receipt time is missing or early',
        );
        log(`delivered by ${p.sender} to ${p.recipient} at ${p.deliveredAt} (${p.reference})`);
        log(`received at ${p.receivedAt}`);
        const unknown = await errorCode(() =>
          contract('Regulator.admin').evaluate('getProof', {
            arguments: { documentHash: sha256Hex(utf8('other')) },
          }),
        );
        check(
          unknown === 'UNKNOWN_DOCUMENT',
          `an unknown document should be UNKNOWN_DOCUMENT, not ${unknown}`,
        );
        log(`a document never delivered → ${unknown}`);
      },
    },
    {
      title: 'Export standalone proof bundles of both transactions',
      async run(log: (line: string) => void) {
        const source = peerProofSource(ctx.gateway.peerFor(CHANNEL, 'TelcoB'), CHANNEL);
        const receipt = exportProofBundle(source, tx.receipt!);
        const delivery = exportProofBundle(source, tx.delivery!);
        bundleText = serializeProofBundle(receipt);
        if (opts.bundleOut !== undefined) {
          writeFileSync(resolve(opts.bundleOut), bundleText);
          log(`receipt bundle written to ${resolve(opts.bundleOut)}`);
        }
        const size = (b: ProofBundle) => Buffer.byteLength(serializeProofBundle(b));
        log(
          `receipt bundle: ${size(receipt)} bytes, block ${receipt.transaction.blockNumber}, from ${receipt.exportedFrom}`,
        );
        log(
          `delivery bundle: ${size(delivery)} bytes; both carry the configuration of block ${receipt.configuration.blockNumber}`,
        );
        const v = await verifyProofBundle(delivery);
        check(
          v.statements.some(
            (s) => s.kind === 'delivery' && s.documentHash === documentHash && s.sender === 'TelcoA',
          ),
          'the delivery bundle does not state the delivery',
        );
      },
    },
    {
      title: 'Verify the receipt bundle offline against the published root fingerprints',
      async run(log: (line: string) => void) {
        const roots = publishedRoots(ctx);
        pins = [...roots.values()];
        // From the file's text alone: no node, no ledger.
        const v = await verifyProofBundle(parseProofBundle(bundleText), { trustedRoots: pins });
        const s = v.statements[0];
        check(
          s?.kind === 'receipt' &&
            s.documentHash === documentHash &&
            s.sender === 'TelcoA' &&
            s.recipient === 'TelcoB',
          'the bundle does not state the receipt of the document',
        );
        check(v.transaction.creator.mspId === 'TelcoB', 'the receipt should be signed by TelcoB');
        for (const line of describeVerification(v, pins.length)) log(line);
      },
    },
    {
      title: 'Tampered copies fail verification, each naming what failed',
      async run(log: (line: string) => void) {
        const cases: Array<[string, string, string]> = [
          [
            'one byte of the transaction changed',
            flipBundleByte(bundleText, ['transaction', 'envelope']),
            'PROOF_INCLUSION_FAILED',
          ],
          [
            'one byte of the block header changed',
            flipBundleByte(bundleText, ['transaction', 'blockHeader']),
            'PROOF_ORDERER_SIGNATURE_INVALID',
          ],
          [
            "one byte of the orderer's signature changed",
            flipBundleByte(bundleText, ['transaction', 'blockSignatures', 0, 'signature']),
            'PROOF_ORDERER_SIGNATURE_INVALID',
          ],
          [
            'one byte of the configuration (root certificates) changed',
            flipBundleByte(bundleText, ['configuration', 'envelope']),
            'PROOF_INCLUSION_FAILED',
          ],
          ['a JSON file that is no proof bundle', '{"hello":"world"}', 'BUNDLE_FORMAT_UNSUPPORTED'],
        ];
        for (const [what, text, expected] of cases) {
          const code = await errorCode(() => verifyProofBundle(text));
          check(code === expected, `${what}: expected ${expected}, got ${code ?? 'success'}`);
          log(`${what} → ${code}`);
        }
        const otherRoot = sha256Hex(utf8('some other consortium'));
        const pinned = await errorCode(() => verifyProofBundle(bundleText, { trustedRoots: [otherRoot] }));
        check(
          pinned === 'PROOF_UNTRUSTED_ROOT',
          `unpinned roots should fail with PROOF_UNTRUSTED_ROOT, not ${pinned}`,
        );
        log(`trusting only another consortium's root → ${pinned}`);
      },
    },
  ];
}

/**
 * `consortia demo proof-of-delivery`: the BeSure story of seed 002 on an embedded network.
 * TelcoA registers the hash of a document it delivered to TelcoB, TelcoB acknowledges it, the
 * regulator checks it; the receipt's proof bundle is exported (to `bundleOut` when given),
 * verified offline against the published root fingerprints, and tampered copies are refused.
 *
 * @example
 * const r = await runProofOfDeliveryDemo({ out: (l) => process.stdout.write(`${l}\n`), bundleOut: 'proof.json' });
 * if (r.failed > 0) process.exitCode = 1;
 */
export function runProofOfDeliveryDemo(opts: Readonly<ProofOfDeliveryDemoOptions>): Promise<DemoResult> {
  return runDemo(
    {
      name: 'proof-of-delivery',
      title: 'Proof of delivery and receipt (seed 002, BeSure)',
      steps: (ctx) => steps(ctx, opts),
    },
    opts.dataDir === undefined ? { out: opts.out } : { out: opts.out, dataDir: opts.dataDir },
  );
}
