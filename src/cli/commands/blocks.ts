import type { Command } from 'commander';
import { callGateway } from '../http.js';
import { action } from '../output.js';

interface BlockJson {
  number: number;
  hash: string;
  timestamp: string;
  transactions: {
    txId: string | null;
    validationCode: string;
    type: string;
    contract?: string;
    function?: string;
  }[];
}

interface BlocksOptions {
  channel: string;
  from?: string;
  limit: string;
  json?: boolean;
  url: string;
  as: string;
}

export function registerBlocks(program: Command): void {
  program
    .command('blocks')
    .description('list blocks with their transaction ids and validation codes (from the running gateway)')
    .option('--channel <channel>', 'channel', 'telecom')
    .option('--from <n>', 'first block number (default: the last --limit blocks)')
    .option('--limit <n>', 'how many blocks', '20')
    .option('--json', 'print JSON')
    .option('--url <url>', 'gateway URL', 'http://127.0.0.1:7070')
    .requiredOption('--as <identity>', 'a member of the channel reading it, e.g. TelcoA.admin')
    .action(
      action(async (opts: BlocksOptions) => {
        const q = new URLSearchParams({ limit: opts.limit, ...(opts.from ? { from: opts.from } : {}) });
        const out = (await callGateway(
          opts.url,
          `/api/v1/channels/${encodeURIComponent(opts.channel)}/blocks?${q}`,
          { identity: opts.as },
        )) as {
          height: number;
          blocks: BlockJson[];
        };
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
          return;
        }
        process.stdout.write(`channel ${opts.channel}, height ${out.height}\n`);
        for (const b of out.blocks) {
          process.stdout.write(
            `block ${b.number}  ${b.hash.slice(0, 16)}  ${b.timestamp}  ${b.transactions.length} tx\n`,
          );
          for (const t of b.transactions) {
            const what = t.type === 'endorser' ? `${t.contract}.${t.function}` : t.type;
            process.stdout.write(`  ${t.txId ?? '(malformed)'}  ${t.validationCode.padEnd(26)} ${what}\n`);
          }
        }
      }),
    );
}
