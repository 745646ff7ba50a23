import type { FastifyInstance } from 'fastify';
import type { GatewayService } from '../gatewayService.js';
import { type ChannelReadAccess, requestIdentity } from '../readAccess.js';
import { exportProofBundle } from './exportProofBundle.js';
import { proofBundleToJson } from './proofBundle.js';
import { peerProofSource } from './proofSources.js';

/** The path of the proof export route. */
export const PROOF_ROUTE = '/api/v1/channels/:channel/transactions/:txId/proof';

/**
 * Registers `GET /api/v1/channels/{channel}/transactions/{txId}/proof`: the standalone proof
 * bundle (format consortia-proof/1, JSON) of a committed valid contract transaction, exported
 * from one peer of the channel, preferring the one of the org named by `?org=`. 404
 * UNKNOWN_TRANSACTION when the channel has no such transaction, 400 PROOF_NOT_EXPORTABLE when it
 * is invalid or a configuration. The bundle is verified offline (`consortia proof verify`), so
 * this route need not be trusted. The request's identity must be allowed to read the channel.
 *
 * @example
 * registerProofRoute(app, gateway, channelReadAccess({ gateway, identities }));
 * // curl http://127.0.0.1:7070/api/v1/channels/telecom/transactions/<txId>/proof > proof.json
 */
export function registerProofRoute(
  app: FastifyInstance,
  gateway: GatewayService,
  canRead: ChannelReadAccess,
): void {
  app.get<{ Params: { channel: string; txId: string }; Querystring: { org?: string } }>(
    PROOF_ROUTE,
    async (req) => {
      const channel = await canRead(req.params.channel, requestIdentity(req.headers, req.query));
      const org = typeof req.query.org === 'string' ? req.query.org : undefined;
      const peer = gateway.peerFor(channel, org);
      return proofBundleToJson(exportProofBundle(peerProofSource(peer, channel), req.params.txId));
    },
  );
}
