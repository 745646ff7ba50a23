import { ConsortiaError } from '../common/index.js';
import { MAX_POLICY_DEPTH, MAX_POLICY_PRINCIPALS, POLICY_ERRORS } from './errors.js';
import { formatPolicy } from './formatPolicy.js';
import {
  type ImplicitMetaRule,
  type ImplicitMetaSubPolicy,
  META_SUB_POLICIES,
  type Policy,
  type PolicyNode,
  PRINCIPAL_ROLES,
  type PrincipalRole,
} from './types.js';

/** MSP ids: a letter or digit, then letters, digits, `_`, `.` or `-`. */
export const MSP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const META_RULES: ReadonlyMap<string, ImplicitMetaRule> = new Map([
  ['any', 'ANY'],
  ['majority', 'MAJORITY'],
  ['all', 'ALL'],
]);

/** Lower-cased singular and plural spellings of each sub-policy. */
const META_SUBS: ReadonlyMap<string, ImplicitMetaSubPolicy> = new Map(
  META_SUB_POLICIES.flatMap((name) => {
    const lower = name.toLowerCase();
    const other = lower.endsWith('s') ? lower.slice(0, -1) : `${lower}s`;
    return [
      [lower, name],
      [other, name],
    ] as const;
  }),
);

const ROLES = new Set<string>(PRINCIPAL_ROLES);
const ROLE_LIST = PRINCIPAL_ROLES.join(', ');
const CALL_EXPECTED =
  "AND, OR, OutOf, a quoted principal such as 'Org1.member' or a meta term such as MAJORITY Admins";

function isWs(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isQuote(c: number): boolean {
  return c === 39 || c === 34;
}

function snippet(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Shows a found token in a message: `'x'`, `"'"` for a single quote, or a JSON escape. */
function showChar(ch: string): string {
  if (ch === "'") return `"'"`;
  const c = ch.codePointAt(0) ?? 0;
  return c < 32 || c === 127 ? JSON.stringify(ch) : `'${ch}'`;
}

class PolicyParser {
  readonly #text: string;
  #pos = 0;
  /** Principals and meta terms seen so far. */
  #terms = 0;

  constructor(text: string) {
    this.#text = text;
  }

  parse(): Policy {
    this.#skipWs();
    if (this.#pos >= this.#text.length) {
      throw this.#error(
        this.#pos,
        `the policy is empty; write for example AND('Org1.member', 'Org2.member') or ANY Writers`,
        'a policy',
        'end of input',
      );
    }
    const word = this.#wordAt(this.#pos);
    if (word !== '' && META_RULES.has(word.toLowerCase())) {
      // A meta term that is the whole text is an implicit meta-policy, as before meta terms could nest.
      const { rule, subPolicy } = this.#parseMetaTerm(word);
      this.#expectEnd();
      return Object.freeze({ kind: 'implicitMeta', rule, subPolicy, text: `${rule} ${subPolicy}` });
    }
    const root = this.#parseExpr(0);
    this.#expectEnd();
    return Object.freeze({ kind: 'signature', root, text: formatPolicy(root) });
  }

  /** Parses `RULE SubPolicy` starting with the rule `word` at the current position. */
  #parseMetaTerm(word: string): { rule: ImplicitMetaRule; subPolicy: ImplicitMetaSubPolicy } {
    const rule = META_RULES.get(word.toLowerCase()) as ImplicitMetaRule;
    this.#pos += word.length;
    const afterRule = this.#pos;
    this.#skipWs();
    const subWord = this.#wordAt(this.#pos);
    if (afterRule === this.#pos || subWord === '') {
      throw this.#expected(this.#pos, `a space and a sub-policy name (${META_SUB_POLICIES.join(', ')})`);
    }
    const subPolicy = META_SUBS.get(subWord.toLowerCase());
    if (subPolicy === undefined) {
      throw this.#error(
        this.#pos,
        `unknown sub-policy '${snippet(subWord)}'; use one of ${META_SUB_POLICIES.join(', ')}`,
        META_SUB_POLICIES.join(', '),
        `'${snippet(subWord)}'`,
      );
    }
    this.#pos += subWord.length;
    return { rule, subPolicy };
  }

  #parseExpr(depth: number): PolicyNode {
    this.#skipWs();
    const start = this.#pos;
    const c = this.#text.charCodeAt(start);
    if (isQuote(c)) return this.#parsePrincipal();
    const word = this.#wordAt(start);
    const kw = word.toLowerCase();
    if (kw === 'and' || kw === 'or' || kw === 'outof') {
      if (depth >= MAX_POLICY_DEPTH) {
        throw new ConsortiaError(
          POLICY_ERRORS.POLICY_TOO_COMPLEX,
          `policy too complex at position ${start}: AND/OR/OutOf may nest at most ${MAX_POLICY_DEPTH} deep; flatten the policy`,
          { position: start, limit: MAX_POLICY_DEPTH },
        );
      }
      this.#pos += word.length;
      this.#expectChar('(');
      return this.#parseCall(kw, depth + 1);
    }
    if (META_RULES.has(kw)) {
      this.#countTerm(start);
      const { rule, subPolicy } = this.#parseMetaTerm(word);
      return Object.freeze({ kind: 'meta', rule, subPolicy });
    }
    throw this.#expected(start, CALL_EXPECTED);
  }

  #parseCall(kw: string, depth: number): PolicyNode {
    let n = 0;
    let nPos = 0;
    let nToken = '';
    if (kw === 'outof') {
      this.#skipWs();
      nPos = this.#pos;
      nToken = this.#tokenAt(nPos);
      if (nToken === '') throw this.#expected(nPos, 'the number of rules required, such as 2');
      if (!/^[+-]?\d+$/.test(nToken)) {
        throw this.#error(
          nPos,
          `OutOf needs a whole number of required rules first, but found '${snippet(nToken)}'`,
          'a whole number',
          `'${snippet(nToken)}'`,
        );
      }
      n = Number(nToken);
      this.#pos += nToken.length;
      this.#expectChar(',');
    }
    const rules: PolicyNode[] = [];
    for (;;) {
      rules.push(this.#parseExpr(depth));
      this.#skipWs();
      const c = this.#text.charCodeAt(this.#pos);
      if (c === 44 /* , */) {
        this.#pos++;
      } else if (c === 41 /* ) */) {
        this.#pos++;
        break;
      } else {
        throw this.#expected(this.#pos, "',' or ')'");
      }
    }
    if (kw === 'and') n = rules.length;
    else if (kw === 'or') n = 1;
    else if (n < 1 || n > rules.length) {
      throw this.#error(
        nPos,
        `OutOf(${snippet(nToken)}, ...) lists ${rules.length} rule(s), so its count must be between 1 and ${rules.length}`,
        `an integer between 1 and ${rules.length}`,
        `'${snippet(nToken)}'`,
      );
    }
    return Object.freeze({ kind: 'outOf', n, rules: Object.freeze(rules) });
  }

  #parsePrincipal(): PolicyNode {
    const text = this.#text;
    const qPos = this.#pos;
    const quote = text[qPos] as string;
    const end = text.indexOf(quote, qPos + 1);
    if (end < 0) {
      throw this.#error(
        qPos,
        `unterminated string starting at position ${qPos}; add the closing ${quote}`,
        `closing ${quote}`,
        'end of input',
      );
    }
    this.#countTerm(qPos);
    const content = text.slice(qPos + 1, end);
    const dot = content.lastIndexOf('.');
    if (dot < 0) {
      throw this.#error(
        qPos + 1,
        `principal '${snippet(content)}' has no role; write it as 'MSPID.role' with role one of ${ROLE_LIST}`,
        `'MSPID.role' with role one of ${ROLE_LIST}`,
        `'${snippet(content)}'`,
      );
    }
    const mspId = content.slice(0, dot);
    const role = content.slice(dot + 1);
    if (!ROLES.has(role)) {
      throw this.#error(
        qPos + 2 + dot,
        `unknown role '${snippet(role)}' in principal '${snippet(content)}'; use one of ${ROLE_LIST}`,
        ROLE_LIST,
        `'${snippet(role)}'`,
      );
    }
    if (!MSP_ID_PATTERN.test(mspId)) {
      throw this.#error(
        qPos + 1,
        `invalid MSP id '${snippet(mspId)}' in principal '${snippet(content)}'; an MSP id starts with a letter or digit and contains only letters, digits, '_', '.' and '-'`,
        'an MSP id',
        `'${snippet(mspId)}'`,
      );
    }
    this.#pos = end + 1;
    return Object.freeze({
      kind: 'principal',
      principal: Object.freeze({ mspId, role: role as PrincipalRole }),
    });
  }

  /** Counts a principal or meta term starting at `pos` against `MAX_POLICY_PRINCIPALS`. */
  #countTerm(pos: number): void {
    if (++this.#terms > MAX_POLICY_PRINCIPALS) {
      throw new ConsortiaError(
        POLICY_ERRORS.POLICY_TOO_COMPLEX,
        `policy too complex at position ${pos}: at most ${MAX_POLICY_PRINCIPALS} principals and meta terms are allowed; split the policy`,
        { position: pos, limit: MAX_POLICY_PRINCIPALS },
      );
    }
  }

  #skipWs(): void {
    const text = this.#text;
    while (this.#pos < text.length && isWs(text.charCodeAt(this.#pos))) this.#pos++;
  }

  #expectChar(ch: string): void {
    this.#skipWs();
    if (this.#text[this.#pos] !== ch) throw this.#expected(this.#pos, `'${ch}'`);
    this.#pos++;
  }

  #expectEnd(): void {
    this.#skipWs();
    if (this.#pos < this.#text.length) throw this.#expected(this.#pos, 'end of input');
  }

  /** The identifier starting at `pos`, or '' when none starts there. */
  #wordAt(pos: number): string {
    const text = this.#text;
    if (!isIdentStart(text.charCodeAt(pos))) return '';
    let end = pos + 1;
    while (end < text.length && isIdentPart(text.charCodeAt(end))) end++;
    return text.slice(pos, end);
  }

  /** The run of characters at `pos` up to whitespace, a quote, a comma or a parenthesis. */
  #tokenAt(pos: number): string {
    const text = this.#text;
    let end = pos;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (isWs(c) || isQuote(c) || c === 44 || c === 40 || c === 41) break;
      end++;
    }
    return text.slice(pos, end);
  }

  #describe(pos: number): string {
    if (pos >= this.#text.length) return 'end of input';
    const word = this.#wordAt(pos);
    if (word !== '') return `'${snippet(word)}'`;
    return showChar(String.fromCodePoint(this.#text.codePointAt(pos) ?? 0));
  }

  #expected(pos: number, expected: string): ConsortiaError {
    const found = this.#describe(pos);
    return this.#error(pos, `expected ${expected} but found ${found}`, expected, found);
  }

  #error(position: number, what: string, expected: string, found: string): ConsortiaError {
    return new ConsortiaError(
      POLICY_ERRORS.POLICY_SYNTAX,
      `policy syntax error at position ${position}: ${what}`,
      {
        position,
        expected,
        found,
      },
    );
  }
}

/**
 * Parses a policy in Fabric's syntax: a signature policy built from `AND`, `OR` and
 * `OutOf(n, ...)` over quoted principals `'MSPID.role'` and meta terms such as `MAJORITY Admins`,
 * or an implicit meta-policy (a meta term that is the whole text). Inside a signature policy a
 * meta term becomes a `{ kind: 'meta' }` node, a condition on the channel's orgs judged over all
 * the signers as the whole-text meta-policy is (see `evaluatePolicy`). Keywords are
 * case-insensitive and whitespace may appear between any tokens. Throws `POLICY_SYNTAX` naming the
 * 0-based position of the problem, or `POLICY_TOO_COMPLEX` beyond 32 nested calls or 1024
 * principals and meta terms. The result is frozen and its `text` is the canonical form.
 *
 * @example
 * const p = parsePolicy(`AND('Regulator.member', OutOf(2, 'TelcoA.member', 'TelcoB.member', 'TelcoC.member'))`);
 * parsePolicy('MAJORITY Admins'); // { kind: 'implicitMeta', rule: 'MAJORITY', subPolicy: 'Admins', ... }
 * parsePolicy(`AND('Regulator.admin', MAJORITY Admins)`).text; // "AND('Regulator.admin', MAJORITY Admins)"
 */
export function parsePolicy(text: string): Policy {
  if (typeof text !== 'string') {
    throw new ConsortiaError(
      POLICY_ERRORS.POLICY_SYNTAX,
      'policy syntax error at position 0: the policy must be a string',
      { position: 0, expected: 'a policy string', found: typeof text },
    );
  }
  return new PolicyParser(text).parse();
}
