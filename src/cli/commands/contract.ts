import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConsortiaError } from '../../common/index.js';
import {
  applyConfigChange,
  approvalStatus,
  type CollectionInput,
  newConfigUpdateFile,
  parseConfigUpdateFile,
} from '../../gateway/index.js';
import { loadWalletIdentity } from '../../network/index.js';
import type { ChannelConfig } from '../../protocol/index.js';
import { callGateway } from '../http.js';
import { action } from '../output.js';

interface Common {
  channel: string;
  url: string;
  dataDir: string;
}

/**
 * The collections of a `--collections` file: a JSON array of collections (or `{ "collections":
 * [...] }`); each needs a name and member orgs, the other settings have defaults. Throws
 * FILE_NOT_FOUND or INVALID_ARGUMENT naming the problem; the settings themselves are checked
 * when the change is applied (INVALID_CONFIG).
 */
function readCollectionsFile(path: string): CollectionInput[] {
  if (!existsSync(path))
    throw new ConsortiaError('FILE_NOT_FOUND', `collections file ${path} does not exist`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConsortiaError(
      'INVALID_ARGUMENT',
      `collections file ${path} is not JSON: ${(err as Error).message}`,
    );
  }
  const list = Array.isArray(json) ? json : (json as { collections?: unknown } | null)?.collections;
  if (!Array.isArray(list) || list.some((c) => c === null || typeof c !== 'object' || Array.isArray(c))) {
    throw new ConsortiaError(
      'INVALID_ARGUMENT',
      `collections file ${path} must hold a JSON array of collections, e.g. [{"name":"telco-ab","memberOrgs":["TelcoA","TelcoB"]}]`,
    );
  }
  return list as CollectionInput[];
}

/**
 * `consortia contract`: the contract lifecycle. Install a package on the peers, propose a
 * definition (name, version, endorsement policy) as an update file, let each org's admin
 * approve it (`consortia config sign`), see who approved, and commit it (`consortia config
 * submit`) once the channel's LifecycleEndorsement policy (default MAJORITY Admins) is met.
 */
export function registerContract(program: Command): void {
  const contract = program
    .command('contract')
    .description('contract lifecycle: install, define, approve, commit, upgrade');
  const common = (c: Command) =>
    c
      .option('--channel <channel>', 'channel', 'telecom')
      .option('--url <url>', 'gateway URL', 'http://127.0.0.1:7070')
      .option('--data-dir <dir>', 'data dir holding the wallet', './data');

  common(contract.command('install <module>'))
    .description('install a contract package (a module that default-exports defineContract) on the peers')
    .requiredOption('--as <identity>', 'an org admin, e.g. TelcoA.admin')
    .action(
      action(async (module: string, o: Common & { as: string }) => {
        const path = resolve(module);
        if (!existsSync(path)) throw new ConsortiaError('FILE_NOT_FOUND', `${path} does not exist`);
        const r = (await callGateway(o.url, '/api/v1/contracts/install', {
          method: 'POST',
          body: { path },
          identity: o.as,
        })) as {
          name: string;
          version: string;
        };
        process.stdout.write(`installed ${r.name} ${r.version}\n`);
      }),
    );

  common(contract.command('define <name>'))
    .description(
      'write an update file defining (or upgrading) a contract on the channel; admins then approve it',
    )
    .requiredOption('--version <version>', 'contract version (as installed)')
    .requiredOption(
      '--policy <policy>',
      "endorsement policy, e.g. \"AND('Regulator.member', OutOf(2, 'TelcoA.member', 'TelcoB.member'))\"",
    )
    .option(
      '--collections <file>',
      'JSON file with the private data collections, e.g. [{"name":"telco-ab","memberOrgs":["TelcoA","TelcoB"],"blockToLive":100}]; left out, an upgrade keeps the current ones',
    )
    .requiredOption('--as <identity>', 'the admin proposing it')
    .requiredOption('--out <file>', 'update file to write')
    .action(
      action(
        async (
          name: string,
          o: Common & { version: string; policy: string; as: string; out: string; collections?: string },
        ) => {
          const collections = o.collections === undefined ? undefined : readCollectionsFile(o.collections);
          const current = (await callGateway(
            o.url,
            `/api/v1/channels/${encodeURIComponent(o.channel)}/config`,
            { identity: o.as },
          )) as ChannelConfig;
          const next = applyConfigChange(current, {
            kind: 'set-contract',
            name,
            version: o.version,
            endorsementPolicy: o.policy,
            ...(collections === undefined ? {} : { collections }),
          });
          const id = loadWalletIdentity(resolve(o.dataDir), o.as);
          const file = newConfigUpdateFile(current, next, {
            mspId: id.mspId,
            certDer: id.certDer,
            signer: id.signer,
          });
          writeFileSync(o.out, `${JSON.stringify(file, null, 2)}\n`);
          process.stdout.write(`wrote ${o.out}: ${file.changes.join('; ')}\n`);
          process.stdout.write(
            `next: each org admin approves with \`consortia config sign ${o.out} --as <Org>.admin\`; check with \`consortia contract approvals ${o.out} --as <Org>.admin\`; commit with \`consortia config submit ${o.out} --as <Org>.admin\`\n`,
          );
        },
      ),
    );

  common(contract.command('approvals <file>'))
    .description('show which orgs approved a contract definition, and whether the lifecycle policy is met')
    .requiredOption('--as <identity>', 'a member reading the channel config, e.g. TelcoA.admin')
    .action(
      action(async (path: string, o: Common & { as: string }) => {
        if (!existsSync(path)) throw new ConsortiaError('FILE_NOT_FOUND', `${path} does not exist`);
        const file = parseConfigUpdateFile(readFileSync(path, 'utf8'));
        const current = (await callGateway(
          o.url,
          `/api/v1/channels/${encodeURIComponent(file.channel)}/config`,
          { identity: o.as },
        )) as ChannelConfig;
        const a = approvalStatus(file, current);
        process.stdout.write(`${file.changes.join('; ')}\n`);
        for (const org of a.orgs)
          process.stdout.write(`  ${org.mspId.padEnd(16)} ${org.approved ? 'approved' : '-'}\n`);
        process.stdout.write(
          `policy ${a.policy}: ${a.satisfied ? 'met — ready to commit' : 'not met yet'}\n`,
        );
      }),
    );
}
