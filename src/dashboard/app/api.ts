/** Shapes of the gateway's JSON, as far as the dashboard reads them. Read-only: GET only. */

export interface ChannelHeight {
  readonly height: number;
  readonly lag: number;
}

export interface NodeOverview {
  readonly id: string;
  readonly mspId: string;
  readonly role: 'peer' | 'orderer';
  readonly status: 'up' | 'down';
  readonly channels: Readonly<Record<string, ChannelHeight>>;
  readonly error?: string;
}

export interface Overview {
  readonly generatedAt: string;
  readonly status: 'ok' | 'degraded';
  readonly channels: readonly {
    readonly name: string;
    readonly height: number;
    readonly ordererHeight: number | null;
    readonly configSequence: number | null;
    readonly orgs: readonly string[];
    readonly contracts: readonly { name: string; version: string; endorsementPolicy: string }[];
  }[];
  readonly orgs: readonly {
    readonly mspId: string;
    readonly kind: 'member' | 'orderer';
    readonly channels: readonly string[];
    readonly nodes: readonly NodeOverview[];
  }[];
  readonly nodes: readonly NodeOverview[];
}

export interface RwSetView {
  readonly namespace: string;
  readonly reads: readonly { key: string; version: { block: number; tx: number } | null }[];
  readonly writes: readonly { key: string; value?: unknown; delete?: boolean }[];
  readonly rangeReads: readonly { startKey: string; endKey: string; keys: number }[];
}

export interface TransactionView {
  readonly index: number;
  readonly txId: string | null;
  readonly type: 'endorser' | 'config' | 'malformed';
  readonly validationCode: string;
  readonly timestamp?: string;
  readonly creator?: string;
  readonly contract?: string;
  readonly function?: string;
  readonly arguments?: unknown;
  readonly endorsers?: readonly string[];
  readonly result?: unknown;
  readonly rwset?: readonly RwSetView[];
  readonly events?: readonly { name: string; payload: unknown }[];
}

export interface BlockView {
  readonly channel: string;
  readonly number: number;
  readonly hash: string;
  readonly previousHash: string;
  readonly dataHash: string;
  readonly timestamp: string;
  readonly signatures: readonly string[];
  readonly transactions: readonly TransactionView[];
}

export interface BlockPage {
  readonly channel: string;
  readonly height: number;
  readonly blocks: readonly BlockView[];
}

export interface TransactionLookup {
  readonly blockNumber: number;
  readonly validationCode: string;
  readonly transaction: TransactionView;
}

export interface KeyHistory {
  readonly channel: string;
  readonly namespace: string;
  readonly key: string;
  readonly knownNamespace: boolean;
  readonly count: number;
  readonly truncated: boolean;
  readonly entries: readonly {
    readonly blockNumber: number;
    readonly txIndex: number;
    readonly txId: string;
    readonly timestamp: string;
    readonly isDelete: boolean;
    readonly value: unknown;
  }[];
}

export interface ActivitySeries {
  readonly channel: string;
  readonly bucketMs: number;
  readonly points: readonly {
    readonly t: number;
    readonly blocks: number;
    readonly validTxs: number;
    readonly invalidTxs: Readonly<Record<string, number>>;
    readonly commitMs: number | null;
    readonly endorseMs: number | null;
    readonly orderMs: number | null;
    readonly endorseFailures: number;
    readonly orderFailures: number;
  }[];
}

export type CertificateStatus = 'ok' | 'expiring' | 'expired' | 'revoked' | 'not-yet-valid' | 'unreadable';

export interface CertificateReport {
  readonly generatedAt: string;
  readonly warnDays: number;
  readonly certificates: readonly {
    readonly kind: 'ca' | 'node' | 'user';
    readonly org: string;
    readonly mspId: string | null;
    readonly name: string;
    readonly role: string | null;
    readonly serial: string | null;
    readonly notBefore: string | null;
    readonly notAfter: string | null;
    readonly daysLeft: number | null;
    readonly status: CertificateStatus;
    readonly source: string;
    readonly revokedAt?: string;
    readonly error?: string;
  }[];
  readonly crls: readonly {
    readonly mspId: string;
    readonly channels: readonly string[];
    readonly issuer: string;
    readonly thisUpdate: string;
    readonly nextUpdate: string | null;
    readonly crlNumber: string | null;
    readonly sha256: string;
    readonly revokedSerials: readonly string[];
    readonly error?: string;
  }[];
  readonly revokedSerials: readonly {
    readonly mspId: string;
    readonly serial: string;
    readonly revokedAt: string | null;
    readonly reason: string | null;
    readonly published: boolean;
    readonly holder?: string;
  }[];
}

export interface Alert {
  readonly id: string;
  readonly kind: string;
  readonly severity: 'critical' | 'warning' | 'info';
  readonly subject: string;
  readonly message: string;
  readonly since: string;
}

export interface AlertList {
  readonly generatedAt: string;
  readonly alerts: readonly Alert[];
}

/** An error the gateway answered with, or a failure to reach it; `message` is for people. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

export interface IdentityList {
  readonly identities: readonly { readonly label: string; readonly mspId: string }[];
}

/** The identity channel reads are made as (the gateway checks it against the Readers policy). */
let readingAs: string | undefined;

/** Sets the identity later requests read channels as; undefined sends none. */
export function setReadingIdentity(label: string | undefined): void {
  readingAs = label;
}

/** GETs a JSON document from the gateway; every failure becomes an {@link ApiError}. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (readingAs !== undefined) headers['x-consortia-identity'] = readingAs;
  try {
    res = await fetch(path, { headers, ...(signal ? { signal } : {}) });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError('UNREACHABLE', `The gateway did not answer (${(err as Error).message}).`, 0);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiError('BAD_RESPONSE', `The gateway answered ${res.status} without JSON.`, res.status);
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = typeof e?.code === 'string' ? e.code : `HTTP_${res.status}`;
    const message = typeof e?.message === 'string' ? e.message : `The gateway answered ${res.status}.`;
    throw new ApiError(code, message, res.status);
  }
  return body as T;
}

const seg = encodeURIComponent;

/** Paths of the gateway endpoints the dashboard reads. */
export const api = {
  overview: () => '/api/v1/dashboard/overview',
  certificates: () => '/api/v1/dashboard/certificates',
  alerts: () => '/api/v1/dashboard/alerts',
  identities: () => '/api/v1/dashboard/identities',
  activity: (channel: string) => `/api/v1/dashboard/activity?channel=${seg(channel)}`,
  blocks: (channel: string, limit: number, from?: number) =>
    `/api/v1/channels/${seg(channel)}/blocks?limit=${limit}${from === undefined ? '' : `&from=${from}`}`,
  block: (channel: string, n: number) => `/api/v1/channels/${seg(channel)}/blocks/${n}`,
  transaction: (channel: string, txId: string) =>
    `/api/v1/channels/${seg(channel)}/transactions/${seg(txId)}`,
  history: (channel: string, namespace: string, key: string) =>
    `/api/v1/dashboard/channels/${seg(channel)}/history?namespace=${seg(namespace)}&key=${seg(key)}`,
};
