/** A JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it). */
export type Schema = Record<string, unknown>;

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly description: string;
  readonly schema: Schema;
}

export interface OpenApiResponse {
  readonly description: string;
  readonly content?: { readonly 'application/json': { readonly schema: Schema } };
}

export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly parameters: readonly OpenApiParameter[];
  readonly requestBody?: {
    readonly required: boolean;
    readonly content: { readonly 'application/json': { readonly schema: Schema } };
  };
  readonly responses: Readonly<Record<string, OpenApiResponse>>;
}

export type OpenApiMethod = 'get' | 'post';

/** The part of an OpenAPI 3.1 document the gateway produces. */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly tags: readonly { readonly name: string; readonly description: string }[];
  readonly paths: Readonly<Record<string, Partial<Record<OpenApiMethod, OpenApiOperation>>>>;
  readonly components: { readonly schemas: Readonly<Record<string, Schema>> };
}

/** A reference to a component schema. */
export const schemaRef = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
/** JSON content with a schema. */
export const jsonContent = (schema: Schema) => ({ 'application/json': { schema } });
/** An error answer: `{ error: { code, message, detail? } }`. */
export const errorResponse = (description: string): OpenApiResponse => ({
  description,
  content: jsonContent(schemaRef('Error')),
});

/** The schemas of answers, errors and event messages, shared by every document. */
export const COMPONENT_SCHEMAS: Record<string, Schema> = {
  ErrorDetail: {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: { type: 'string', description: 'Stable UPPER_SNAKE code, e.g. UNKNOWN_NUMBER.' },
      message: { type: 'string', description: 'What was wrong and what to do.' },
      detail: {
        type: 'object',
        description: 'Typed detail; for an invalid transaction: transactionId, blockNumber, validationCode.',
      },
    },
  },
  Error: { type: 'object', required: ['error'], properties: { error: schemaRef('ErrorDetail') } },
  SubmitResult: {
    type: 'object',
    required: ['txId', 'blockNumber', 'validationCode', 'result'],
    properties: {
      txId: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      blockNumber: { type: 'integer', minimum: 0 },
      validationCode: { const: 'VALID' },
      result: { description: "The function's JSON result." },
    },
  },
  EvaluateResult: {
    type: 'object',
    required: ['result'],
    properties: { result: { description: "The function's JSON result." } },
  },
  Height: {
    type: 'object',
    required: ['channel', 'height'],
    properties: { channel: { type: 'string' }, height: { type: 'integer', minimum: 0 } },
  },
  Transaction: {
    type: 'object',
    required: ['index', 'txId', 'type', 'validationCode'],
    properties: {
      index: { type: 'integer' },
      txId: { type: ['string', 'null'] },
      type: { enum: ['endorser', 'config', 'malformed'] },
      validationCode: { type: 'string' },
      timestamp: { type: 'string', format: 'date-time' },
      creator: { type: 'string', description: 'MSP id of the submitter.' },
      contract: { type: 'string' },
      function: { type: 'string' },
      arguments: {},
      endorsers: { type: 'array', items: { type: 'string' } },
      result: {},
      rwset: { type: 'array', items: { type: 'object' } },
      events: { type: 'array', items: { type: 'object' } },
    },
  },
  Block: {
    type: 'object',
    required: ['channel', 'number', 'hash', 'previousHash', 'dataHash', 'timestamp', 'transactions'],
    properties: {
      channel: { type: 'string' },
      number: { type: 'integer', minimum: 0 },
      hash: { type: 'string' },
      previousHash: { type: 'string' },
      dataHash: { type: 'string' },
      timestamp: { type: 'string', format: 'date-time' },
      signatures: { type: 'array', items: { type: 'string' } },
      transactions: { type: 'array', items: schemaRef('Transaction') },
    },
  },
  BlockPage: {
    type: 'object',
    required: ['channel', 'height', 'blocks'],
    properties: {
      channel: { type: 'string' },
      height: { type: 'integer', minimum: 0 },
      blocks: { type: 'array', items: schemaRef('Block') },
    },
  },
  TransactionRecord: {
    type: 'object',
    required: ['blockNumber', 'validationCode', 'transaction'],
    properties: {
      blockNumber: { type: 'integer', minimum: 0 },
      validationCode: { type: 'string' },
      transaction: schemaRef('Transaction'),
    },
  },
  Health: {
    type: 'object',
    required: ['status', 'components'],
    properties: {
      status: { enum: ['ok', 'degraded'] },
      components: { type: 'object', additionalProperties: { type: 'object' } },
    },
  },
  ContractEvent: {
    type: 'object',
    required: ['contract', 'name', 'payload'],
    properties: { contract: { type: 'string' }, name: { type: 'string' }, payload: {} },
  },
  EventMessage: {
    description: 'One WebSocket message of the events stream.',
    oneOf: [
      {
        type: 'object',
        description: 'Sent per committed block when no contract filter is given.',
        required: ['type', 'channel', 'number', 'txs'],
        properties: {
          type: { const: 'block' },
          channel: { type: 'string' },
          number: { type: 'integer' },
          txs: {
            type: 'array',
            items: {
              type: 'object',
              required: ['txId', 'validationCode', 'events'],
              properties: {
                txId: { type: 'string' },
                validationCode: { type: 'string' },
                events: { type: 'array', items: schemaRef('ContractEvent') },
              },
            },
          },
        },
      },
      {
        type: 'object',
        description: 'Sent per event of the filtered contract (valid transactions only).',
        required: ['type', 'blockNumber', 'txId', 'contract', 'name', 'payload'],
        properties: {
          type: { const: 'contractEvent' },
          blockNumber: { type: 'integer' },
          txId: { type: 'string' },
          contract: { type: 'string' },
          name: { type: 'string' },
          payload: {},
        },
      },
      {
        type: 'object',
        description: 'Sent before the gateway closes the socket (1008 for a bad request).',
        required: ['type', 'error'],
        properties: { type: { const: 'error' }, error: schemaRef('ErrorDetail') },
      },
    ],
  },
};

/** The error answers of the contract routes, by status. */
export const ERROR_RESPONSES = {
  400: errorResponse('Malformed JSON or invalid arguments (INVALID_ARGUMENT, MALFORMED_JSON, ...).'),
  403: errorResponse('The caller is not allowed (an unknown identity, or refused by the contract).'),
  404: errorResponse('Unknown channel, contract or function.'),
  409: errorResponse(
    'A conflict with the ledger; a transaction ordered but invalid has its validationCode in detail.',
  ),
  503: errorResponse('A node the gateway needs is unreachable; retry later.'),
} satisfies Record<number, OpenApiResponse>;
