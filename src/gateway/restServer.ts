import Fastify, { type FastifyInstance } from 'fastify';
import { ConsortiaError, isConsortiaError, type Logger } from '../common/index.js';
import type { ContractDescription } from '../contract/index.js';
import type { Signer } from '../crypto/index.js';
import { connect, type Gateway } from './client.js';
import { renderDocsPage } from './docsPage.js';
import { attachEventsSocket } from './eventsSocket.js';
import type { GatewayService } from './gatewayService.js';
import { buildOpenApiDocument } from './openApi.js';
import type { OpenApiDocument } from './openApiDocument.js';
import { registerProofRoute } from './proof/proofRoute.js';
import { channelReadAccess, requestIdentity } from './readAccess.js';
import { frameworkError, RestErrorCodes, sendError } from './restErrors.js';
import { IDENTITY_HEADER_NAME } from './restInput.js';
import { registerContractRoutes } from './routes/contractRoutes.js';
import { registerLedgerRoutes } from './routes/ledgerRoutes.js';

/** Resolves the `X-Consortia-Identity` header to an identity with a signer (embedded wallets). */
export type IdentityResolver = (label: string) => { mspId: string; certDer: Uint8Array; signer: Signer };

export interface RestServerOptions {
  readonly gateway: GatewayService;
  readonly identities: IdentityResolver;
  /** Identity used when the header is absent. */
  readonly defaultIdentity?: string;
  /**
   * Describes a contract (functions and argument JSON Schemas) for the OpenAPI document and the
   * docs page, e.g. `(name) => network.contractRuntime().describe(name)`. Without it the document
   * lists each contract with a `{fn}` path parameter.
   */
  readonly describeContract?: (name: string) => ContractDescription;
  readonly logger?: Logger;
  /** Extra health checks, by component name. */
  readonly health?: () => Record<string, { ok: boolean; detail?: unknown }>;
}

/** Largest request body (1 MiB). */
const BODY_LIMIT = 1024 * 1024;

/**
 * The REST gateway: submit and evaluate contract functions with named JSON arguments, read
 * heights, blocks and transactions, stream events over WebSocket, and serve its OpenAPI
 * document (`/openapi.json`), a docs page (`/docs`) and `/healthz`. Every error is
 * `{ error: { code, message } }` with a 4xx status for bad input; a 5xx means a fault or an
 * unreachable node, never bad input.
 *
 * @example
 * const app = await createRestServer({
 *   gateway,
 *   identities: (label) => network.identity(label),
 *   describeContract: (name) => network.contractRuntime().describe(name),
 * });
 * await app.listen({ port: 7070 });
 */
export async function createRestServer(opts: Readonly<RestServerOptions>): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: 256 },
    frameworkErrors: (err, _req, reply) => {
      const known = frameworkError(err);
      return known ? sendError(reply, known.error, known.status) : sendError(reply, err);
    },
  });
  const { gateway } = opts;

  // An empty JSON body means no arguments (curl -H 'content-type: application/json' with no -d).
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (text.trim() === '') done(null, undefined);
    else jsonParser(req, text, done);
  });

  app.setErrorHandler((err, _req, reply) => {
    const known = frameworkError(err);
    if (known) return sendError(reply, known.error, known.status);
    if (isConsortiaError(err)) return sendError(reply, err);
    opts.logger?.error({ err }, 'request failed');
    return sendError(
      reply,
      new ConsortiaError(RestErrorCodes.INTERNAL, 'the gateway failed to handle the request'),
      500,
    );
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(
      reply,
      new ConsortiaError(
        RestErrorCodes.NOT_FOUND,
        `no route ${req.method} ${req.url.split('?')[0]?.slice(0, 200)}; see /docs`,
      ),
      404,
    ),
  );

  // One SDK connection per identity, so each learns when its certificate has been committed on
  // a channel and names it by hash from then on (decision 0007).
  const connections = new Map<string, Gateway>();
  const connectAs = (label: string | undefined) => {
    const id = label ?? opts.defaultIdentity;
    if (!id) {
      throw new ConsortiaError(
        RestErrorCodes.IDENTITY_REQUIRED,
        `send the ${IDENTITY_HEADER_NAME} header naming an identity, for example TelcoA.admin`,
      );
    }
    const known = connections.get(id);
    if (known) return known;
    const resolved = opts.identities(id);
    const gw = connect({
      identity: { mspId: resolved.mspId, credentials: resolved.certDer },
      signer: resolved.signer,
      gateway,
    });
    if (connections.size >= 1024) connections.clear();
    connections.set(id, gw);
    return gw;
  };

  const openApi = (): OpenApiDocument =>
    buildOpenApiDocument({
      channels: gateway.channels().map((name) => ({
        name,
        contracts: gateway
          .peerFor(name)
          .channelConfig(name)
          .contracts.map((c) => ({
            name: c.name,
            version: c.version,
            endorsementPolicy: c.endorsementPolicy,
          })),
      })),
      describeContract: opts.describeContract,
      defaultIdentity: opts.defaultIdentity,
    });

  app.get('/healthz', async (_req, reply) => {
    const components: Record<string, { ok: boolean; detail?: unknown }> = {};
    for (const p of gateway.peers()) {
      components[`peer:${p.id}`] = {
        ok: true,
        detail: Object.fromEntries(p.channels().map((c) => [c, { height: p.height(c) }])),
      };
    }
    Object.assign(components, opts.health?.() ?? {});
    const ok = Object.values(components).every((c) => c.ok);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', components });
  });

  app.get('/openapi.json', async () => openApi());
  app.get('/docs', async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(renderDocsPage(openApi())),
  );

  const canRead = channelReadAccess({
    gateway,
    identities: opts.identities,
    defaultIdentity: opts.defaultIdentity,
  });
  registerContractRoutes(app, { gateway, connectAs });
  registerLedgerRoutes(app, gateway, canRead);
  registerProofRoute(app, gateway, canRead);

  // A WebSocket upgrade of this path is served by attachEventsSocket; a plain GET lands here.
  app.get<{ Params: { channel: string } }>('/api/v1/channels/:channel/events', async (req) => {
    await canRead(req.params.channel, requestIdentity(req.headers, req.query as Record<string, unknown>));
    throw new ConsortiaError(
      RestErrorCodes.UPGRADE_REQUIRED,
      'the events endpoint speaks WebSocket: connect with a WebSocket client (ws://.../events?fromBlock=0)',
    );
  });
  attachEventsSocket(app, { gateway, canRead, logger: opts.logger });

  return app;
}
