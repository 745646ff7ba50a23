/**
 * Roaming fee arithmetic and net settlement: pure integer functions, shared by the contract and
 * its tests. Amounts are euro cents, volumes seconds, messages and bytes; never floats.
 *
 * Rounding rule: each service of a batch is charged once, on the batch's total volume, and rounded
 * half up to a whole cent:
 *   voiceCents = ⌊(voiceSeconds × voiceCentsPerMinute + 30) / 60⌋
 *   smsCents   = smsCount × smsCentsPerMessage (exact)
 *   dataCents  = ⌊(dataBytes × dataCentsPerMB + 500 000) / 1 000 000⌋   (1 MB = 1 000 000 bytes)
 * A disputed record is charged by the same rule on its own volume; the disputed amount of an
 * invoice is the sum over its disputed records, capped at the invoice total.
 */

/** Per-service rates of a tariff agreement, in euro cents. */
export interface Rates {
  readonly voiceCentsPerMinute: number;
  readonly smsCentsPerMessage: number;
  readonly dataCentsPerMB: number;
}

/** Volumes of a batch (or of one record). */
export interface Totals {
  readonly voiceSeconds: number;
  readonly smsCount: number;
  readonly dataBytes: number;
}

/** The charge of a batch per service, and in all. */
export interface Charges {
  readonly voiceCents: number;
  readonly smsCents: number;
  readonly dataCents: number;
  readonly totalCents: number;
}

/** Bytes in one MB, as tariffs count it. */
export const BYTES_PER_MB = 1_000_000;

/** ⌊(a × b + d/2) / d⌋ in exact integer arithmetic: a × b / d rounded half up (a, b ≥ 0, d > 0). */
export function mulDivRoundHalfUp(a: number, b: number, d: number): bigint {
  const D = BigInt(d);
  return (BigInt(a) * BigInt(b) + D / 2n) / D;
}

/** A bigint amount as a number; undefined when it is not a safe integer. */
function safe(n: bigint): number | undefined {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : undefined;
}

/**
 * The charges of `totals` at `rates`, by the rounding rule above; undefined when an amount would
 * exceed Number.MAX_SAFE_INTEGER cents.
 *
 * @example
 * computeCharges({ voiceSeconds: 90, smsCount: 3, dataBytes: 1_500_000 }, { voiceCentsPerMinute: 5, smsCentsPerMessage: 2, dataCentsPerMB: 3 });
 * // { voiceCents: 8, smsCents: 6, dataCents: 5, totalCents: 19 } (7.5 → 8, 4.5 → 5)
 */
export function computeCharges(totals: Totals, rates: Rates): Charges | undefined {
  const voice = mulDivRoundHalfUp(totals.voiceSeconds, rates.voiceCentsPerMinute, 60);
  const sms = BigInt(totals.smsCount) * BigInt(rates.smsCentsPerMessage);
  const data = mulDivRoundHalfUp(totals.dataBytes, rates.dataCentsPerMB, BYTES_PER_MB);
  const [voiceCents, smsCents, dataCents, totalCents] = [voice, sms, data, voice + sms + data].map(safe);
  if (
    voiceCents === undefined ||
    smsCents === undefined ||
    dataCents === undefined ||
    totalCents === undefined
  ) {
    return undefined;
  }
  return { voiceCents, smsCents, dataCents, totalCents };
}

/** One invoice as settlement sees it: who owes whom, what is payable now, what is carried. */
export interface SettlementInput {
  readonly batchId: string;
  /** The home carrier, who pays. */
  readonly debtor: string;
  /** The visited carrier, who is paid. */
  readonly creditor: string;
  /** Invoice total minus the disputed amount. */
  readonly payableCents: number;
  /** The disputed amount, carried forward to be resolved. */
  readonly carriedCents: number;
}

/** The balance of payments of one pair of carriers (a < b by name). */
export interface PairBalance {
  readonly a: string;
  readonly b: string;
  /** What a owes b, gross. */
  readonly aOwesBCents: number;
  /** What b owes a, gross. */
  readonly bOwesACents: number;
  /** The net transfer: `from` pays `to` `amountCents` (from = to = '' when it nets to 0). */
  readonly from: string;
  readonly to: string;
  readonly amountCents: number;
}

/** One carrier's position in a period. */
export interface CarrierPosition {
  readonly carrier: string;
  readonly receivableCents: number;
  readonly payableCents: number;
  /** receivable − payable: positive means the carrier is paid. */
  readonly netCents: number;
  /** Disputed amounts it claims from others, carried forward. */
  readonly carriedInCents: number;
  /** Disputed amounts others claim from it, carried forward. */
  readonly carriedOutCents: number;
}

/** A period's net settlement. */
export interface NetSettlement {
  readonly pairs: readonly PairBalance[];
  readonly positions: readonly CarrierPosition[];
  readonly carriedForward: readonly SettlementInput[];
  readonly totalPayableCents: number;
  readonly totalCarriedCents: number;
  /** Σ netCents over carriers: always 0. */
  readonly sumOfNetsCents: number;
}

/**
 * Nets a period's invoices: gross balances per pair of carriers, the net transfer per pair, and
 * each carrier's net position (Σ nets = 0 exactly). Disputed amounts are carried forward, not paid.
 *
 * @example
 * netSettlement([{ batchId: 'b1', debtor: 'TelcoB', creditor: 'TelcoA', payableCents: 100, carriedCents: 5 }]);
 * // positions: TelcoA +100, TelcoB −100; carriedForward: [b1 5]
 */
export function netSettlement(invoices: readonly SettlementInput[]): NetSettlement {
  const gross = new Map<string, bigint>();
  const carriers = new Set<string>();
  const pairKeys = new Set<string>();
  const receivable = new Map<string, bigint>();
  const payable = new Map<string, bigint>();
  const carriedIn = new Map<string, bigint>();
  const carriedOut = new Map<string, bigint>();
  const add = (m: Map<string, bigint>, k: string, v: number) => m.set(k, (m.get(k) ?? 0n) + BigInt(v));
  let totalPayable = 0n;
  let totalCarried = 0n;
  for (const inv of invoices) {
    carriers.add(inv.debtor).add(inv.creditor);
    const [a, b] = inv.debtor < inv.creditor ? [inv.debtor, inv.creditor] : [inv.creditor, inv.debtor];
    pairKeys.add(`${a}\u0000${b}`);
    add(gross, `${inv.debtor}\u0000${inv.creditor}`, inv.payableCents);
    add(receivable, inv.creditor, inv.payableCents);
    add(payable, inv.debtor, inv.payableCents);
    add(carriedIn, inv.creditor, inv.carriedCents);
    add(carriedOut, inv.debtor, inv.carriedCents);
    totalPayable += BigInt(inv.payableCents);
    totalCarried += BigInt(inv.carriedCents);
  }
  const pairs = [...pairKeys].sort().map((k): PairBalance => {
    const [a, b] = k.split('\u0000') as [string, string];
    const ab = gross.get(`${a}\u0000${b}`) ?? 0n;
    const ba = gross.get(`${b}\u0000${a}`) ?? 0n;
    const net = ab - ba;
    const [from, to] = net > 0n ? [a, b] : net < 0n ? [b, a] : ['', ''];
    return {
      a,
      b,
      aOwesBCents: Number(ab),
      bOwesACents: Number(ba),
      from,
      to,
      amountCents: Number(net < 0n ? -net : net),
    };
  });
  let sum = 0n;
  const positions = [...carriers].sort().map((carrier): CarrierPosition => {
    const r = receivable.get(carrier) ?? 0n;
    const p = payable.get(carrier) ?? 0n;
    sum += r - p;
    return {
      carrier,
      receivableCents: Number(r),
      payableCents: Number(p),
      netCents: Number(r - p),
      carriedInCents: Number(carriedIn.get(carrier) ?? 0n),
      carriedOutCents: Number(carriedOut.get(carrier) ?? 0n),
    };
  });
  return {
    pairs,
    positions,
    carriedForward: invoices.filter((i) => i.carriedCents > 0),
    totalPayableCents: Number(totalPayable),
    totalCarriedCents: Number(totalCarried),
    sumOfNetsCents: Number(sum),
  };
}
