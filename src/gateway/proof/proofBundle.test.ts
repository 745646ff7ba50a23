import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConsortiaError } from '../../common/index.js';
import {
  type AnchoredTransaction,
  PROOF_BUNDLE_FORMAT,
  type ProofBundle,
  parseProofBundle,
  proofBundleToJson,
  serializeProofBundle,
} from './proofBundle.js';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

function anchor(seed: number): AnchoredTransaction {
  return {
    blockNumber: seed,
    txIndex: 1,
    validationCode: 0,
    envelope: bytes(50, seed),
    inclusionPath: [
      { left: true, sibling: bytes(32, 1) },
      { left: false, sibling: bytes(32, 2) },
    ],
    blockHeader: bytes(80, 3),
    blockSignatures: [{ signer: bytes(300, 4), signature: bytes(64, 5) }],
  };
}

const sample: ProofBundle = {
  format: PROOF_BUNDLE_FORMAT,
  channel: 'telecom',
  txId: 'ab'.repeat(32),
  exportedAt: '2025-01-01T00:00:00.000Z',
  exportedFrom: 'TelcoA.peer0',
  transaction: anchor(9),
  configuration: anchor(0),
};

describe('proof bundle files', () => {
  it('round-trips through the file text, byte for byte, and says where the format is specified', () => {
    const text = serializeProofBundle(sample);
    expect(parseProofBundle(text)).toEqual(sample);
    expect(JSON.parse(text)).toMatchObject({
      format: 'consortia-proof/1',
      about: expect.stringContaining('docs/use-cases/proof-of-delivery.md'),
    });
    expect(parseProofBundle(proofBundleToJson(sample))).toEqual(sample);
  });

  it('ignores informative fields it does not know (a reader of format 1 stays a reader)', () => {
    const j = { ...proofBundleToJson(sample), note: 'archived 2031 by the court registry' };
    expect(parseProofBundle(JSON.stringify(j))).toEqual(sample);
  });

  it('refuses anything else with a BUNDLE_* code, never another error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        try {
          parseProofBundle(text);
          return false;
        } catch (err) {
          return isConsortiaError(err) && err.code.startsWith('BUNDLE_');
        }
      }),
    );
    // Also when a valid bundle has one field replaced by an arbitrary JSON value.
    const fields = ['channel', 'txId', 'transaction', 'configuration'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.jsonValue(), (field, value) => {
        const j = { ...proofBundleToJson(sample), [field]: value };
        try {
          parseProofBundle(JSON.stringify(j));
          return (
            JSON.stringify(value) === JSON.stringify(proofBundleToJson(sample)[field]) || field === 'channel'
          );
        } catch (err) {
          return isConsortiaError(err) && err.code.startsWith('BUNDLE_');
        }
      }),
    );
  });
});
