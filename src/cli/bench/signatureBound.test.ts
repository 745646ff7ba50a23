import { describe, expect, it } from 'vitest';
import { calibrateCrypto, signatureBound, signatureCost } from './signatureBound.js';

describe('signatureCost', () => {
  it('counts 20 verifications and 5 signatures for 4 peers, 3 endorsers and a solo orderer', () => {
    // endorsers check the proposal (3), the orderer the envelope (1), each of 4 peers the
    // envelope and 3 endorsements (16); the client signs twice and each endorser once.
    expect(signatureCost({ endorsers: 3, peers: 4, orderers: 1 })).toEqual({
      verifiesPerTx: 20,
      signsPerTx: 5,
    });
  });

  it('grows with the endorsers each peer must check', () => {
    expect(signatureCost({ endorsers: 1, peers: 2, orderers: 1 }).verifiesPerTx).toBe(1 + 1 + 2 * 2);
    expect(signatureCost({ endorsers: 4, peers: 4, orderers: 3 }).verifiesPerTx).toBe(4 + 3 + 4 * 5);
  });
});

describe('signatureBound', () => {
  it('divides the verification capacity of all cores by the verifications per transaction', () => {
    const b = signatureBound(
      { verifiesPerSecondPerCore: 10_000, signsPerSecondPerCore: 25_000, cores: 2 },
      { verifiesPerTx: 20, signsPerTx: 5 },
    );
    expect(b.signatureBoundTps).toBe(1000);
    // 2 / (20/10000 + 5/25000) = 909.09…
    expect(b.withSigningTps).toBe(909.1);
  });
});

describe('calibrateCrypto', () => {
  it('measures positive P-256 rates and reports the cores given', () => {
    const speed = calibrateCrypto(20, 3);
    expect(speed.cores).toBe(3);
    expect(speed.verifiesPerSecondPerCore).toBeGreaterThan(0);
    expect(speed.signsPerSecondPerCore).toBeGreaterThan(0);
  });
});
