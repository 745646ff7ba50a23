import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The files `verifyProofBundle` is made of: it must run with no node, ledger or network. */
const VERIFIER = [
  'verifyProofBundle.ts',
  'proofChecks.ts',
  'proofTrust.ts',
  'proofBundle.ts',
  'blockHeader.ts',
  'deliveryStatements.ts',
  'errors.ts',
];

const ALLOWED = new Set([
  '../../common/index.js',
  '../../crypto/index.js',
  '../../identity/index.js',
  '../../policy/index.js',
  '../../protocol/index.js',
  'zod',
  '@bufbuild/protobuf/wire',
  'node:crypto',
  ...VERIFIER.map((f) => `./${f.replace(/\.ts$/, '.js')}`),
]);

describe('the offline verifier', () => {
  it('imports only the crypto, identity, policy and protocol layers (and common), never a node', () => {
    for (const file of VERIFIER) {
      const source = readFileSync(join(import.meta.dirname, file), 'utf8');
      const imports = [...source.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map((m) => m[1]!);
      for (const spec of imports) expect(ALLOWED.has(spec), `${file} imports ${spec}`).toBe(true);
    }
  });
});
