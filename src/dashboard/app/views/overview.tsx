import { type AlertList, api, type Overview } from '../api.js';
import { Badge, Loading, Message, Time } from '../components.js';
import { hrefOf } from '../route.js';
import { usePoll } from '../usePoll.js';

/** Orgs, their nodes with health and ledger height per channel, lag, and the channels. */
export function OverviewView(props: { channel: string | undefined }) {
  const { data, error } = usePoll<Overview>(api.overview(), 2000);
  const alerts = usePoll<AlertList>(api.alerts(), 5000);
  if (!data) return <Loading error={error} what="the consortium overview" />;
  const channels = data.channels.map((c) => c.name);
  const critical = alerts.data?.alerts.filter((a) => a.severity === 'critical').length ?? 0;
  const warnings = alerts.data?.alerts.filter((a) => a.severity === 'warning').length ?? 0;
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">Consortium overview</h2>
      {error && <Message kind="warning">Showing the last answer: {error.message}</Message>}
      <div class="summary">
        <div class="stat">
          <span class="stat-label">Health</span>
          <Badge tone={data.status === 'ok' ? 'ok' : 'alert'}>
            {data.status === 'ok' ? 'all nodes up' : 'degraded'}
          </Badge>
        </div>
        <div class="stat">
          <span class="stat-label">Orgs</span>
          <span class="stat-value">{data.orgs.length}</span>
        </div>
        <div class="stat">
          <span class="stat-label">Nodes</span>
          <span class="stat-value">{data.nodes.length}</span>
        </div>
        {data.channels.map((c) => (
          <div class="stat" key={c.name}>
            <span class="stat-label">Height of {c.name}</span>
            <span class="stat-value" data-testid={`height-${c.name}`}>
              {c.height}
            </span>
          </div>
        ))}
        <div class="stat">
          <span class="stat-label">Alerts</span>
          <a href={hrefOf({ view: 'alerts' }, props.channel)}>
            {critical > 0 && <Badge tone="alert">{critical} critical</Badge>}{' '}
            {warnings > 0 && <Badge tone="warning">{warnings} warning</Badge>}
            {critical + warnings === 0 && <Badge tone="ok">none</Badge>}
          </a>
        </div>
      </div>

      <h3>Nodes</h3>
      <table class="grid" aria-label="Nodes">
        <thead>
          <tr>
            <th>Org</th>
            <th>Node</th>
            <th>Role</th>
            <th>Status</th>
            {channels.map((c) => (
              <th key={c}>{c}: height (lag)</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.orgs.flatMap((org) =>
            org.nodes.map((n) => (
              <tr key={n.id} data-testid={`node-${n.id}`}>
                <td>{org.mspId}</td>
                <td>{n.id}</td>
                <td>{n.role}</td>
                <td>
                  <Badge tone={n.status === 'up' ? 'ok' : 'alert'}>{n.status}</Badge>
                  {n.error && <div class="muted small">{n.error}</div>}
                </td>
                {channels.map((c) => {
                  const h = n.channels[c];
                  if (!h)
                    return (
                      <td key={c} class="muted">
                        —
                      </td>
                    );
                  return (
                    <td key={c}>
                      {h.height}{' '}
                      {h.lag > 0 ? (
                        <Badge tone="warning">{h.lag} behind</Badge>
                      ) : (
                        <span class="muted">(0)</span>
                      )}
                    </td>
                  );
                })}
              </tr>
            )),
          )}
        </tbody>
      </table>

      <h3>Orgs</h3>
      <ul class="orgs">
        {data.orgs.map((o) => (
          <li key={o.mspId}>
            <strong>{o.mspId}</strong>{' '}
            <span class="muted">{o.kind === 'orderer' ? 'ordering org' : 'member'}</span>
            {o.channels.length > 0 && <span> · channels: {o.channels.join(', ')}</span>}
            <span>
              {' '}
              · {o.nodes.length} node{o.nodes.length === 1 ? '' : 's'}
            </span>
          </li>
        ))}
      </ul>

      <h3>Channels</h3>
      <table class="grid" aria-label="Channels">
        <thead>
          <tr>
            <th>Channel</th>
            <th>Height</th>
            <th>Orderer height</th>
            <th>Config sequence</th>
            <th>Contracts (endorsement policy)</th>
          </tr>
        </thead>
        <tbody>
          {data.channels.map((c) => (
            <tr key={c.name}>
              <td>
                <a href={hrefOf({ view: 'blocks' }, c.name)}>{c.name}</a>
              </td>
              <td>{c.height}</td>
              <td>{c.ordererHeight ?? '—'}</td>
              <td>{c.configSequence ?? '—'}</td>
              <td>
                {c.contracts.map((k) => (
                  <div key={k.name}>
                    <strong>{k.name}</strong> {k.version} <code class="small">{k.endorsementPolicy}</code>
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">
        Updated <Time iso={data.generatedAt} />
      </p>
    </section>
  );
}
