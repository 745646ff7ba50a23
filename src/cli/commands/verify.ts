import { resolve } from 'node:path';
import type { Command } from 'commander';
import { verifyDataDir } from '../../network/index.js';
import { action } from '../output.js';
import { Progress } from '../progress.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      "audit a stopped network's (or node's) data offline: hash chain, signatures, policies, state replay",
    )
    .option('--data-dir <dir>', 'network data dir or one node dir', './data')
    .action(
      action(async (opts: { dataDir: string }) => {
        const progress = new Progress('verify');
        const r = await verifyDataDir(resolve(opts.dataDir), (node, block) =>
          progress.update(`${node} block ${block}`),
        );
        progress.done();
        for (const n of r.nodes) {
          process.stdout.write(
            `ok ${n.node} (${n.mode}): ${n.blocks} blocks, head ${n.lastHash.slice(0, 16)}\n`,
          );
        }
        const t = r.channels.reduce(
          (a, c) => ({
            blocks: a.blocks + c.blocks,
            valid: a.valid + c.valid,
            invalid: a.invalid + c.invalid,
          }),
          {
            blocks: 0,
            valid: 0,
            invalid: 0,
          },
        );
        process.stdout.write(
          `verified ${t.blocks} blocks, ${t.valid} valid transactions, ${t.invalid} invalid\n`,
        );
      }),
    );
}
