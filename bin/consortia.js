#!/usr/bin/env node
// Entry point of the `consortia` command: runs the compiled CLI (npm install builds it).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('consortia: the CLI is not built yet; run `npm install` (or `npm run build`) first\n');
  process.exit(1);
}
await import(main);
