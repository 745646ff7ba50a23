/** Upper bound on the work of one exact search; beyond it the policy counts as not satisfied. */
export const MAX_POLICY_SEARCH_STEPS = 200_000;

/** Steps the backtracking search may take before the minimal-demand search takes over. */
export const WITNESS_SEARCH_STEPS = 20_000;

/** Search budgets; tests lower them to exercise each stage. */
export interface SearchLimits {
  readonly witnessSteps: number;
  readonly searchSteps: number;
}

/**
 * A compiled node. Leaves have `n === -1`; `slot` is -1 for a leaf whose org no other leaf names,
 * and for the leaf of a meta condition, which uses no signer.
 */
export interface CNode {
  readonly n: number;
  readonly kids: readonly CNode[];
  readonly org: number;
  readonly mask: number;
  readonly slot: number;
}

/** Result of an exact search: satisfied, not satisfied, or gave up after too many steps. */
export type SearchResult = 'satisfied' | 'unsatisfied' | 'tooComplex';

type Vec = Int32Array;
const NO_VECS: readonly Vec[] = [];

class SearchExhausted extends Error {}

function leq(a: Vec, b: Vec): boolean {
  for (let i = 0; i < a.length; i++) if ((a[i] as number) > (b[i] as number)) return false;
  return true;
}

/** What an `ExactSearch` works on; `masks` and `counts` are refilled by the caller per evaluation. */
export interface ExactSearchOptions {
  readonly root: CNode;
  /**
   * Role bits present per org (all orgs the policy names), then one entry per meta condition of
   * the policy (bit 1 when it holds), which its leaves read like an org nobody else names.
   */
  readonly masks: Uint8Array;
  /** [admin, peer, client, orderer, total] signer counts per shared org. */
  readonly counts: Int32Array;
  /** Number of shared orgs (orgs named by more than one principal). */
  readonly shared: number;
  readonly limits: SearchLimits;
}

/**
 * The exact search, used when some org is named by more than one principal. It runs in two
 * stages: a bounded backtracking search for a witness assignment (quick when the policy is met),
 * then, if that runs out of steps, a search over minimal demands, which also proves failure
 * efficiently for realistic policies. Both are exact; only the step budgets can end them early.
 *
 * For shared orgs a demand vector counts, per org, how many signers of each role
 * ([admin, peer, client, orderer, member]) a choice of satisfied principals uses; `counts` holds
 * what the signers offer ([admin, peer, client, orderer, total] per shared org). `X.member` may
 * take a signer of any role, so a demand is feasible exactly when each role demand fits its count
 * and the sum fits the total (Hall's condition for this bipartite matching). Each node yields its
 * minimal feasible demand vectors; `OutOf` combines its children as a 0/1 knapsack over how many
 * children are satisfied, so every child, and every signer, is used at most once. At the root,
 * principal children are not enumerated: the most of them that fit in what is left is computed
 * directly, which keeps wide flat policies such as `OutOf(20, <40 principals>)` cheap.
 */
export class ExactSearch {
  readonly #masks: Uint8Array;
  readonly #counts: Int32Array;
  readonly #zero: Vec;
  readonly #shared: number;
  readonly #root: CNode;
  readonly #rootComplex: readonly CNode[];
  readonly #rootUniqueLeaves: readonly CNode[];
  readonly #rootSharedLeaves: number;
  /** Per shared org: how many root principal children ask for [admin, peer, client, orderer, member]. */
  readonly #rootMult: Int32Array;
  readonly #limits: SearchLimits;
  #steps = 0;

  constructor(options: Readonly<ExactSearchOptions>) {
    const { root, shared } = options;
    this.#limits = options.limits;
    this.#root = root;
    this.#masks = options.masks;
    this.#counts = options.counts;
    this.#shared = shared;
    this.#zero = new Int32Array(shared * 5);
    this.#rootMult = new Int32Array(shared * 5);
    const complex: CNode[] = [];
    const uniqueLeaves: CNode[] = [];
    let sharedLeaves = 0;
    for (const kid of root.n < 0 ? [] : root.kids) {
      if (kid.n >= 0) complex.push(kid);
      else if (kid.slot < 0) uniqueLeaves.push(kid);
      else {
        sharedLeaves++;
        this.#rootMult[kid.slot] = (this.#rootMult[kid.slot] as number) + 1;
      }
    }
    this.#rootComplex = complex;
    this.#rootUniqueLeaves = uniqueLeaves;
    this.#rootSharedLeaves = sharedLeaves;
  }

  /**
   * Searches with the current `masks` and `counts`: first a bounded backtracking search for a
   * witness (fast when the policy is met), then, if that ran out of steps, the minimal-demand
   * search, which also proves failure efficiently.
   */
  run(): SearchResult {
    this.#steps = 0;
    // A flat root is answered directly by counting, without any search.
    if (this.#root.n >= 0 && this.#rootComplex.length === 0)
      return this.#satisfiable() ? 'satisfied' : 'unsatisfied';
    try {
      return this.#witness(this.#root, new Int32Array(this.#zero.length), () => true)
        ? 'satisfied'
        : 'unsatisfied';
    } catch (err) {
      if (!(err instanceof SearchExhausted)) throw err;
    }
    this.#steps = 0;
    try {
      return this.#satisfiable() ? 'satisfied' : 'unsatisfied';
    } catch (err) {
      if (err instanceof SearchExhausted) return 'tooComplex';
      throw err;
    }
  }

  /**
   * Backtracking: satisfies `node` on top of demand `v` (changed in place and restored), then asks
   * the continuation `next` to satisfy the rest.
   */
  #witness(node: CNode, v: Vec, next: () => boolean): boolean {
    if (++this.#steps > this.#limits.witnessSteps) throw new SearchExhausted();
    if (node.n < 0) {
      if (node.slot < 0) return ((this.#masks[node.org] as number) & node.mask) !== 0 && next();
      v[node.slot] = (v[node.slot] as number) + 1;
      const ok = this.#feasible(v) && next();
      v[node.slot] = (v[node.slot] as number) - 1;
      return ok;
    }
    const kids = node.kids;
    const pick = (i: number, need: number): boolean => {
      if (need === 0) return next();
      if (kids.length - i < need) return false;
      return this.#witness(kids[i] as CNode, v, () => pick(i + 1, need - 1)) || pick(i + 1, need);
    };
    return pick(0, node.n);
  }

  #satisfiable(): boolean {
    const root = this.#root;
    if (root.n < 0) return this.#minimal(root).length > 0;
    let have = 0;
    for (const leaf of this.#rootUniqueLeaves) {
      if (((this.#masks[leaf.org] as number) & leaf.mask) !== 0) have++;
    }
    const levels = this.#levels(this.#rootComplex, root.n, have + this.#rootSharedLeaves);
    if (levels === undefined) return false;
    for (let j = 0; j < levels.length; j++) {
      for (const v of levels[j] ?? NO_VECS) if (j + have + this.#mostRootLeaves(v) >= root.n) return true;
    }
    return false;
  }

  /** The most shared-org principal children of the root that fit beside demand `v`. */
  #mostRootLeaves(v: Vec): number {
    const c = this.#counts;
    const m = this.#rootMult;
    let total = 0;
    for (let s = 0, b = 0; s < this.#shared; s++, b += 5) {
      let used = 0;
      let fits = m[b + 4] as number;
      for (let r = 0; r < 4; r++) {
        const d = v[b + r] as number;
        used += d;
        fits += Math.min(m[b + r] as number, (c[b + r] as number) - d);
      }
      used += v[b + 4] as number;
      total += Math.min((c[b + 4] as number) - used, fits);
    }
    return total;
  }

  #feasible(v: Vec): boolean {
    const c = this.#counts;
    for (let s = 0, b = 0; s < this.#shared; s++, b += 5) {
      const a = v[b] as number;
      const p = v[b + 1] as number;
      const cl = v[b + 2] as number;
      const o = v[b + 3] as number;
      if (a > (c[b] as number) || p > (c[b + 1] as number) || cl > (c[b + 2] as number)) return false;
      if (o > (c[b + 3] as number) || a + p + cl + o + (v[b + 4] as number) > (c[b + 4] as number))
        return false;
    }
    return true;
  }

  /** Adds `v` to an antichain of minimal vectors, unless a smaller one is already there. */
  #insertMinimal(list: Vec[], v: Vec): void {
    this.#steps += 1 + list.length;
    if (this.#steps > this.#limits.searchSteps) throw new SearchExhausted();
    for (const w of list) if (leq(w, v)) return;
    let k = 0;
    for (const w of list) if (!leq(v, w)) list[k++] = w;
    list.length = k;
    list.push(v);
  }

  #minimal(node: CNode): readonly Vec[] {
    if (node.n < 0) {
      if (node.slot < 0)
        return ((this.#masks[node.org] as number) & node.mask) !== 0 ? [this.#zero] : NO_VECS;
      const v = new Int32Array(this.#zero.length);
      v[node.slot] = 1;
      return this.#feasible(v) ? [v] : NO_VECS;
    }
    return this.#levels(node.kids, node.n, 0)?.[node.n] ?? NO_VECS;
  }

  /**
   * `levels[j]`: minimal demands that satisfy exactly j of `kids`, for j up to `n`; undefined
   * when even with `extra` more satisfied children n cannot be reached.
   */
  #levels(kids: readonly CNode[], n: number, extra: number): Vec[][] | undefined {
    const levels: Vec[][] = [[this.#zero]];
    let reached = 0;
    for (let k = 0; k < kids.length; k++) {
      if (reached + (kids.length - k) + extra < n) return undefined;
      const options = this.#minimal(kids[k] as CNode);
      if (options.length === 0) continue;
      for (let j = Math.min(reached, n - 1); j >= 0; j--) {
        const from = levels[j] as Vec[];
        let into = levels[j + 1];
        for (const a of from) {
          for (const b of options) {
            let sum = a;
            if (b !== this.#zero) {
              sum = new Int32Array(a.length);
              for (let i = 0; i < a.length; i++) sum[i] = (a[i] as number) + (b[i] as number);
              if (!this.#feasible(sum)) continue;
            }
            if (into === undefined) {
              into = [];
              levels[j + 1] = into;
            }
            this.#insertMinimal(into, sum);
          }
        }
        if (j + 1 > reached && into !== undefined && into.length > 0) reached = j + 1;
      }
    }
    return reached + extra >= n ? levels : undefined;
  }
}
