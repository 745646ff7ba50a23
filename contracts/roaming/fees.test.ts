import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeCharges, mulDivRoundHalfUp, netSettlement, type SettlementInput } from './fees.js';
import { expectedPathSides } from './schemas.js';

fc.configureGlobal({ seed: 0x7a11 });

const rates = { voiceCentsPerMinute: 5, smsCentsPerMessage: 2, dataCentsPerMB: 3 };

describe('computeCharges', () => {
  it('charges per service on totals, rounding half up to a whole cent', () => {
    // 90 s × 5 / 60 = 7.5 → 8; 3 × 2 = 6; 1.5 MB × 3 = 4.5 → 5
    expect(computeCharges({ voiceSeconds: 90, smsCount: 3, dataBytes: 1_500_000 }, rates)).toEqual({
      voiceCents: 8,
      smsCents: 6,
      dataCents: 5,
      totalCents: 19,
    });
    // just below half rounds down: 89 s × 5 / 60 = 7.416… → 7; 1 499 999 B × 3 / 1e6 = 4.499997 → 4
    expect(computeCharges({ voiceSeconds: 89, smsCount: 0, dataBytes: 1_499_999 }, rates)).toEqual({
      voiceCents: 7,
      smsCents: 0,
      dataCents: 4,
      totalCents: 11,
    });
  });

  it('is exact for volumes far beyond float precision, and refuses amounts above the safe range', () => {
    const big = Number.MAX_SAFE_INTEGER; // bytes
    const c = computeCharges(
      { voiceSeconds: 0, smsCount: 0, dataBytes: big },
      { ...rates, dataCentsPerMB: 7 },
    );
    expect(BigInt(c!.dataCents)).toBe((BigInt(big) * 7n + 500_000n) / 1_000_000n);
    expect(
      computeCharges(
        { voiceSeconds: big, smsCount: 0, dataBytes: 0 },
        { ...rates, voiceCentsPerMinute: 120 },
      ),
    ).toBe(undefined);
  });

  it('equals round-half-up of the exact rational (property)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000_000 }),
        fc.nat({ max: 100_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (a, b, d) => {
          const q = mulDivRoundHalfUp(a, b, d);
          const twice = 2n * BigInt(a) * BigInt(b);
          // q − ½ ≤ a·b/d < q + ½
          expect(twice >= (2n * q - 1n) * BigInt(d)).toBe(true);
          expect(twice < (2n * q + 1n) * BigInt(d)).toBe(true);
        },
      ),
    );
  });
});

const carrier = fc.constantFrom('TelcoA', 'TelcoB', 'TelcoC', 'TelcoD');
const invoice = fc
  .record({
    debtor: carrier,
    creditor: carrier,
    payableCents: fc.nat({ max: 1e12 }),
    carriedCents: fc.nat({ max: 1e9 }),
  })
  .filter((i) => i.debtor !== i.creditor);

describe('netSettlement', () => {
  it('nets a three-carrier example', () => {
    const s = netSettlement([
      { batchId: 'b1', debtor: 'TelcoB', creditor: 'TelcoA', payableCents: 1000, carriedCents: 50 },
      { batchId: 'b2', debtor: 'TelcoA', creditor: 'TelcoB', payableCents: 300, carriedCents: 0 },
      { batchId: 'b3', debtor: 'TelcoA', creditor: 'TelcoC', payableCents: 200, carriedCents: 0 },
    ]);
    expect(s.pairs).toEqual([
      {
        a: 'TelcoA',
        b: 'TelcoB',
        aOwesBCents: 300,
        bOwesACents: 1000,
        from: 'TelcoB',
        to: 'TelcoA',
        amountCents: 700,
      },
      {
        a: 'TelcoA',
        b: 'TelcoC',
        aOwesBCents: 200,
        bOwesACents: 0,
        from: 'TelcoA',
        to: 'TelcoC',
        amountCents: 200,
      },
    ]);
    expect(s.positions.map((p) => [p.carrier, p.netCents])).toEqual([
      ['TelcoA', 500],
      ['TelcoB', -700],
      ['TelcoC', 200],
    ]);
    expect(s.carriedForward.map((c) => c.batchId)).toEqual(['b1']);
    expect(s.totalCarriedCents).toBe(50);
    expect(s.sumOfNetsCents).toBe(0);
  });

  it('always sums to zero, and pair transfers reproduce every net position (property)', () => {
    fc.assert(
      fc.property(fc.array(invoice, { maxLength: 30 }), (raw) => {
        const invoices: SettlementInput[] = raw.map((r, i) => ({ ...r, batchId: `b${i}` }));
        const s = netSettlement(invoices);
        expect(s.sumOfNetsCents).toBe(0);
        expect(s.positions.reduce((t, p) => t + BigInt(p.netCents), 0n)).toBe(0n);
        const fromPairs = new Map<string, bigint>();
        for (const p of s.pairs) {
          if (p.amountCents === 0) continue;
          fromPairs.set(p.to, (fromPairs.get(p.to) ?? 0n) + BigInt(p.amountCents));
          fromPairs.set(p.from, (fromPairs.get(p.from) ?? 0n) - BigInt(p.amountCents));
        }
        for (const p of s.positions) expect(fromPairs.get(p.carrier) ?? 0n).toBe(BigInt(p.netCents));
        const payable = invoices.reduce((t, i) => t + i.payableCents, 0);
        expect(s.totalPayableCents).toBe(payable);
        expect(s.positions.reduce((t, p) => t + p.receivableCents, 0)).toBe(payable);
        expect(s.totalCarriedCents).toBe(invoices.reduce((t, i) => t + i.carriedCents, 0));
      }),
    );
  });
});

describe('expectedPathSides', () => {
  it('gives the shape of merklePath for odd and even trees', () => {
    expect(expectedPathSides(0, 1)).toEqual([]);
    expect(expectedPathSides(0, 2)).toEqual([false]);
    expect(expectedPathSides(1, 2)).toEqual([true]);
    expect(expectedPathSides(2, 3)).toEqual([true]);
    expect(expectedPathSides(4, 5)).toEqual([true]);
    expect(expectedPathSides(3, 5)).toEqual([true, true, false]);
  });
});
