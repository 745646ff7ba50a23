import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConsortiaError } from '../../common/index.js';
import {
  exportProofBundle,
  openDataDirProofSource,
  type ProofBundle,
  type ProofVerification,
  parseProofBundle,
  serializeProofBundle,
  verifyProofBundle,
} from '../../gateway/index.js';
import { callGateway } from '../http.js';
import { action } from '../output.js';

interface ExportOptions {
  channel: string;
  dataDir?: string;
  url?: string;
  as?: string;
  peer?: string;
  out?: string;
}

interface VerifyOptions {
  trustRoot: string[];
  trustRoots?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Fetches or builds the bundle of `txId`, from a running gateway or a stopped data dir. */
async function fetchBundle(txId: string, opts: ExportOptions): Promise<ProofBundle> {
  if (opts.url !== undefined && opts.dataDir !== undefined) {
    throw new ConsortiaError(
      'INVALID_ARGUMENT',
      'give either --url (a running network) or --data-dir (a stopped one), not both',
    );
  }
  if (opts.url !== undefined) {
    if (opts.as === undefined) {
      throw new ConsortiaError(
        'IDENTITY_REQUIRED',
        'with --url, name a member of the channel to read it as: --as TelcoA.admin',
      );
    }
    const json = await callGateway(
      opts.url,
      `/api/v1/channels/${encodeURIComponent(opts.channel)}/transactions/${encodeURIComponent(txId)}/proof`,
      { identity: opts.as },
    );
    return parseProofBundle(json);
  }
  const source = await openDataDirProofSource({
    dataDir: opts.dataDir ?? './data',
    channel: opts.channel,
    ...(opts.peer !== undefined ? { peer: opts.peer } : {}),
  });
  try {
    return exportProofBundle(source, txId);
  } finally {
    await source.close();
  }
}

/** Fingerprints from --trust-root and from a --trust-roots file (any 64-hex word in it). */
function trustedRoots(opts: VerifyOptions): string[] | undefined {
  const pins = opts.trustRoot.map((p) => p.toLowerCase().replace(/:/g, ''));
  if (opts.trustRoots !== undefined) {
    const text = readFileSync(resolve(opts.trustRoots), 'utf8');
    pins.push(
      ...(text
        .toLowerCase()
        .replace(/:/g, '')
        .match(/\b[0-9a-f]{64}\b/g) ?? []),
    );
  }
  for (const p of pins) {
    if (!/^[0-9a-f]{64}$/.test(p)) {
      throw new ConsortiaError(
        'INVALID_ARGUMENT',
        `trusted root ${JSON.stringify(p.slice(0, 80))} is not a SHA-256 fingerprint (64 hex characters)`,
      );
    }
  }
  if (opts.trustRoots !== undefined && pins.length === 0) {
    throw new ConsortiaError('INVALID_ARGUMENT', `${opts.trustRoots} holds no SHA-256 fingerprints`);
  }
  return pins.length > 0 || opts.trustRoots !== undefined ? pins : undefined;
}

/**
 * The human-readable report of a verified proof.
 *
 * @example
 * for (const line of describeVerification(v)) process.stdout.write(`${line}\n`);
 */
export function describeVerification(v: ProofVerification, pinned?: number): string[] {
  const t = v.transaction;
  const who = (s: { mspId: string; name: string }) => `${s.mspId}.${s.name}`;
  const lines = [
    `proof verified: transaction ${v.txId} on channel ${v.channel}`,
    `  block ${v.block.number}, ordered ${v.block.timestamp}, header SHA-256 ${v.block.hash}`,
    `  ordered and signed by ${v.orderers.map(who).join(', ')}`,
    `  ${t.contract} ${t.contractVersion}: ${t.function}, proposed ${t.proposedAt}`,
    `  signed by ${who(t.creator)} (${t.creator.role}), certificate SHA-256 ${t.creator.certFingerprint}`,
    `  endorsed by ${t.endorsers.map(who).join(', ')}: policy ${t.endorsementPolicy} satisfied`,
    `  channel configuration: sequence ${v.configuration.sequence}, from block ${v.configuration.blockNumber} (SHA-256 ${v.configuration.sha256})`,
  ];
  if (v.statements.length > 0) {
    lines.push('What it proves:');
    for (const s of v.statements) {
      lines.push(
        s.kind === 'delivery'
          ? `  ${s.sender} delivered document ${s.documentHash} to ${s.recipient} at ${s.deliveredAt}${s.reference ? ` (reference ${s.reference})` : ''}`
          : `  ${s.recipient} acknowledged receipt of document ${s.documentHash} at ${s.receivedAt ?? '?'} (delivered by ${s.sender} at ${s.deliveredAt})`,
      );
    }
  }
  lines.push(
    pinned === undefined
      ? "Roots this proof relies on (compare with the consortium's published SHA-256 fingerprints):"
      : `Roots this proof relies on (all among the ${pinned} fingerprints you trust):`,
  );
  for (const r of v.trustedRoots) lines.push(`  ${r.mspId.padEnd(12)} ${r.fingerprint}  ${r.subject}`);
  for (const w of v.warnings) lines.push(`warning: ${w}`);
  return lines;
}

/**
 * `consortia proof export <txId>` and `consortia proof verify <file>`: standalone proof bundles
 * of ledger transactions, exported from a network and verified offline with no node.
 */
export function registerProof(program: Command): void {
  const proof = program
    .command('proof')
    .description('standalone proofs of transactions: export a bundle, verify it offline');

  proof
    .command('export')
    .description(
      'write the proof bundle of a committed transaction: envelope with endorsements, block header, orderer signatures, inclusion path, configuration and certificates',
    )
    .argument('<txId>', 'transaction id (64 hex characters)')
    .option('--channel <channel>', 'channel', 'telecom')
    .option('--data-dir <dir>', 'data dir of a stopped network (default ./data)')
    .option('--url <url>', 'gateway URL of a running network, e.g. http://127.0.0.1:7070')
    .option('--as <identity>', 'with --url: a member of the channel to read it as, e.g. TelcoB.admin')
    .option('--peer <peer>', 'with --data-dir: the peer whose ledger to read, e.g. TelcoB.peer0')
    .option('--out <file>', 'where to write the bundle (default proof-<txId>.json)')
    .action(
      action(async (txId: string, opts: ExportOptions) => {
        const bundle = await fetchBundle(txId, opts);
        const out = resolve(opts.out ?? `proof-${bundle.txId.slice(0, 16)}.json`);
        const text = serializeProofBundle(bundle);
        // Check what was written before telling the user it is a proof.
        const v = await verifyProofBundle(bundle);
        writeFileSync(out, text);
        process.stdout.write(
          `wrote ${out} (${Buffer.byteLength(text)} bytes): transaction ${bundle.txId}, block ${bundle.transaction.blockNumber} of ${bundle.channel}, from ${bundle.exportedFrom}\n`,
        );
        for (const s of v.statements) {
          process.stdout.write(
            `  ${s.kind} of document ${s.documentHash}: ${s.sender} → ${s.recipient}${s.receivedAt ? `, received ${s.receivedAt}` : ''}\n`,
          );
        }
        process.stdout.write(`check it anywhere, with no node: consortia proof verify ${out}\n`);
      }),
    );

  proof
    .command('verify')
    .description('verify a proof bundle offline: signatures, certificates, inclusion, endorsement policy')
    .argument('<file>', 'a bundle written by `consortia proof export`')
    .option(
      '--trust-root <sha256>',
      'SHA-256 fingerprint of a root CA certificate you trust (repeat for each); every root the proof relies on must be one',
      collect,
      [],
    )
    .option('--trust-roots <file>', 'a file listing trusted root fingerprints (any 64-hex words in it)')
    .option('--json', 'print the verification result as JSON')
    .action(
      action(async (file: string, opts: VerifyOptions) => {
        let text: string;
        try {
          text = readFileSync(resolve(file), 'utf8');
        } catch (err) {
          throw new ConsortiaError('FILE_NOT_FOUND', `cannot read ${file}: ${(err as Error).message}`);
        }
        const pins = trustedRoots(opts);
        const v = await verifyProofBundle(text, pins === undefined ? {} : { trustedRoots: pins });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
          return;
        }
        for (const line of describeVerification(v, pins?.length)) process.stdout.write(`${line}\n`);
      }),
    );
}
