import { BLOCK_NUMBER, keyProblem, NAMESPACE, type Route, TX_ID } from './route.js';

/** Where a search leads, or why it cannot. */
export type SearchResult = { readonly route: Route } | { readonly error: string };

/** The namespace of phone numbers (seed 004: number portability). */
export const NUMBER_NAMESPACE = 'number-portability';

const E164 = /^\+[1-9]\d{1,14}$/;
/** Characters a key typed into the search box may have; any key can be looked up in Key history. */
const KEY_TEXT = /^[A-Za-z0-9_][A-Za-z0-9_.:+@/-]*$/;
const MAX_QUERY = 1100;

export const SEARCH_HINT =
  'Type a block number, a transaction id (64 hex characters), a phone number such as +4915112345678, ' +
  'or a key such as number:+4915112345678 or asset-registry/asset1.';

const show = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

/**
 * Reads what was typed into the search box: a block number, a transaction id, a phone number
 * (its `number:` key in number-portability), `namespace/key`, or a key of `defaultNamespace`.
 * Garbage gives an error message that says what the box accepts. It never throws.
 *
 * @example
 * classifySearch('12', 'asset-registry'); // { route: { view: 'block', number: 12 } }
 * classifySearch('<b>', 'asset-registry'); // { error: '"<b>" is not … ' }
 */
export function classifySearch(input: string, defaultNamespace: string): SearchResult {
  const q = input.trim();
  if (q.length === 0) return { error: SEARCH_HINT };
  if (q.length > MAX_QUERY)
    return {
      error: `The search text is ${q.length} characters long; that is not something to look up. ${SEARCH_HINT}`,
    };
  if (/^-\d+$/.test(q)) return { error: `Block numbers start at 0; ${show(q)} is negative.` };
  if (/^\d+$/.test(q)) {
    if (!BLOCK_NUMBER.test(q)) return { error: `${show(q)} is too large to be a block number.` };
    return { route: { view: 'block', number: Number(q) } };
  }
  if (TX_ID.test(q)) return { route: { view: 'tx', txId: q.toLowerCase() } };
  if (/^[0-9a-fA-F]{32,}$/.test(q) && /[a-fA-F]/.test(q)) {
    return {
      error: `${show(q)} looks like a transaction id but has ${q.length} characters; a transaction id has 64.`,
    };
  }
  if (E164.test(q)) return { route: { view: 'history', namespace: NUMBER_NAMESPACE, key: `number:${q}` } };
  if (!KEY_TEXT.test(q))
    return { error: `${show(q)} is not a block number, a transaction id or a key. ${SEARCH_HINT}` };
  const slash = q.indexOf('/');
  if (slash > 0) {
    const ns = q.slice(0, slash);
    const key = q.slice(slash + 1);
    if (NAMESPACE.test(ns) && key.length > 0) {
      const problem = keyProblem(key);
      return problem ? { error: problem } : { route: { view: 'history', namespace: ns, key } };
    }
  }
  if (q.startsWith('number:') && !E164.test(q.slice('number:'.length))) {
    return {
      error: `${show(q.slice('number:'.length))} is not a phone number in E.164 form, such as +4915112345678.`,
    };
  }
  const ns = q.startsWith('number:') ? NUMBER_NAMESPACE : defaultNamespace;
  if (!NAMESPACE.test(ns)) return { error: `Choose a namespace to search keys in. ${SEARCH_HINT}` };
  const problem = keyProblem(q);
  return problem ? { error: problem } : { route: { view: 'history', namespace: ns, key: q } };
}
