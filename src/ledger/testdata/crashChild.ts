/**
 * Child process for the ledger crash test: commits `count` scenario blocks into `dir`. Run with
 * `CONSORTIA_FAULT=crash-after-append:<n>` it is killed (SIGKILL) right after block n is appended.
 *
 * Usage: node --import tsx src/ledger/testdata/crashChild.ts <dir> <count>
 */
import { Ledger } from '../index.js';
import { scenarioBlocks } from '../testBlocks.js';

const [dir, count] = process.argv.slice(2);
if (dir === undefined || count === undefined) throw new Error('usage: crashChild.ts <dir> <count>');
const ledger = await Ledger.open({ dir, channel: 'testchannel' });
for (const block of scenarioBlocks(Number(count))) await ledger.commitBlock(block);
await ledger.close();
process.stdout.write(`committed ${count}\n`);
