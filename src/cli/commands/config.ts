import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConsortiaError, toBase64 } from '../../common/index.js';
import {
  applyConfigChange,
  type ConfigChange,
  checkConfigUpdateSignatures,
  type GovernanceModel,
  newConfigUpdateFile,
  parseConfigUpdateFile,
  signConfigUpdateFile,
} from '../../gateway/index.js';
import { layout, loadWalletIdentity } from '../../network/index.js';
import type { ChannelConfig } from '../../protocol/index.js';
import { callGateway } from '../http.js';
import { action } from '../output.js';
import { keepOtherCrls } from './ca.js';

interface Common {
  channel: string;
  url: string;
  dataDir: string;
  as?: string;
}

const POLICY_NAMES = ['Readers', 'Writers', 'Admins', 'Endorsement', 'LifecycleEndorsement'] as const;

function readText(path: string, what: string): string {
  if (!existsSync(path)) throw new ConsortiaError('FILE_NOT_FOUND', `${what} ${path} does not exist`);
  return readFileSync(path, 'utf8');
}

function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new ConsortiaError('INVALID_ARGUMENT', `${name} must be a whole number, got ${value}`);
  return Number(value);
}

/** Turns `consortia config propose <change> <args…>` into a ConfigChange. */
function parseChange(
  words: string[],
  opts: { rootCert?: string; crl?: string; maxCount?: string; maxBytes?: string; timeoutMs?: string },
  dataDir: string,
): ConfigChange {
  const [kind, a, b] = words;
  switch (kind) {
    case 'add-org': {
      if (!a) throw new ConsortiaError('INVALID_ARGUMENT', 'add-org needs an org name');
      const certPath = opts.rootCert ?? join(layout.caDir(dataDir, a), 'ca-cert.pem');
      return { kind, org: { mspId: a, rootCerts: [readText(certPath, 'root certificate')] } };
    }
    case 'remove-org':
      if (!a) throw new ConsortiaError('INVALID_ARGUMENT', 'remove-org needs an org name');
      return { kind, mspId: a };
    case 'set-policy':
      if (!a || !b || !(POLICY_NAMES as readonly string[]).includes(a)) {
        throw new ConsortiaError(
          'INVALID_ARGUMENT',
          `set-policy needs a name (${POLICY_NAMES.join(', ')}) and a policy`,
        );
      }
      return { kind, name: a as (typeof POLICY_NAMES)[number], policy: b };
    case 'set-batch': {
      const batch = {
        ...(opts.maxCount ? { maxMessageCount: intOption(opts.maxCount, '--max-count')! } : {}),
        ...(opts.maxBytes ? { maxBytes: intOption(opts.maxBytes, '--max-bytes')! } : {}),
        ...(opts.timeoutMs ? { timeoutMs: intOption(opts.timeoutMs, '--timeout-ms')! } : {}),
      };
      if (Object.keys(batch).length === 0)
        throw new ConsortiaError(
          'INVALID_ARGUMENT',
          'set-batch needs --max-count, --max-bytes or --timeout-ms',
        );
      return { kind, batch };
    }
    case 'set-governance': {
      const [model, org] = (a ?? '').split(':');
      if (model !== 'decentralised' && model !== 'centralised' && model !== 'hybrid') {
        throw new ConsortiaError(
          'INVALID_ARGUMENT',
          'set-governance takes decentralised, centralised:<Org> or hybrid:<Org>',
        );
      }
      return org ? { kind, model: model as GovernanceModel, org } : { kind, model: model as GovernanceModel };
    }
    case 'set-crl': {
      if (!a || !opts.crl)
        throw new ConsortiaError('INVALID_ARGUMENT', 'set-crl needs an org and --crl <file> (DER or PEM)');
      const raw = readFileSync(resolve(opts.crl));
      const text = raw.toString('latin1');
      const der = text.includes('-----BEGIN')
        ? Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
        : raw;
      return { kind, mspId: a, crls: [toBase64(der)] };
    }
    default:
      throw new ConsortiaError(
        'INVALID_ARGUMENT',
        `unknown change "${kind ?? ''}"; use add-org, remove-org, set-policy, set-batch, set-governance or set-crl`,
      );
  }
}

function signerOf(dataDir: string, label: string) {
  const id = loadWalletIdentity(dataDir, label);
  return { mspId: id.mspId, certDer: id.certDer, signer: id.signer };
}

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('channel configuration: show it, and change it with admin signatures');
  const common = (c: Command) =>
    c
      .option('--channel <channel>', 'channel', 'telecom')
      .option('--url <url>', 'gateway URL', 'http://127.0.0.1:7070')
      .option('--data-dir <dir>', 'data dir holding the wallet', './data');

  common(config.command('show'))
    .description('print the channel configuration in force')
    .requiredOption('--as <identity>', 'a member of the channel reading it, e.g. TelcoA.admin')
    .action(
      action(async (o: Common) => {
        const cfg = await callGateway(o.url, `/api/v1/channels/${encodeURIComponent(o.channel)}/config`, {
          identity: o.as,
        });
        process.stdout.write(`${JSON.stringify(cfg, null, 2)}\n`);
      }),
    );

  common(config.command('propose <change...>'))
    .description(
      'write an update file for one change: add-org <Org> | remove-org <Org> | set-policy <Name> <policy> | set-batch | set-governance <decentralised|centralised:Org|hybrid:Org> | set-crl <Org> --crl <file>',
    )
    .requiredOption('--as <identity>', 'the admin proposing it, e.g. TelcoA.admin')
    .requiredOption('--out <file>', 'update file to write')
    .option('--root-cert <file>', 'add-org: the new org root CA certificate (default: from the data dir)')
    .option(
      '--crl <file>',
      "set-crl: the CRL file; it replaces the CRL of the same CA, the org's other CAs keep theirs",
    )
    .option('--max-count <n>', 'set-batch: max transactions per block')
    .option('--max-bytes <n>', 'set-batch: max block bytes')
    .option('--timeout-ms <n>', 'set-batch: batch timeout')
    .action(
      action(
        async (
          words: string[],
          o: Common & {
            as: string;
            out: string;
            rootCert?: string;
            crl?: string;
            maxCount?: string;
            maxBytes?: string;
            timeoutMs?: string;
          },
        ) => {
          const dataDir = resolve(o.dataDir);
          const current = (await callGateway(
            o.url,
            `/api/v1/channels/${encodeURIComponent(o.channel)}/config`,
            { identity: o.as },
          )) as ChannelConfig;
          const next = applyConfigChange(
            current,
            await keepOtherCrls(current, parseChange(words, o, dataDir)),
          );
          const file = newConfigUpdateFile(current, next, signerOf(dataDir, o.as));
          writeFileSync(o.out, `${JSON.stringify(file, null, 2)}\n`);
          process.stdout.write(`wrote ${o.out}: ${file.changes.join('; ')} (sequence ${file.sequence})\n`);
          process.stdout.write(
            `next: each admin runs \`consortia config sign ${o.out} --as <Org>.admin\`, then one runs \`consortia config submit ${o.out} --as <Org>.admin\`\n`,
          );
        },
      ),
    );

  common(config.command('sign <file>'))
    .description('add your admin signature to an update file')
    .requiredOption('--as <identity>', 'the signing admin, e.g. TelcoB.admin')
    .action(
      action(async (path: string, o: Common & { as: string }) => {
        const file = parseConfigUpdateFile(readText(path, 'update file'));
        const signed = await signConfigUpdateFile(file, signerOf(resolve(o.dataDir), o.as));
        writeFileSync(path, `${JSON.stringify(signed, null, 2)}\n`);
        process.stdout.write(
          `signed ${path} as ${o.as}; signatures: ${checkConfigUpdateSignatures(signed).join(', ')}\n`,
        );
      }),
    );

  common(config.command('submit <file>'))
    .description('submit a signed update file; peers apply it if the signatures satisfy the policy')
    .requiredOption('--as <identity>', 'the admin submitting it')
    .action(
      action(async (path: string, o: Common & { as: string }) => {
        const file = parseConfigUpdateFile(readText(path, 'update file'));
        checkConfigUpdateSignatures(file);
        const r = (await callGateway(
          o.url,
          `/api/v1/channels/${encodeURIComponent(file.channel)}/config/updates`,
          {
            method: 'POST',
            body: file,
            identity: o.as,
          },
        )) as { blockNumber: number };
        process.stdout.write(
          `config update committed in block ${r.blockNumber}: ${file.changes.join('; ')}\n`,
        );
      }),
    );
}
