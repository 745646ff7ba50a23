import { useState } from 'preact/hooks';
import { api, type KeyHistory, type Overview } from '../api.js';
import { Json, Loading, Message, Short, Time } from '../components.js';
import { hrefOf, keyProblem, namespaceProblem } from '../route.js';
import { NUMBER_NAMESPACE } from '../search.js';
import { usePoll } from '../usePoll.js';

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Who holds the thing a key describes: `carrier` of a number, `owner` of an asset. */
function holderOf(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const h = value.carrier ?? value.owner;
  return typeof h === 'string' ? h : undefined;
}

/** Top-level fields that changed between two values, as "field: before → after". */
export function changedFields(before: unknown, after: unknown): string[] {
  if (!isObject(after)) return [];
  if (!isObject(before)) return ['created'];
  const show = (v: unknown) => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));
  const out: string[] = [];
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (k === 'updatedAt' || k === 'registeredAt') continue;
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k]))
      out.push(`${k}: ${show(before[k])} → ${show(after[k])}`);
  }
  return out;
}

function HistoryForm(props: {
  channel: string;
  namespace: string;
  keyText: string;
  namespaces: readonly string[];
}) {
  const [ns, setNs] = useState(props.namespace);
  const [key, setKey] = useState(props.keyText);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const submit = (e: Event) => {
    e.preventDefault();
    const p = namespaceProblem(ns.trim()) ?? keyProblem(key);
    setProblem(p);
    if (!p) location.hash = hrefOf({ view: 'history', namespace: ns.trim(), key }, props.channel);
  };
  return (
    <form class="history-form" onSubmit={submit}>
      <label>
        Namespace
        <input
          name="namespace"
          list="namespaces"
          value={ns}
          onInput={(e) => setNs((e.target as HTMLInputElement).value)}
        />
        <datalist id="namespaces">
          {props.namespaces.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
      </label>
      <label>
        Key
        <input
          name="key"
          value={key}
          placeholder="number:+4915112345678"
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit">Show history</button>
      {problem && <Message kind="error">{problem}</Message>}
    </form>
  );
}

function HistoryTable(props: { channel: string; data: KeyHistory }) {
  const { data, channel } = props;
  if (data.entries.length === 0) {
    return (
      <Message kind="info">
        Key <code>{data.key}</code> has never been written in {data.namespace} on channel {channel}.
        {!data.knownNamespace && ` Note: ${data.namespace} is not a contract of this channel.`}
      </Message>
    );
  }
  const showHolder = data.entries.some((e) => holderOf(e.value) !== undefined);
  return (
    <>
      <p>
        {data.count} change{data.count === 1 ? '' : 's'}, oldest first
        {data.truncated ? ` (showing the last ${data.entries.length})` : ''}.
      </p>
      <table class="grid" aria-label="Key history">
        <thead>
          <tr>
            <th>Block</th>
            <th>Transaction</th>
            <th>Time</th>
            {showHolder && <th>Holder</th>}
            <th>Change</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {data.entries.map((e, i) => {
            const before = i > 0 ? data.entries[i - 1]?.value : undefined;
            const changes = e.isDelete ? ['deleted'] : changedFields(before, e.value);
            return (
              <tr key={`${e.blockNumber}:${e.txIndex}`} data-testid="history-row">
                <td>
                  <a href={hrefOf({ view: 'block', number: e.blockNumber }, channel)}>#{e.blockNumber}</a>
                </td>
                <td>
                  <a href={hrefOf({ view: 'tx', txId: e.txId }, channel)}>
                    <Short value={e.txId} />
                  </a>
                </td>
                <td>
                  <Time iso={e.timestamp} />
                </td>
                {showHolder && <td class="holder">{holderOf(e.value) ?? '—'}</td>}
                <td class="small">
                  {changes.map((c) => (
                    <div key={c}>{c}</div>
                  ))}
                </td>
                <td>{e.isDelete ? <em>deleted</em> : <Json value={e.value} />}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/** Every change of one key, e.g. each change of a phone number's carrier. */
export function KeyHistoryView(props: { channel: string; namespace?: string; keyText?: string }) {
  const overview = usePoll<Overview>(api.overview(), 0);
  const contracts =
    overview.data?.channels.find((c) => c.name === props.channel)?.contracts.map((c) => c.name) ?? [];
  const path =
    props.namespace !== undefined && props.keyText !== undefined
      ? api.history(props.channel, props.namespace, props.keyText)
      : undefined;
  const { data, error } = usePoll<KeyHistory>(path, 3000);
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">Key history</h2>
      <HistoryForm
        key={`${props.namespace}|${props.keyText}|${contracts.length}`}
        channel={props.channel}
        namespace={
          props.namespace ?? (contracts.includes(NUMBER_NAMESPACE) ? NUMBER_NAMESPACE : (contracts[0] ?? ''))
        }
        keyText={props.keyText ?? ''}
        namespaces={contracts}
      />
      {path === undefined ? (
        <p class="muted">
          Choose a namespace and a key. Phone numbers are keys <code>number:+49…</code> in {NUMBER_NAMESPACE}.
        </p>
      ) : data ? (
        <>
          <h3>
            {data.namespace} / <code data-testid="history-key">{data.key}</code>
          </h3>
          <HistoryTable channel={props.channel} data={data} />
        </>
      ) : (
        <Loading error={error} what="the history" />
      )}
    </section>
  );
}
