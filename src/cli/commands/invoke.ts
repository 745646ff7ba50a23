import type { Command } from 'commander';
import { callGateway, parseJsonArgs } from '../http.js';
import { action } from '../output.js';

interface CallOpts {
  as: string;
  url: string;
  channel: string;
}

function register(program: Command, name: 'invoke' | 'query'): void {
  program
    .command(`${name} <contract> <function> [args]`)
    .description(
      name === 'invoke'
        ? 'submit a transaction through the running gateway and wait for its commit'
        : 'evaluate a query through the running gateway (nothing is ordered)',
    )
    .requiredOption('--as <identity>', 'who signs, for example TelcoA.admin')
    .option('--channel <channel>', 'channel', 'telecom')
    .option('--url <url>', 'gateway URL', 'http://127.0.0.1:7070')
    .action(
      action(async (contract: string, fn: string, args: string | undefined, opts: CallOpts) => {
        const path = `/api/v1/channels/${encodeURIComponent(opts.channel)}/contracts/${encodeURIComponent(contract)}/${name === 'invoke' ? 'submit' : 'evaluate'}/${encodeURIComponent(fn)}`;
        const out = await callGateway(opts.url, path, {
          method: 'POST',
          body: parseJsonArgs(args),
          identity: opts.as,
        });
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      }),
    );
}

export function registerInvoke(program: Command): void {
  register(program, 'invoke');
  register(program, 'query');
}
