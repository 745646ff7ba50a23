import { isConsortiaError } from '../../common/index.js';
import { connect, type Gateway, type GatewayService } from '../../gateway/index.js';
import type { EmbeddedNetwork } from '../../network/index.js';
import type { BenchOp } from './workloads.js';

/** How one operation went, with its phase times (ms). */
export interface OpResult {
  /** 'VALID', a validation code name, or the error code of a failed step. */
  readonly code: string;
  readonly result?: unknown;
  readonly endorseMs?: number;
  readonly orderMs?: number;
}

/**
 * SDK connections of the benchmark's clients, one per wallet identity, all in this process.
 * Each operation uses the offline-signing flow (newProposal → endorse → submit → status) so
 * that the endorsement and ordering steps can be timed.
 *
 * @example
 * const clients = new ClientPool({ network, gateway, channel: 'telecom' });
 * const { code, endorseMs } = await clients.run(op);
 */
export class ClientPool {
  readonly #network: EmbeddedNetwork;
  readonly #gateway: GatewayService;
  readonly #channel: string;
  readonly #clients = new Map<string, { gw: Gateway; sign: (b: Uint8Array) => Promise<Uint8Array> }>();

  constructor(opts: Readonly<{ network: EmbeddedNetwork; gateway: GatewayService; channel: string }>) {
    this.#network = opts.network;
    this.#gateway = opts.gateway;
    this.#channel = opts.channel;
  }

  #client(label: string) {
    let c = this.#clients.get(label);
    if (!c) {
      const id = this.#network.identity(label);
      const gw = connect({
        identity: { mspId: id.mspId, credentials: id.certDer },
        signer: id.signer,
        gateway: this.#gateway,
      });
      c = { gw, sign: async (b) => id.signer(b) };
      this.#clients.set(label, c);
    }
    return c;
  }

  /** Runs one operation to its end; never throws (failures come back as codes). */
  async run(op: BenchOp): Promise<OpResult> {
    const { gw, sign } = this.#client(op.identity);
    const contract = gw.network(this.#channel).contract(op.contract);
    try {
      if (op.kind === 'evaluate') {
        const result = await contract.evaluate(op.fn, { arguments: op.args });
        return { code: 'VALID', result };
      }
      const t0 = performance.now();
      const proposal = contract.newProposal(op.fn, { arguments: op.args });
      const tx = await proposal.endorse(await sign(proposal.bytes));
      const t1 = performance.now();
      const commit = await tx.submit(await sign(tx.bytes));
      const t2 = performance.now();
      const status = await commit.status();
      const phases = { endorseMs: t1 - t0, orderMs: t2 - t1 };
      if (status.validationCodeName !== 'VALID') return { code: status.validationCodeName, ...phases };
      return { code: 'VALID', result: tx.result, ...phases };
    } catch (err) {
      return { code: isConsortiaError(err) ? err.code : 'CLIENT_ERROR' };
    }
  }
}
