/** The dashboard's views, addressed by the URL fragment (`#/blocks/12?channel=telecom`). */
export type Route =
  | { readonly view: 'overview' }
  | { readonly view: 'blocks'; readonly from?: number }
  | { readonly view: 'block'; readonly number: number }
  | { readonly view: 'tx'; readonly txId: string }
  | { readonly view: 'history'; readonly namespace?: string; readonly key?: string }
  | { readonly view: 'charts' }
  | { readonly view: 'certificates' }
  | { readonly view: 'alerts' }
  | { readonly view: 'search'; readonly query: string }
  | { readonly view: 'invalid'; readonly message: string };

/** A route and the channel the address names, if any. */
export interface Location {
  readonly route: Route;
  readonly channel?: string;
}

export const BLOCK_NUMBER = /^\d{1,15}$/;
export const TX_ID = /^[0-9a-fA-F]{64}$/;
export const NAMESPACE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const CHANNEL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,248}$/;
export const MAX_KEY_LENGTH = 1024;

const show = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

/** Why a key cannot be looked up, or undefined when it can. */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'Give a key, for example number:+4915112345678.';
  if (key.length > MAX_KEY_LENGTH)
    return `A key has at most ${MAX_KEY_LENGTH} characters; this one has ${key.length}.`;
  if (key.includes('\0')) return 'A key cannot contain the character U+0000.';
  return undefined;
}

/** Why a namespace cannot be looked up, or undefined when it can. */
export function namespaceProblem(ns: string): string | undefined {
  if (ns.length === 0) return 'Choose a namespace (contract), for example number-portability.';
  if (!NAMESPACE.test(ns)) return `${show(ns)} is not a contract name: use letters, digits, _ . and -.`;
  return undefined;
}

/**
 * Reads a URL fragment into a route. It never throws: anything it cannot read becomes an
 * `invalid` route whose message says what was wrong.
 *
 * @example
 * parseLocation('#/blocks/7?channel=telecom'); // { route: { view: 'block', number: 7 }, channel: 'telecom' }
 */
export function parseLocation(hash: string): Location {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const pathPart = q === -1 ? raw : raw.slice(0, q);
  let params: URLSearchParams;
  let segments: string[];
  try {
    params = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1));
    segments = pathPart
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => decodeURIComponent(s));
  } catch {
    return {
      route: {
        view: 'invalid',
        message: 'The address is malformed (a bad %-escape); go back to the overview.',
      },
    };
  }
  const channelParam = params.get('channel');
  let channel: string | undefined;
  if (channelParam !== null) {
    if (!CHANNEL.test(channelParam)) {
      return {
        route: { view: 'invalid', message: `${show(channelParam)} is not a channel name.` },
      };
    }
    channel = channelParam;
  }
  const at = (route: Route): Location => (channel === undefined ? { route } : { route, channel });
  const [view = 'overview', arg, ...rest] = segments;
  const extra = rest.length > 0 || (arg !== undefined && !['blocks', 'tx'].includes(view));
  if (extra) return at({ view: 'invalid', message: `There is no page ${show(`/${segments.join('/')}`)}.` });
  switch (view) {
    case 'overview':
      return at({ view: 'overview' });
    case 'blocks': {
      const from = params.get('from');
      if (arg !== undefined) {
        if (!BLOCK_NUMBER.test(arg))
          return at({ view: 'invalid', message: `${show(arg)} is not a block number (0, 1, 2, …).` });
        return at({ view: 'block', number: Number(arg) });
      }
      if (from !== null) {
        if (!BLOCK_NUMBER.test(from))
          return at({ view: 'invalid', message: `${show(from)} is not a block number (0, 1, 2, …).` });
        return at({ view: 'blocks', from: Number(from) });
      }
      return at({ view: 'blocks' });
    }
    case 'tx':
      if (arg === undefined || !TX_ID.test(arg))
        return at({
          view: 'invalid',
          message: `${show(arg ?? '')} is not a transaction id: a transaction id is 64 hex characters.`,
        });
      return at({ view: 'tx', txId: arg.toLowerCase() });
    case 'history': {
      const ns = params.get('ns');
      const key = params.get('key');
      if (ns === null && key === null) return at({ view: 'history' });
      const problem = namespaceProblem(ns ?? '') ?? keyProblem(key ?? '');
      if (problem) return at({ view: 'invalid', message: problem });
      return at({ view: 'history', namespace: ns!, key: key! });
    }
    case 'charts':
    case 'certificates':
    case 'alerts':
      return at({ view });
    case 'search':
      return at({ view: 'search', query: params.get('q') ?? '' });
    default:
      return at({ view: 'invalid', message: `There is no page ${show(`/${view}`)}.` });
  }
}

/**
 * The URL fragment of a route.
 *
 * @example
 * hrefOf({ view: 'block', number: 7 }, 'telecom'); // '#/blocks/7?channel=telecom'
 */
export function hrefOf(route: Route, channel?: string): string {
  const params = new URLSearchParams();
  let path: string;
  switch (route.view) {
    case 'block':
      path = `/blocks/${route.number}`;
      break;
    case 'blocks':
      path = '/blocks';
      if (route.from !== undefined) params.set('from', String(route.from));
      break;
    case 'tx':
      path = `/tx/${route.txId}`;
      break;
    case 'history':
      path = '/history';
      if (route.namespace !== undefined) params.set('ns', route.namespace);
      if (route.key !== undefined) params.set('key', route.key);
      break;
    case 'search':
      path = '/search';
      params.set('q', route.query);
      break;
    case 'invalid':
      path = '/overview';
      break;
    default:
      path = `/${route.view}`;
  }
  if (channel !== undefined) params.set('channel', channel);
  const query = params.toString();
  return `#${path}${query ? `?${query}` : ''}`;
}
