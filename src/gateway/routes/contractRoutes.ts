import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ConsortiaError } from '../../common/index.js';
import type { Contract, Gateway } from '../client.js';
import type { GatewayService } from '../gatewayService.js';
import { argsOf, IDENTITY_HEADER, identityLabel, requireChannel } from '../restInput.js';

export interface ContractRoutesOptions {
  readonly gateway: GatewayService;
  /** An SDK connection as the identity the header names (undefined when it is absent). */
  readonly connectAs: (label: string | undefined) => Gateway;
}

type FnRequest = FastifyRequest<{ Params: { channel: string; contract: string; fn: string } }>;

/**
 * Registers `POST /api/v1/channels/:channel/contracts/:contract/submit/:fn` (endorse, order,
 * wait for the commit) and `.../evaluate/:fn` (run on one peer, order nothing). The body is one
 * JSON object of named arguments; unknown contracts and functions are reported by the endorsers.
 *
 * @example
 * registerContractRoutes(app, { gateway, connectAs: (label) => connect({ ... }) });
 */
export function registerContractRoutes(app: FastifyInstance, opts: Readonly<ContractRoutesOptions>): void {
  const prepare = (req: FnRequest): { contract: Contract; args: Record<string, unknown> } => {
    const channel = requireChannel(opts.gateway, req.params.channel);
    if (req.params.contract === '') {
      throw new ConsortiaError('UNKNOWN_CONTRACT', 'the URL names no contract: .../contracts/{contract}/...');
    }
    if (req.params.fn === '') {
      throw new ConsortiaError('UNKNOWN_FUNCTION', 'the URL names no function: .../submit/{function}');
    }
    const args = argsOf(req.body);
    const gw = opts.connectAs(identityLabel(req.headers[IDENTITY_HEADER]));
    return { contract: gw.network(channel).contract(req.params.contract), args };
  };

  app.post('/api/v1/channels/:channel/contracts/:contract/submit/:fn', async (req: FnRequest) => {
    const { contract, args } = prepare(req);
    const r = await contract.submit(req.params.fn, { arguments: args });
    return {
      txId: r.transactionId,
      blockNumber: r.blockNumber,
      validationCode: r.validationCode,
      result: r.result,
    };
  });

  app.post('/api/v1/channels/:channel/contracts/:contract/evaluate/:fn', async (req: FnRequest) => {
    const { contract, args } = prepare(req);
    return { result: await contract.evaluate(req.params.fn, { arguments: args }) };
  });
}
