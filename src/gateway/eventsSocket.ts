import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type WebSocket, WebSocketServer } from 'ws';
import { ConsortiaError, type Logger, toConsortiaError } from '../common/index.js';
import type { BlockEvent } from '../peer/index.js';
import { validationCodeName } from '../protocol/index.js';
import type { GatewayService } from './gatewayService.js';
import { type ChannelReadAccess, requestIdentity } from './readAccess.js';
import { errorBody, RestErrorCodes } from './restErrors.js';
import { parseNonNegativeInt, quote } from './restInput.js';

/** One JSON message of the events stream. */
export type EventsMessage =
  | {
      readonly type: 'block';
      readonly channel: string;
      readonly number: number;
      readonly txs: readonly {
        readonly txId: string;
        readonly validationCode: string;
        readonly events: readonly { contract: string; name: string; payload: unknown }[];
      }[];
    }
  | {
      readonly type: 'contractEvent';
      readonly blockNumber: number;
      readonly txId: string;
      readonly contract: string;
      readonly name: string;
      readonly payload: unknown;
    }
  | { readonly type: 'error'; readonly error: { readonly code: string; readonly message: string } };

export interface EventsSocketOptions {
  readonly gateway: GatewayService;
  /** Checks the identity of the upgrade request (header or `?identity=`) may read the channel. */
  readonly canRead: ChannelReadAccess;
  readonly logger?: Logger | undefined;
}

/** WebSocket close codes used by the events stream. */
const CLOSE_POLICY = 1008;
const CLOSE_INTERNAL = 1011;
const CLOSE_GOING_AWAY = 1001;
/** How long a closing gateway waits for clients to finish the close handshake. */
const CLOSE_GRACE_MS = 1000;

const EVENTS_PATH = /^\/api\/v1\/channels\/([^/]+)\/events\/?$/;

/** The messages for one committed block: the block, or one per event of `contract`. */
export function eventsMessages(block: BlockEvent, contract: string | undefined): EventsMessage[] {
  if (contract === undefined) {
    return [
      {
        type: 'block',
        channel: block.channel,
        number: block.number,
        txs: block.txs.map((tx) => ({
          txId: tx.txId,
          validationCode: validationCodeName(tx.validationCode),
          events: tx.events.map((e) => ({ contract: e.contract, name: e.name, payload: e.payload })),
        })),
      },
    ];
  }
  return block.txs.flatMap((tx) =>
    tx.events
      .filter((e) => e.contract === contract)
      .map((e) => ({
        type: 'contractEvent' as const,
        blockNumber: block.number,
        txId: tx.txId,
        contract: e.contract,
        name: e.name,
        payload: e.payload,
      })),
  );
}

/** Reads and checks the channel, reader, `fromBlock` and `contract` of a stream request. */
async function streamRequest(
  gateway: GatewayService,
  canRead: ChannelReadAccess,
  rawChannel: string,
  identity: string | undefined,
  query: URLSearchParams,
) {
  let channel: string;
  try {
    channel = decodeURIComponent(rawChannel);
  } catch {
    throw new ConsortiaError(RestErrorCodes.BAD_URL, 'the channel in the URL holds invalid percent-encoding');
  }
  await canRead(channel, identity);
  const fromParam = query.get('fromBlock');
  const from = fromParam === null ? undefined : parseNonNegativeInt(fromParam, 'fromBlock');
  const contract = query.get('contract') ?? undefined;
  if (contract !== undefined) {
    const known = gateway
      .peerFor(channel)
      .channelConfig(channel)
      .contracts.map((c) => c.name);
    if (!known.includes(contract)) {
      throw new ConsortiaError(
        'UNKNOWN_CONTRACT',
        `contract ${quote(contract)} is not defined on channel ${channel}; contracts: ${known.join(', ') || '(none)'}`,
        { channel, contract: contract.slice(0, 128) },
      );
    }
  }
  return { channel, from, contract };
}

function send(ws: WebSocket, message: EventsMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.send(JSON.stringify(message), (err) => (err ? reject(err) : resolve()));
  });
}

function closeWithError(ws: WebSocket, err: unknown, closeCode: number): void {
  const { error } = errorBody(err);
  const message: EventsMessage = { type: 'error', error: { code: error.code, message: error.message } };
  ws.send(JSON.stringify(message), () => ws.close(closeCode, error.code.slice(0, 120)));
}

/** Answers an upgrade the gateway does not serve with a plain HTTP error and drops the socket. */
function refuseUpgrade(socket: Duplex, status: number, reason: string, err: ConsortiaError): void {
  const body = JSON.stringify(errorBody(err));
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * Serves `GET /api/v1/channels/{channel}/events?fromBlock=N&contract=name` as a WebSocket on
 * the Fastify server: stored blocks from `fromBlock` first, then each block as it commits, as
 * one `block` message per block, or with `contract` one `contractEvent` message per event of that
 * contract. A bad channel, fromBlock or contract, or an identity (header or `?identity=`) that
 * may not read the channel, gets an `error` message and close code 1008.
 * The block stream stops when the socket closes; closing the server closes every socket.
 *
 * @example
 * attachEventsSocket(app, { gateway, logger });
 * // client: new WebSocket('ws://127.0.0.1:7070/api/v1/channels/telecom/events?fromBlock=0&identity=TelcoA.admin')
 */
export function attachEventsSocket(app: FastifyInstance, opts: Readonly<EventsSocketOptions>): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const streams = new Set<AbortController>();

  const serve = async (
    ws: WebSocket,
    rawChannel: string,
    identity: string | undefined,
    query: URLSearchParams,
  ): Promise<void> => {
    const abort = new AbortController();
    streams.add(abort);
    ws.on('close', () => abort.abort());
    ws.on('error', () => abort.abort());
    try {
      let request: Awaited<ReturnType<typeof streamRequest>>;
      try {
        request = await streamRequest(opts.gateway, opts.canRead, rawChannel, identity, query);
      } catch (err) {
        closeWithError(ws, err, CLOSE_POLICY);
        return;
      }
      const { channel, from, contract } = request;
      const blocks = opts.gateway.blockEvents(channel, {
        ...(from === undefined ? {} : { from }),
        signal: abort.signal,
      });
      for await (const block of blocks) {
        for (const message of eventsMessages(block, contract)) await send(ws, message);
      }
    } catch (err) {
      if (abort.signal.aborted || ws.readyState !== ws.OPEN) return;
      opts.logger?.error({ err }, 'events stream failed');
      closeWithError(ws, toConsortiaError(err), CLOSE_INTERNAL);
    } finally {
      streams.delete(abort);
    }
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://gateway');
    } catch {
      refuseUpgrade(
        socket,
        400,
        'Bad Request',
        new ConsortiaError(RestErrorCodes.BAD_URL, 'the URL is malformed'),
      );
      return;
    }
    const match = EVENTS_PATH.exec(url.pathname);
    if (!match || req.method !== 'GET') {
      refuseUpgrade(
        socket,
        404,
        'Not Found',
        new ConsortiaError(RestErrorCodes.NOT_FOUND, `no WebSocket endpoint at ${quote(url.pathname)}`),
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      void serve(ws, match[1] ?? '', requestIdentity(req.headers, url.searchParams), url.searchParams);
    });
  };
  app.server.on('upgrade', onUpgrade);

  app.addHook('preClose', async () => {
    for (const abort of streams) abort.abort();
    const closed = [...wss.clients].map((ws) => {
      ws.close(CLOSE_GOING_AWAY, 'gateway closing');
      return new Promise<void>((resolve) => ws.once('close', () => resolve()));
    });
    // Clients get a moment to answer the close handshake; the rest are cut off.
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_GRACE_MS).unref();
    });
    await Promise.race([Promise.all(closed), grace]);
    clearTimeout(timer);
    for (const ws of wss.clients) ws.terminate();
  });
  app.addHook('onClose', async () => {
    app.server.off('upgrade', onUpgrade);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
}
