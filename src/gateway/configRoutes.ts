import type { FastifyInstance } from 'fastify';
import { ConsortiaError } from '../common/index.js';
import { parseIdentityCert } from '../identity/index.js';
import { submitConfigUpdateFile } from './configUpdate.js';
import { parseConfigUpdateFile } from './configUpdateFile.js';
import type { GatewayService } from './gatewayService.js';
import { channelReadAccess, requestIdentity } from './readAccess.js';
import { IDENTITY_HEADER_NAME } from './restInput.js';
import type { IdentityResolver } from './restServer.js';

/**
 * Channel configuration routes: read the configuration in force (as an identity that may read
 * the channel), and submit a config update file that the org admins have signed (see
 * `consortia config`). The caller named by `X-Consortia-Identity` must be an admin; it signs the
 * envelope.
 */
export function registerConfigRoutes(
  app: FastifyInstance,
  deps: {
    gateway: GatewayService;
    identities: IdentityResolver;
    /** Installs a contract package on the peers (embedded network); absent where nodes install their own. */
    install?: (modulePath: string) => { name: string; version: string };
  },
): void {
  const channelOf = (channel: string) => {
    if (!deps.gateway.channels().includes(channel))
      throw new ConsortiaError('UNKNOWN_CHANNEL', `unknown channel ${channel.slice(0, 80)}`);
    return channel;
  };

  const canRead = channelReadAccess({ gateway: deps.gateway, identities: deps.identities });
  app.get<{ Params: { channel: string } }>('/api/v1/channels/:channel/config', async (req) => {
    const channel = await canRead(
      channelOf(req.params.channel),
      requestIdentity(req.headers, req.query as Record<string, unknown>),
    );
    return deps.gateway.peerFor(channel).channelConfig(channel);
  });

  app.post<{ Params: { channel: string } }>('/api/v1/channels/:channel/config/updates', async (req) => {
    const channel = channelOf(req.params.channel);
    const label = req.headers['x-consortia-identity'];
    if (typeof label !== 'string')
      throw new ConsortiaError(
        'IDENTITY_REQUIRED',
        `send ${IDENTITY_HEADER_NAME} naming an admin, e.g. TelcoA.admin`,
      );
    const file = parseConfigUpdateFile(JSON.stringify(req.body ?? null));
    if (file.channel !== channel)
      throw new ConsortiaError(
        'INVALID_UPDATE_FILE',
        `the update is for channel ${file.channel}, not ${channel}`,
      );
    const id = deps.identities(label);
    return submitConfigUpdateFile(deps.gateway, file, {
      mspId: id.mspId,
      certDer: id.certDer,
      signer: id.signer,
    });
  });

  app.post<{ Body: { path?: unknown } }>('/api/v1/contracts/install', async (req) => {
    const label = req.headers['x-consortia-identity'];
    if (typeof label !== 'string')
      throw new ConsortiaError(
        'IDENTITY_REQUIRED',
        `send ${IDENTITY_HEADER_NAME} naming an admin, e.g. TelcoA.admin`,
      );
    const id = deps.identities(label);
    if (parseIdentityCert(id.certDer).role !== 'admin') {
      throw new ConsortiaError('FORBIDDEN', `only an org admin may install contracts, not ${label}`, {
        mspId: id.mspId,
      });
    }
    if (!deps.install)
      throw new ConsortiaError(
        'NOT_SUPPORTED',
        'this gateway cannot install contracts; install the package on each peer node',
      );
    const path = req.body?.path;
    if (typeof path !== 'string' || path.length === 0)
      throw new ConsortiaError(
        'INVALID_ARGUMENT',
        'send { "path": "<module file of the contract package>" }',
      );
    return deps.install(path);
  });
}
