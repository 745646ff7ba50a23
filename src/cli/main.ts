import { Command } from 'commander';
import { registerBench } from './commands/bench.js';
import { registerBlocks } from './commands/blocks.js';
import { registerCa } from './commands/ca.js';
import { registerConfig } from './commands/config.js';
import { registerContract } from './commands/contract.js';
import { registerCrypto } from './commands/crypto.js';
import { registerDemo } from './commands/demo.js';
import { registerInvoke } from './commands/invoke.js';
import { registerNetwork } from './commands/network.js';
import { registerNode } from './commands/node.js';
import { registerProof } from './commands/proof.js';
import { registerUp } from './commands/up.js';
import { registerVerify } from './commands/verify.js';
import { fail } from './output.js';

const program = new Command();
program
  .name('consortia')
  .description('Consortia: a permissioned ledger for consortia of organisations')
  .version('0.1.0')
  // Root options only before the command: `contract define --version 1.1` is the contract's version.
  .enablePositionalOptions()
  .showHelpAfterError('(run consortia --help for usage)')
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

registerUp(program);
registerInvoke(program);
registerBlocks(program);
registerVerify(program);
registerBench(program);
registerDemo(program);
registerConfig(program);
registerCa(program);
registerContract(program);
registerCrypto(program);
registerProof(program);
registerNode(program);
registerNetwork(program);

program.parseAsync(process.argv).catch(fail);
