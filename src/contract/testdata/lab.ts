import { z } from 'zod';
import { fromUtf8, utf8 } from '../../common/index.js';
import type { NsRwSet } from '../../protocol/index.js';
import { defineContract } from '../defineContract.js';
import { MemoryState } from '../memoryState.js';
import { simulate } from '../simulator.js';
import type { Context, FunctionKind, SimulationInfo, StateReader } from '../types.js';

/** Shared fixtures of the simulator tests: a contract whose functions run a given body. */
export const NS = 'lab';

export const info: SimulationInfo = {
  txId: 'tx-42',
  channel: 'telecom',
  timestamp: Date.UTC(2025, 5, 1, 12, 0, 0),
  caller: {
    mspId: 'TelcoA',
    role: 'client',
    id: 'TelcoA::ann::0a',
    name: 'ann',
    attributes: { department: 'billing' },
  },
  transient: new Map([['secret', utf8('s3cr3t')]]),
};

export type Body = (ctx: Context, a: Record<string, unknown>) => unknown;

/** A contract whose one transaction and one query run the given bodies. */
export function lab(tx: Body, query: Body = tx) {
  return defineContract({
    name: NS,
    version: '2.0',
    transactions: { tx: { args: z.object({}).passthrough(), run: (ctx, a) => tx(ctx, a) } },
    queries: { q: { args: z.object({}).passthrough(), run: (ctx, a) => query(ctx, a) } },
  });
}

export function seeded(): MemoryState {
  const state = new MemoryState();
  state.set(NS, 'a', utf8('"A"'), { block: 1, tx: 0 });
  state.set(NS, 'b', utf8('"B"'), { block: 2, tx: 3 });
  state.set(NS, 'c', utf8('"C"'), { block: 3, tx: 1 });
  state.set(NS, 'raw', new Uint8Array([0xff, 0x00]), { block: 3, tx: 2 });
  state.set('other', 'a', utf8('"other"'), { block: 1, tx: 1 });
  return state;
}

export async function run(
  body: Body,
  opts: { kind?: FunctionKind; state?: StateReader; args?: Record<string, unknown> } = {},
) {
  const kind = opts.kind ?? 'transaction';
  const state = opts.state ?? seeded();
  return simulate({
    definition: lab(body),
    fn: kind === 'query' ? 'q' : 'tx',
    argsJson: opts.args ?? {},
    kind,
    info,
    state,
    history: state instanceof MemoryState ? state.history : undefined,
  });
}

export function ns(sim: { rwset: { ns: NsRwSet[] } }): NsRwSet {
  const [only, ...rest] = sim.rwset.ns;
  if (only === undefined || rest.length > 0)
    throw new Error(`expected one namespace, got ${sim.rwset.ns.length}`);
  return only;
}

export const reads = (n: NsRwSet) =>
  n.reads.map((r) => (r.version ? `${r.key}@${r.version.block}:${r.version.tx}` : `${r.key}@-`));
export const writes = (n: NsRwSet) =>
  n.writes.map((w) => (w.isDelete ? `${w.key}=DEL` : `${w.key}=${fromUtf8(w.value)}`));
