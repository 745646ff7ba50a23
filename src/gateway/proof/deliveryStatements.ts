import { fromUtf8 } from '../../common/index.js';
import type { NsRwSet } from '../../protocol/index.js';

/** The contract whose writes `deliveryStatements` reads. */
export const PROOF_OF_DELIVERY_CONTRACT = 'proof-of-delivery';

/** What one proof-of-delivery write says, in words a reader of the proof understands. */
export interface DeliveryStatement {
  /** `delivery`: the sender registered it; `receipt`: the recipient acknowledged it. */
  readonly kind: 'delivery' | 'receipt';
  readonly documentHash: string;
  readonly sender: string;
  readonly recipient: string;
  readonly reference?: string;
  readonly deliveredAt: string;
  readonly receivedAt?: string;
}

const KINDS: Readonly<Record<string, DeliveryStatement['kind']>> = {
  registerDelivery: 'delivery',
  registerDeliveries: 'delivery',
  acknowledgeReceipt: 'receipt',
  acknowledgeReceipts: 'receipt',
};

const KEY = /^d:([0-9a-f]{64})$/;

function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Reads the statements of a proof-of-delivery transaction from its endorsed write set: for each
 * written key `d:<documentHash>` the stored record `{ s, r, d, f?, a? }` (sender, recipient,
 * delivered at, reference, acknowledged at; times in ms since the epoch). Other contracts and
 * functions give no statements; records that do not have that shape are skipped.
 *
 * @example
 * deliveryStatements('proof-of-delivery', 'acknowledgeReceipt', rwset.ns);
 */
export function deliveryStatements(
  contract: string,
  fn: string,
  rwset: readonly NsRwSet[],
): DeliveryStatement[] {
  const kind = KINDS[fn];
  if (contract !== PROOF_OF_DELIVERY_CONTRACT || kind === undefined) return [];
  const out: DeliveryStatement[] = [];
  for (const ns of rwset) {
    if (ns.namespace !== PROOF_OF_DELIVERY_CONTRACT) continue;
    for (const w of ns.writes) {
      const m = KEY.exec(w.key);
      if (!m || w.isDelete) continue;
      let v: Record<string, unknown>;
      try {
        v = JSON.parse(fromUtf8(w.value)) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (v === null || typeof v !== 'object' || typeof v.s !== 'string' || typeof v.r !== 'string') continue;
      if (!isTime(v.d) || (v.a !== undefined && !isTime(v.a))) continue;
      out.push({
        kind,
        documentHash: m[1]!,
        sender: v.s,
        recipient: v.r,
        ...(typeof v.f === 'string' ? { reference: v.f } : {}),
        deliveredAt: new Date(v.d).toISOString(),
        ...(isTime(v.a) ? { receivedAt: new Date(v.a).toISOString() } : {}),
      });
    }
  }
  return out;
}
