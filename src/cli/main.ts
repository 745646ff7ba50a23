import { Command } from 'commander';
import { registerBlocks } from './commands/blocks.js';
import { registerInvoke } from './commands/invoke.js';
import { registerUp } from './commands/up.js';
import { registerVerify } from './commands/verify.js';
import { fail } from './output.js';

const program = new Command();
program
  .name('consortia')
  .description('Consortia: a permissioned ledger for consortia of organisations')
  .version('0.1.0')
  .showHelpAfterError('(run consortia --help for usage)')
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

registerUp(program);
registerInvoke(program);
registerBlocks(program);
registerVerify(program);

program.parseAsync(process.argv).catch(fail);
