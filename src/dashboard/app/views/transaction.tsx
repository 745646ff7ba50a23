import { api, type TransactionLookup, type TransactionView } from '../api.js';
import { CodeBadge, Json, Loading, Message, Short, Time } from '../components.js';
import { hrefOf } from '../route.js';
import { usePoll } from '../usePoll.js';

/** Read–write sets, endorsers, arguments, result and events of one transaction. */
export function TransactionDetails(props: { tx: TransactionView; channel: string }) {
  const { tx, channel } = props;
  if (tx.type !== 'endorser') {
    return (
      <p class="muted">
        {tx.type === 'config'
          ? `A channel configuration update by ${tx.creator ?? 'an admin'}.`
          : 'A malformed envelope.'}
      </p>
    );
  }
  return (
    <div class="tx-details">
      <dl class="fields">
        <dt>Contract</dt>
        <dd>
          {tx.contract}.{tx.function}
        </dd>
        <dt>Creator</dt>
        <dd>{tx.creator}</dd>
        <dt>Endorsers</dt>
        <dd data-testid="endorsers">{(tx.endorsers ?? []).join(', ') || '—'}</dd>
        <dt>Proposed</dt>
        <dd>
          <Time iso={tx.timestamp} />
        </dd>
      </dl>
      <h4>Arguments</h4>
      <Json value={tx.arguments} />
      <h4>Read–write set</h4>
      {(tx.rwset ?? []).length === 0 && <p class="muted">No reads or writes.</p>}
      {(tx.rwset ?? []).map((ns) => (
        <div key={ns.namespace} class="rwset">
          <h5>{ns.namespace}</h5>
          <table class="grid compact" aria-label={`Reads and writes in ${ns.namespace}`}>
            <thead>
              <tr>
                <th>Key</th>
                <th>Read version</th>
                <th>Write</th>
              </tr>
            </thead>
            <tbody>
              {ns.reads.map((r) => (
                <tr key={`r:${r.key}`}>
                  <td>
                    <a href={hrefOf({ view: 'history', namespace: ns.namespace, key: r.key }, channel)}>
                      {r.key}
                    </a>
                  </td>
                  <td>{r.version ? `${r.version.block}:${r.version.tx}` : 'absent'}</td>
                  <td class="muted">—</td>
                </tr>
              ))}
              {ns.writes.map((w) => (
                <tr key={`w:${w.key}`}>
                  <td>
                    <a href={hrefOf({ view: 'history', namespace: ns.namespace, key: w.key }, channel)}>
                      {w.key}
                    </a>
                  </td>
                  <td class="muted">—</td>
                  <td>{w.delete ? <em>deleted</em> : <Json value={w.value} />}</td>
                </tr>
              ))}
              {ns.rangeReads.map((q) => (
                <tr key={`q:${q.startKey}:${q.endKey}`}>
                  <td>
                    range [{q.startKey}, {q.endKey})
                  </td>
                  <td>{q.keys} keys read</td>
                  <td class="muted">—</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      <h4>Events</h4>
      {(tx.events ?? []).length === 0 ? (
        <p class="muted">No events.</p>
      ) : (
        (tx.events ?? []).map((e) => (
          <div key={e.name}>
            <strong>{e.name}</strong>
            <Json value={e.payload} />
          </div>
        ))
      )}
      <h4>Result</h4>
      <Json value={tx.result} />
    </div>
  );
}

/** One transaction found by its id. */
export function TransactionPage(props: { channel: string; txId: string }) {
  const { data, error } = usePoll<TransactionLookup>(api.transaction(props.channel, props.txId), 3000);
  if (!data) {
    if (error?.code === 'UNKNOWN_TRANSACTION')
      return (
        <Message kind="warning">
          Channel {props.channel} has no transaction <Short value={props.txId} length={16} /> (yet). This page
          looks again every few seconds.
        </Message>
      );
    return <Loading error={error} what="the transaction" />;
  }
  const tx = data.transaction;
  return (
    <section aria-labelledby="tx-title">
      <h2 id="tx-title">
        Transaction <Short value={props.txId} length={16} />
      </h2>
      <dl class="fields">
        <dt>Transaction id</dt>
        <dd>
          <code data-testid="tx-id">{props.txId}</code>
        </dd>
        <dt>Block</dt>
        <dd>
          <a href={hrefOf({ view: 'block', number: data.blockNumber }, props.channel)}>#{data.blockNumber}</a>
          {tx ? ` (transaction ${tx.index})` : ''}
        </dd>
        <dt>Validation code</dt>
        <dd>
          <CodeBadge code={data.validationCode} />
        </dd>
      </dl>
      {tx && <TransactionDetails tx={tx} channel={props.channel} />}
    </section>
  );
}
