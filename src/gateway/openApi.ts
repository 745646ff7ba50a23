import type { ContractDescription, FunctionDescription } from '../contract/index.js';
import {
  COMPONENT_SCHEMAS,
  ERROR_RESPONSES,
  errorResponse,
  jsonContent,
  type OpenApiDocument,
  type OpenApiMethod,
  type OpenApiOperation,
  type OpenApiParameter,
  type OpenApiResponse,
  type Schema,
  schemaRef,
} from './openApiDocument.js';
import { IDENTITY_HEADER_NAME } from './restInput.js';

/** A contract deployed on a channel, as the channel configuration lists it. */
export interface OpenApiContract {
  readonly name: string;
  readonly version?: string;
  readonly endorsementPolicy?: string;
}

export interface OpenApiChannel {
  readonly name: string;
  readonly contracts: readonly OpenApiContract[];
}

export interface OpenApiOptions {
  readonly channels: readonly OpenApiChannel[];
  /** Function descriptions with argument schemas; without it, functions are a `{fn}` parameter. */
  readonly describeContract?: ((name: string) => ContractDescription) | undefined;
  /** The identity used when the header is absent (the header is then optional). */
  readonly defaultIdentity?: string | undefined;
}

const API = '/api/v1/channels';

const DESCRIPTION = `The REST gateway of a Consortia network. Submit a transaction with
\`POST ${API}/{channel}/contracts/{contract}/submit/{function}\` and a JSON object of named arguments:
the gateway has it endorsed by peers that satisfy the contract's endorsement policy, ordered, and
answers once it is committed. Evaluate runs a function on one peer and orders nothing.

The embedded network's gateway holds the demo identities' wallets: pick one per request with the
header \`X-Consortia-Identity\`, for example \`TelcoB.admin\`. Reads of blocks, transactions and events
need one too: its org must be a reader of the channel. In production, clients sign with their own
keys through the SDK (connect, network, contract, submit; or newProposal, endorse, submit, status to
sign offline), and the gateway then needs no keys at all.

Every error is \`{ "error": { "code", "message", "detail"? } }\`: 400 for malformed JSON or invalid
arguments, 403 for a caller that is not allowed, 404 for an unknown channel, contract, function,
block or transaction, 409 for a conflict with the ledger (a transaction ordered but invalid carries
its \`validationCode\` in \`detail\`), 503 when a node is unreachable.`;

function identityParameter(defaultIdentity: string | undefined): OpenApiParameter {
  return {
    name: IDENTITY_HEADER_NAME,
    in: 'header',
    required: defaultIdentity === undefined,
    description:
      'The wallet identity the gateway signs with, written Org.user, e.g. TelcoB.admin' +
      (defaultIdentity === undefined ? '.' : `; ${defaultIdentity} when absent.`),
    schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*\\.[A-Za-z0-9][A-Za-z0-9_.-]*$' },
  };
}

const operationId = (...parts: string[]) => parts.join('_').replace(/[^A-Za-z0-9_]/g, '_');

interface FunctionContext {
  readonly channel: string;
  readonly contract: OpenApiContract;
  readonly identity: OpenApiParameter;
}

function functionOperation(
  ctx: FunctionContext,
  mode: 'submit' | 'evaluate',
  kind: 'transaction' | 'query',
  fn: string,
  fnDescription: FunctionDescription | undefined,
): OpenApiOperation {
  const how =
    mode === 'submit'
      ? `Endorsed by peers satisfying ${ctx.contract.endorsementPolicy ?? "the contract's endorsement policy"}, ordered, and answered once committed.`
      : kind === 'transaction'
        ? 'Runs the transaction on one peer without ordering it: nothing is written.'
        : 'Runs the query on one peer.';
  const text = fnDescription?.description;
  return {
    operationId: operationId(mode, ctx.channel, ctx.contract.name, fn),
    summary: `${mode === 'submit' ? 'Submit' : 'Evaluate'} ${fn}`,
    description: text ? `${text}\n\n${how}` : how,
    tags: [`${ctx.channel}/${ctx.contract.name}`],
    parameters: [ctx.identity],
    requestBody: {
      required: false,
      content: jsonContent(
        fnDescription?.argsJsonSchema ?? { type: 'object', description: 'Named arguments.' },
      ),
    },
    responses:
      mode === 'submit'
        ? {
            200: { description: 'Committed as valid.', content: jsonContent(schemaRef('SubmitResult')) },
            ...ERROR_RESPONSES,
          }
        : {
            200: { description: 'The result.', content: jsonContent(schemaRef('EvaluateResult')) },
            400: ERROR_RESPONSES[400],
            403: ERROR_RESPONSES[403],
            404: ERROR_RESPONSES[404],
            503: ERROR_RESPONSES[503],
          },
  };
}

/** The paths of one contract: per function when it can be described, else with a `{fn}` parameter. */
function contractPaths(
  ctx: FunctionContext,
  description: ContractDescription | undefined,
): Record<string, { post: OpenApiOperation }> {
  const base = `${API}/${encodeURIComponent(ctx.channel)}/contracts/${encodeURIComponent(ctx.contract.name)}`;
  const out: Record<string, { post: OpenApiOperation }> = {};
  if (!description) {
    const fnParam: OpenApiParameter = {
      name: 'fn',
      in: 'path',
      required: true,
      description: 'The function name.',
      schema: { type: 'string' },
    };
    for (const mode of ['submit', 'evaluate'] as const) {
      const op = functionOperation(ctx, mode, 'transaction', '{fn}', undefined);
      out[`${base}/${mode}/{fn}`] = {
        post: {
          ...op,
          operationId: operationId(mode, ctx.channel, ctx.contract.name),
          parameters: [ctx.identity, fnParam],
        },
      };
    }
    return out;
  }
  for (const [fn, d] of Object.entries(description.transactions)) {
    out[`${base}/submit/${encodeURIComponent(fn)}`] = {
      post: functionOperation(ctx, 'submit', 'transaction', fn, d),
    };
    out[`${base}/evaluate/${encodeURIComponent(fn)}`] = {
      post: functionOperation(ctx, 'evaluate', 'transaction', fn, d),
    };
  }
  for (const [fn, d] of Object.entries(description.queries)) {
    out[`${base}/evaluate/${encodeURIComponent(fn)}`] = {
      post: functionOperation(ctx, 'evaluate', 'query', fn, d),
    };
  }
  return out;
}

function fixedPaths(
  channels: readonly string[],
  identity: OpenApiParameter,
): Record<string, Partial<Record<OpenApiMethod, OpenApiOperation>>> {
  const reader: OpenApiParameter = {
    ...identity,
    description: `${identity.description} Its org must satisfy the channel's Readers policy (403 FORBIDDEN otherwise).`,
  };
  const readerQuery: OpenApiParameter = {
    ...reader,
    name: 'identity',
    in: 'query',
    required: false,
    description: 'The reading identity, for clients that cannot send the X-Consortia-Identity header.',
  };
  const forbidden = { 403: ERROR_RESPONSES[403] };
  const channel: OpenApiParameter = {
    name: 'channel',
    in: 'path',
    required: true,
    description: 'The channel name.',
    schema: channels.length > 0 ? { type: 'string', enum: [...channels] } : { type: 'string' },
  };
  const get = (
    id: string,
    summary: string,
    tag: string,
    parameters: OpenApiParameter[],
    ok: OpenApiResponse,
    errors: Record<string, OpenApiResponse>,
    description?: string,
  ): { get: OpenApiOperation } => ({
    get: {
      operationId: id,
      summary,
      ...(description === undefined ? {} : { description }),
      tags: [tag],
      parameters,
      responses: { 200: ok, ...errors },
    },
  });
  const query = (name: string, description: string, schema: Schema): OpenApiParameter => ({
    name,
    in: 'query',
    required: false,
    description,
    schema,
  });
  const notFound = (what: string) => errorResponse(`Unknown ${what}.`);
  const count = { type: 'integer', minimum: 0 };
  return {
    [`${API}/{channel}/height`]: get(
      'getHeight',
      'Height of a channel',
      'ledger',
      [channel, reader, readerQuery],
      {
        description: 'The number of blocks.',
        content: jsonContent(schemaRef('Height')),
      },
      { 400: ERROR_RESPONSES[400], ...forbidden, 404: notFound('channel') },
    ),
    [`${API}/{channel}/blocks`]: get(
      'listBlocks',
      'A page of blocks',
      'ledger',
      [
        channel,
        reader,
        readerQuery,
        query('from', 'First block (default: the last `limit` blocks).', count),
        query('limit', 'How many blocks (default 20, at most 500).', count),
      ],
      { description: 'The blocks, oldest first.', content: jsonContent(schemaRef('BlockPage')) },
      { 400: ERROR_RESPONSES[400], ...forbidden, 404: notFound('channel') },
    ),
    [`${API}/{channel}/blocks/{n}`]: get(
      'getBlock',
      'One block',
      'ledger',
      [
        channel,
        { name: 'n', in: 'path', required: true, description: 'Block number.', schema: count },
        reader,
        readerQuery,
      ],
      { description: 'The block with its transactions.', content: jsonContent(schemaRef('Block')) },
      { 400: ERROR_RESPONSES[400], ...forbidden, 404: notFound('channel or block (UNKNOWN_BLOCK)') },
    ),
    [`${API}/{channel}/transactions/{txId}`]: get(
      'getTransaction',
      'One transaction',
      'ledger',
      [
        channel,
        {
          name: 'txId',
          in: 'path',
          required: true,
          description: 'Transaction id: 64 hex characters.',
          schema: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
        },
        reader,
        readerQuery,
      ],
      {
        description: 'The transaction, its block and validation code.',
        content: jsonContent(schemaRef('TransactionRecord')),
      },
      {
        400: ERROR_RESPONSES[400],
        ...forbidden,
        404: notFound('channel or transaction (UNKNOWN_TRANSACTION)'),
      },
    ),
    [`${API}/{channel}/events`]: {
      get: {
        operationId: 'streamEvents',
        summary: 'Block and contract events over WebSocket',
        description:
          'Upgrade to a WebSocket. Stored blocks from `fromBlock` come first, then each block as it commits: one ' +
          '`block` message per block, or with `contract` one `contractEvent` message per event of that contract. ' +
          'A bad channel, fromBlock or contract, or an identity that may not read the channel, gets an ' +
          '`error` message, then close code 1008.',
        tags: ['events'],
        parameters: [
          channel,
          reader,
          readerQuery,
          query(
            'fromBlock',
            'First block to send (default: the next block to commit); a block not yet committed is waited for.',
            count,
          ),
          query('contract', 'Send only the events of this contract.', { type: 'string' }),
        ],
        responses: {
          101: {
            description: 'Switching to WebSocket; each message is an EventMessage.',
            content: jsonContent(schemaRef('EventMessage')),
          },
          426: errorResponse('Sent without a WebSocket upgrade (UPGRADE_REQUIRED).'),
        },
      },
    },
    '/healthz': get(
      'health',
      'Health of the gateway and its peers',
      'service',
      [],
      { description: 'Every component is healthy.', content: jsonContent(schemaRef('Health')) },
      { 503: { description: 'A component is unhealthy.', content: jsonContent(schemaRef('Health')) } },
    ),
    '/openapi.json': get(
      'openApi',
      'This OpenAPI document',
      'service',
      [],
      {
        description: 'The OpenAPI 3.1 document.',
        content: jsonContent({ type: 'object' }),
      },
      {},
    ),
    '/docs': get('docs', 'This API as a web page', 'service', [], { description: 'An HTML page.' }, {}),
  };
}

/**
 * Builds the gateway's OpenAPI 3.1 document from the channels' contracts: one path per contract
 * function per channel (`submit/{fn}` for transactions, `evaluate/{fn}` for queries and
 * transactions), with the function's argument JSON Schema as request body, plus the fixed ledger,
 * events and health endpoints.
 *
 * @example
 * const doc = buildOpenApiDocument({
 *   channels: [{ name: 'telecom', contracts: [{ name: 'number-portability' }] }],
 *   describeContract: (name) => runtime.describe(name),
 * });
 * doc.paths['/api/v1/channels/telecom/contracts/number-portability/submit/registerNumber'];
 */
export function buildOpenApiDocument(opts: Readonly<OpenApiOptions>): OpenApiDocument {
  const identity = identityParameter(opts.defaultIdentity);
  const tags: { name: string; description: string }[] = [];
  const paths: Record<string, Partial<Record<OpenApiMethod, OpenApiOperation>>> = {};
  for (const channel of opts.channels) {
    for (const contract of channel.contracts) {
      const description = describeOrUndefined(opts.describeContract, contract.name);
      const about = [
        description?.description,
        `Version ${description?.version ?? contract.version ?? '?'} on channel ${channel.name}.`,
        contract.endorsementPolicy ? `Endorsement policy: ${contract.endorsementPolicy}.` : undefined,
      ];
      tags.push({ name: `${channel.name}/${contract.name}`, description: about.filter(Boolean).join(' ') });
      Object.assign(paths, contractPaths({ channel: channel.name, contract, identity }, description));
    }
  }
  Object.assign(
    paths,
    fixedPaths(
      opts.channels.map((c) => c.name),
      identity,
    ),
  );
  tags.push(
    { name: 'ledger', description: 'Heights, blocks and transactions of a channel, read from one peer.' },
    { name: 'events', description: 'Committed blocks and contract events, over WebSocket.' },
    { name: 'service', description: 'Health and documentation of the gateway.' },
  );
  return {
    openapi: '3.1.0',
    info: { title: 'Consortia REST gateway', version: '1', description: DESCRIPTION },
    tags,
    paths,
    components: { schemas: COMPONENT_SCHEMAS },
  };
}

/** A contract's description, or undefined when this node cannot load the contract. */
function describeOrUndefined(
  describe: ((name: string) => ContractDescription) | undefined,
  name: string,
): ContractDescription | undefined {
  if (!describe) return undefined;
  try {
    return describe(name);
  } catch {
    return undefined;
  }
}
