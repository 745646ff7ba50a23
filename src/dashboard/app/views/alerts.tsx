import { type AlertList, api } from '../api.js';
import { Badge, Loading, Message, Time } from '../components.js';
import { usePoll } from '../usePoll.js';

const TONE = { critical: 'alert', warning: 'warning', info: 'neutral' } as const;

/** Active alerts, most severe first. */
export function AlertsView() {
  const { data, error } = usePoll<AlertList>(api.alerts(), 5000);
  if (!data) return <Loading error={error} what="alerts" />;
  return (
    <section aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      {error && <Message kind="warning">Showing the last answer: {error.message}</Message>}
      {data.alerts.length === 0 ? (
        <Message kind="info">
          No alerts: every node answers, no peer lags, disk and certificates are fine.
        </Message>
      ) : (
        <table class="grid" aria-label="Alerts">
          <thead>
            <tr>
              <th>Severity</th>
              <th>Kind</th>
              <th>What</th>
              <th>Since</th>
            </tr>
          </thead>
          <tbody>
            {data.alerts.map((a) => (
              <tr key={a.id} data-testid={`alert-${a.kind}`}>
                <td>
                  <Badge tone={TONE[a.severity]}>{a.severity}</Badge>
                </td>
                <td>
                  <code>{a.kind}</code>
                </td>
                <td>{a.message}</td>
                <td>
                  <Time iso={a.since} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="muted small">
        Watched: node down, peer lagging, disk space low, certificate expiring or expired, CRL updated, bursts
        of ENDORSEMENT_POLICY_FAILURE. Updated <Time iso={data.generatedAt} />.
      </p>
    </section>
  );
}
