import { useState } from 'preact/hooks';
import { api, type BlockPage, type BlockView, type TransactionView } from '../api.js';
import { Badge, CodeBadge, Loading, Message, Short, Time } from '../components.js';
import { hrefOf } from '../route.js';
import { usePoll } from '../usePoll.js';
import { TransactionDetails } from './transaction.js';

const PAGE = 15;

function validity(txs: readonly TransactionView[]) {
  const invalid = txs.filter((t) => t.validationCode !== 'VALID').length;
  return invalid === 0 ? (
    <Badge tone="ok">{txs.length} valid</Badge>
  ) : (
    <Badge tone="alert">
      {invalid} of {txs.length} invalid
    </Badge>
  );
}

/** The latest blocks of a channel (or a page of older ones), newest first. */
export function BlockList(props: { channel: string; from?: number }) {
  const path =
    props.from === undefined ? api.blocks(props.channel, PAGE) : api.blocks(props.channel, PAGE, props.from);
  const { data, error } = usePoll<BlockPage>(path, 2000);
  if (!data) return <Loading error={error} what="blocks" />;
  const blocks = [...data.blocks].reverse();
  const oldest = data.blocks[0]?.number ?? 0;
  return (
    <section aria-labelledby="blocks-title">
      <h2 id="blocks-title">
        Blocks of {data.channel} <span class="muted">(height {data.height})</span>
      </h2>
      {error && <Message kind="warning">Showing the last answer: {error.message}</Message>}
      {blocks.length === 0 && (
        <Message kind="info">No blocks in this range; the channel has {data.height}.</Message>
      )}
      <table class="grid" aria-label="Blocks">
        <thead>
          <tr>
            <th>Block</th>
            <th>Cut at</th>
            <th>Transactions</th>
            <th>Contracts</th>
            <th>Hash</th>
          </tr>
        </thead>
        <tbody>
          {blocks.map((b) => (
            <tr key={b.number} data-testid={`block-row-${b.number}`}>
              <td>
                <a href={hrefOf({ view: 'block', number: b.number }, data.channel)}>#{b.number}</a>
              </td>
              <td>
                <Time iso={b.timestamp} />
              </td>
              <td>{validity(b.transactions)}</td>
              <td class="small">
                {[
                  ...new Set(
                    b.transactions.map((t) =>
                      t.type === 'endorser' ? `${t.contract}.${t.function}` : t.type,
                    ),
                  ),
                ].join(', ')}
              </td>
              <td>
                <Short value={b.hash} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label="Block pages">
        {oldest > 0 && (
          <a href={hrefOf({ view: 'blocks', from: Math.max(0, oldest - PAGE) }, data.channel)}>
            ← older blocks
          </a>
        )}
        {props.from !== undefined && <a href={hrefOf({ view: 'blocks' }, data.channel)}>latest blocks →</a>}
      </nav>
    </section>
  );
}

function TransactionRow(props: { tx: TransactionView; channel: string }) {
  const [open, setOpen] = useState(false);
  const { tx } = props;
  return (
    <>
      <tr data-testid={`tx-row-${tx.index}`}>
        <td>{tx.index}</td>
        <td>
          {tx.txId ? (
            <a href={hrefOf({ view: 'tx', txId: tx.txId }, props.channel)}>
              <Short value={tx.txId} length={16} />
            </a>
          ) : (
            '—'
          )}
        </td>
        <td>{tx.type === 'endorser' ? `${tx.contract}.${tx.function}` : tx.type}</td>
        <td>{tx.creator ?? '—'}</td>
        <td>{(tx.endorsers ?? []).join(', ') || '—'}</td>
        <td>
          <CodeBadge code={tx.validationCode} />
        </td>
        <td>
          <button type="button" class="link" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'hide' : 'details'}
          </button>
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={7}>
            <TransactionDetails tx={tx} channel={props.channel} />
          </td>
        </tr>
      )}
    </>
  );
}

/** One block: its header and its transactions with validation codes. */
export function BlockPageView(props: { channel: string; number: number }) {
  const { data, error } = usePoll<BlockView>(api.block(props.channel, props.number), 3000);
  if (!data) {
    if (error?.code === 'UNKNOWN_BLOCK')
      return (
        <Message kind="warning">
          {error.message}. This page looks again every few seconds;{' '}
          <a href={hrefOf({ view: 'blocks' }, props.channel)}>see the latest blocks</a>.
        </Message>
      );
    return <Loading error={error} what={`block ${props.number}`} />;
  }
  return (
    <section aria-labelledby="block-title">
      <h2 id="block-title">
        Block #{data.number} <span class="muted">of {data.channel}</span>
      </h2>
      <nav class="pager" aria-label="Neighbouring blocks">
        {data.number > 0 && (
          <a href={hrefOf({ view: 'block', number: data.number - 1 }, props.channel)}>← #{data.number - 1}</a>
        )}
        <a href={hrefOf({ view: 'block', number: data.number + 1 }, props.channel)}>#{data.number + 1} →</a>
      </nav>
      <dl class="fields">
        <dt>Cut at</dt>
        <dd>
          <Time iso={data.timestamp} />
        </dd>
        <dt>Hash</dt>
        <dd>
          <code>{data.hash}</code>
        </dd>
        <dt>Previous hash</dt>
        <dd>
          <code>{data.previousHash || '—'}</code>
        </dd>
        <dt>Data hash</dt>
        <dd>
          <code>{data.dataHash}</code>
        </dd>
        <dt>Signed by</dt>
        <dd>{data.signatures.join(', ')}</dd>
      </dl>
      <h3>Transactions</h3>
      <table class="grid" aria-label="Transactions">
        <thead>
          <tr>
            <th>#</th>
            <th>Transaction id</th>
            <th>Function</th>
            <th>Creator</th>
            <th>Endorsers</th>
            <th>Validation</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {data.transactions.map((tx) => (
            <TransactionRow key={tx.index} tx={tx} channel={props.channel} />
          ))}
        </tbody>
      </table>
    </section>
  );
}
