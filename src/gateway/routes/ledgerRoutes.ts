import type { FastifyInstance } from 'fastify';
import { ConsortiaError } from '../../common/index.js';
import { validationCodeName } from '../../protocol/index.js';
import { blockView } from '../blockView.js';
import type { GatewayService } from '../gatewayService.js';
import { type ChannelReadAccess, requestIdentity } from '../readAccess.js';
import { parseNonNegativeInt, quote } from '../restInput.js';

/** Most blocks one `GET .../blocks` returns. */
const MAX_BLOCKS_PER_PAGE = 500;

/**
 * Registers the read-only ledger routes of a channel: `height`, `blocks` (a page),
 * `blocks/:n` and `transactions/:txId`, all answered by one peer of the channel. Each needs an
 * identity that may read the channel (`canRead`).
 *
 * @example
 * registerLedgerRoutes(app, gateway, channelReadAccess({ gateway, identities }));
 */
export function registerLedgerRoutes(
  app: FastifyInstance,
  gateway: GatewayService,
  canRead: ChannelReadAccess,
): void {
  const readable = (
    req: { headers: Record<string, string | string[] | undefined>; query: unknown },
    raw: string,
  ) => canRead(raw, requestIdentity(req.headers, (req.query ?? {}) as Record<string, unknown>));

  app.get<{ Params: { channel: string } }>('/api/v1/channels/:channel/height', async (req) => {
    const channel = await readable(req, req.params.channel);
    return { channel, height: gateway.peerFor(channel).height(channel) };
  });

  app.get<{ Params: { channel: string }; Querystring: { from?: unknown; limit?: unknown } }>(
    '/api/v1/channels/:channel/blocks',
    async (req) => {
      const channel = await readable(req, req.params.channel);
      const peer = gateway.peerFor(channel);
      const height = peer.height(channel);
      const { from: fromParam, limit: limitParam } = req.query;
      const limit = Math.min(
        limitParam === undefined ? 20 : parseNonNegativeInt(limitParam, 'limit'),
        MAX_BLOCKS_PER_PAGE,
      );
      const from =
        fromParam === undefined ? Math.max(0, height - limit) : parseNonNegativeInt(fromParam, 'from');
      const blocks = [];
      for (let n = from; n < Math.min(height, from + limit); n++) {
        const bytes = peer.getBlock(channel, n);
        if (bytes) blocks.push(blockView(bytes));
      }
      return { channel, height, blocks };
    },
  );

  app.get<{ Params: { channel: string; n: string } }>('/api/v1/channels/:channel/blocks/:n', async (req) => {
    const channel = await readable(req, req.params.channel);
    const n = parseNonNegativeInt(req.params.n, 'block number');
    const bytes = gateway.peerFor(channel).getBlock(channel, n);
    if (!bytes) {
      throw new ConsortiaError('UNKNOWN_BLOCK', `channel ${channel} has no block ${n} yet`, {
        channel,
        block: n,
      });
    }
    return blockView(bytes);
  });

  app.get<{ Params: { channel: string; txId: string } }>(
    '/api/v1/channels/:channel/transactions/:txId',
    async (req) => {
      const channel = await readable(req, req.params.channel);
      const txId = req.params.txId.toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(txId)) {
        throw new ConsortiaError(
          'INVALID_ARGUMENT',
          `transaction id ${quote(req.params.txId)} is not 64 hex characters`,
        );
      }
      const peer = gateway.peerFor(channel);
      const status = peer.txStatus(channel, txId);
      const bytes = status && peer.getBlock(channel, status.blockNumber);
      if (!status || !bytes) {
        throw new ConsortiaError('UNKNOWN_TRANSACTION', `channel ${channel} has no transaction ${txId}`, {
          channel,
          txId,
        });
      }
      return {
        blockNumber: status.blockNumber,
        validationCode: validationCodeName(status.validationCode),
        transaction: blockView(bytes).transactions[status.txIndex],
      };
    },
  );
}
