/**
 * How much of a ledger's block bytes each way of storing them keeps, on real blocks: the block
 * files of one ledger directory (for example a `consortia bench --data-dir` run's
 * `TelcoA/peer0/ledgers/telecom`) are read back and compressed again, block by block, as they are
 * stored (`packBlock`, with a dictionary from an earlier block) and with zlib directly at other
 * levels, without and with a dictionary. Prints the stored share of the block bytes and the time
 * per block.
 *
 * Usage:
 *   node --import tsx bench/block-compression.ts <ledger-dir> [--skip 100] [--lag 100]
 * --skip leaves out the first blocks (config and warm-up); --lag is how many blocks back the
 * dictionary block is.
 */
import zlib from 'node:zlib';
import { dictionaryOf, packBlock } from '../src/ledger/blockCompression.js';
import { readBlockFiles } from '../src/ledger/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const dir = process.argv[2];
if (dir === undefined || dir.startsWith('--')) {
  console.error('usage: bench/block-compression.ts <ledger-dir> [--skip 100] [--lag 100]');
  process.exit(1);
}
const skip = arg('skip', 100);
const lag = arg('lag', 100);

const records = [...readBlockFiles(dir)];
const blocks = records.map((r) => r.bytes);
if (blocks.length <= skip + lag) {
  console.error(`${dir} holds ${blocks.length} blocks; need more than --skip + --lag = ${skip + lag}`);
  process.exit(1);
}

interface Variant {
  readonly name: string;
  readonly size: (block: Uint8Array, dictionary: Uint8Array) => number;
}

const variants: Variant[] = [
  { name: 'as stored in the file', size: () => 0 },
  {
    name: 'packBlock with a dictionary (the store)',
    size: (b, d) => packBlock(b, { offset: 0, dictionary: d }).stored.byteLength,
  },
  { name: 'packBlock self-contained', size: (b) => packBlock(b).stored.byteLength },
  ...[1, 6, 9].flatMap((level): Variant[] => [
    {
      name: `deflate level ${level}`,
      size: (b) => zlib.deflateRawSync(b, { level, memLevel: 9 }).byteLength,
    },
    {
      name: `deflate level ${level} + dictionary`,
      size: (b, d) => zlib.deflateRawSync(b, { level, memLevel: 9, dictionary: d }).byteLength,
    },
  ]),
];

const measured = blocks.slice(skip + lag);
const raw = measured.reduce((n, b) => n + b.byteLength, 0);
const storedInFile = records.slice(skip + lag).reduce((n, r) => n + r.storedLength + 12, 0);
console.log(
  `${dir}: ${measured.length} blocks, ${(raw / measured.length).toFixed(0)} bytes a block on average`,
);
for (const v of variants) {
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  for (let i = skip + lag; i < blocks.length; i++) {
    bytes += v.size(blocks[i]!, dictionaryOf(blocks[i - lag]!));
  }
  const us = Number(process.hrtime.bigint() - t0) / 1000 / measured.length;
  if (v.name === 'as stored in the file') bytes = storedInFile;
  const share = ((100 * bytes) / raw).toFixed(1);
  console.log(
    `  ${v.name.padEnd(42)} ${share.padStart(5)}%${v.name.startsWith('as') ? '  (with record framing)' : `  ${us.toFixed(0)} µs a block`}`,
  );
}
