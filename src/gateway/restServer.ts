import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { ConsortiaError, isConsortiaError, type Logger, toConsortiaError } from '../common/index.js';
import type { Signer } from '../crypto/index.js';
import { statusForCode } from '../peer/index.js';
import { validationCodeName } from '../protocol/index.js';
import { blockView } from './blockView.js';
import { connect } from './client.js';
import { CommitError } from './errors.js';
import type { GatewayService } from './gatewayService.js';

/** Resolves the `X-Consortia-Identity` header to an identity with a signer (embedded wallets). */
export type IdentityResolver = (label: string) => { mspId: string; certDer: Uint8Array; signer: Signer };

export interface RestServerOptions {
  readonly gateway: GatewayService;
  readonly identities: IdentityResolver;
  /** Identity used when the header is absent. */
  readonly defaultIdentity?: string;
  readonly logger?: Logger;
  /** Extra health checks, by component name. */
  readonly health?: () => Record<string, { ok: boolean; detail?: unknown }>;
}

const IDENTITY_HEADER = 'x-consortia-identity';

/** Stable codes for Fastify's own request errors. */
const REQUEST_ERROR_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
};
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function sendError(reply: FastifyReply, err: unknown, status?: number): FastifyReply {
  const e = toConsortiaError(err);
  const code = status ?? (e instanceof CommitError ? 409 : statusForCode(e.code));
  const body: { error: { code: string; message: string; detail?: unknown } } = {
    error: { code: e.code, message: e.message },
  };
  if (e.detail !== undefined) body.error.detail = e.detail;
  return reply.code(code).send(body);
}

function checkName(value: string, what: string): string {
  if (!NAME.test(value))
    throw new ConsortiaError('INVALID_ARGUMENT', `${what} "${value.slice(0, 80)}" is not a valid name`);
  return value;
}

function blockNumberParam(value: string): number {
  if (!/^\d{1,15}$/.test(value))
    throw new ConsortiaError(
      'INVALID_ARGUMENT',
      `block number "${value.slice(0, 40)}" is not a non-negative integer`,
    );
  return Number(value);
}

/**
 * The REST gateway: submit and evaluate contract functions with named JSON arguments, read
 * heights, blocks and transactions, and check health. Every error is `{ error: { code,
 * message } }` with a 4xx status for bad input; a 500 means a fault of the node itself.
 */
export async function createRestServer(opts: Readonly<RestServerOptions>): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  const { gateway } = opts;

  app.setErrorHandler((err, _req, reply) => {
    const e = err as { statusCode?: number; code?: string; message: string };
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      const code =
        e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'UNSUPPORTED_MEDIA_TYPE'
          : e.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? 'BODY_TOO_LARGE'
            : 'MALFORMED_REQUEST';
      return reply
        .code(e.statusCode)
        .send({ error: { code, message: `the request is malformed: ${e.message}` } });
    }
    if (isConsortiaError(err)) return sendError(reply, err);
    opts.logger?.error({ err }, 'request failed');
    return sendError(reply, new ConsortiaError('INTERNAL', 'the gateway failed to handle the request'), 500);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, new ConsortiaError('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`), 404),
  );

  const client = (label: string | undefined) => {
    const id = label ?? opts.defaultIdentity;
    if (!id)
      throw new ConsortiaError(
        'IDENTITY_REQUIRED',
        `send the ${IDENTITY_HEADER} header naming an identity, for example TelcoA.admin`,
      );
    const resolved = opts.identities(id);
    return connect({
      identity: { mspId: resolved.mspId, credentials: resolved.certDer },
      signer: resolved.signer,
      gateway,
    });
  };

  const argsOf = (body: unknown): Record<string, unknown> => {
    if (body === undefined || body === null || body === '') return {};
    if (typeof body !== 'object' || Array.isArray(body)) {
      throw new ConsortiaError('INVALID_ARGUMENT', 'the body must be one JSON object of named arguments');
    }
    return body as Record<string, unknown>;
  };

  const requireChannel = (channel: string) => {
    checkName(channel, 'channel');
    if (!gateway.channels().includes(channel))
      throw new ConsortiaError('UNKNOWN_CHANNEL', `unknown channel ${channel}`, { channel });
    return channel;
  };

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

  type TxParams = { channel: string; contract: string; fn: string };
  app.post<{ Params: TxParams }>(
    '/api/v1/channels/:channel/contracts/:contract/submit/:fn',
    async (req, reply) => {
      const { channel, contract, fn } = req.params;
      requireChannel(channel);
      checkName(contract, 'contract');
      checkName(fn, 'function');
      const gw = client(req.headers[IDENTITY_HEADER] as string | undefined);
      const r = await gw
        .network(channel)
        .contract(contract)
        .submit(fn, { arguments: argsOf(req.body) });
      return reply.send({
        txId: r.transactionId,
        blockNumber: r.blockNumber,
        validationCode: r.validationCode,
        result: r.result,
      });
    },
  );

  app.post<{ Params: TxParams }>(
    '/api/v1/channels/:channel/contracts/:contract/evaluate/:fn',
    async (req, reply) => {
      const { channel, contract, fn } = req.params;
      requireChannel(channel);
      checkName(contract, 'contract');
      checkName(fn, 'function');
      const gw = client(req.headers[IDENTITY_HEADER] as string | undefined);
      const result = await gw
        .network(channel)
        .contract(contract)
        .evaluate(fn, { arguments: argsOf(req.body) });
      return reply.send({ result });
    },
  );

  app.get<{ Params: { channel: string } }>('/api/v1/channels/:channel/height', async (req) => {
    const channel = requireChannel(req.params.channel);
    return { channel, height: gateway.peerFor(channel).height(channel) };
  });

  app.get<{ Params: { channel: string }; Querystring: { from?: string; limit?: string } }>(
    '/api/v1/channels/:channel/blocks',
    async (req) => {
      const channel = requireChannel(req.params.channel);
      const peer = gateway.peerFor(channel);
      const height = peer.height(channel);
      const limit = Math.min(req.query.limit ? blockNumberParam(req.query.limit) : 20, 500);
      const from = req.query.from ? blockNumberParam(req.query.from) : Math.max(0, height - limit);
      const blocks = [];
      for (let n = from; n < Math.min(height, from + limit); n++)
        blocks.push(blockView(peer.getBlock(channel, n)!));
      return { channel, height, blocks };
    },
  );

  app.get<{ Params: { channel: string; n: string } }>('/api/v1/channels/:channel/blocks/:n', async (req) => {
    const channel = requireChannel(req.params.channel);
    const n = blockNumberParam(req.params.n);
    const bytes = gateway.peerFor(channel).getBlock(channel, n);
    if (!bytes)
      throw new ConsortiaError('UNKNOWN_BLOCK', `channel ${channel} has no block ${n}`, {
        channel,
        block: n,
      });
    return blockView(bytes);
  });

  app.get<{ Params: { channel: string; txId: string } }>(
    '/api/v1/channels/:channel/transactions/:txId',
    async (req) => {
      const channel = requireChannel(req.params.channel);
      const txId = req.params.txId.toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(txId))
        throw new ConsortiaError('INVALID_ARGUMENT', 'a transaction id is 64 hex characters');
      const peer = gateway.peerFor(channel);
      const status = peer.txStatus(channel, txId);
      if (!status)
        throw new ConsortiaError('UNKNOWN_TRANSACTION', `channel ${channel} has no transaction ${txId}`, {
          channel,
          txId,
        });
      const block = blockView(peer.getBlock(channel, status.blockNumber)!);
      const envelope = block.transactions[status.txIndex];
      return {
        blockNumber: status.blockNumber,
        validationCode: validationCodeName(status.validationCode),
        transaction: envelope,
      };
    },
  );

  return app;
}
