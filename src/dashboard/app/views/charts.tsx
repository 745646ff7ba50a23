import { type ActivitySeries, api } from '../api.js';
import { Badge, Loading, Message } from '../components.js';
import { type ChartSeries, LineChart } from '../lineChart.js';
import { usePoll } from '../usePoll.js';

const PALETTE = ['#d7263d', '#f49d37', '#8e44ad', '#3f88c5', '#1b998b', '#795548', '#e84393', '#2d3436'];

/** Live charts of a channel: throughput, latencies and invalid transactions by code. */
export function ChartsView(props: { channel: string }) {
  const { data, error } = usePoll<ActivitySeries>(api.activity(props.channel), 2000);
  if (!data) return <Loading error={error} what="activity" />;
  const seconds = data.bucketMs / 1000;
  const times = data.points.map((p) => p.t);
  const rate = (n: number) => n / seconds;
  const codes = [...new Set(data.points.flatMap((p) => Object.keys(p.invalidTxs)))].sort();
  const totals = Object.fromEntries(
    codes.map((c) => [c, data.points.reduce((sum, p) => sum + (p.invalidTxs[c] ?? 0), 0)]),
  );
  const valid = data.points.reduce((s, p) => s + p.validTxs, 0);
  const blocks = data.points.reduce((s, p) => s + p.blocks, 0);
  const invalid = Object.values(totals).reduce((s, n) => s + n, 0);
  const invalidSeries: ChartSeries[] = codes.map((c, i) => ({
    name: c,
    color: PALETTE[i % PALETTE.length]!,
    values: data.points.map((p) => rate(p.invalidTxs[c] ?? 0)),
  }));
  const windowMinutes = Math.round((data.points.length * data.bucketMs) / 60_000);
  return (
    <section aria-labelledby="charts-title">
      <h2 id="charts-title">Live activity of {data.channel}</h2>
      {error && <Message kind="warning">Showing the last answer: {error.message}</Message>}
      <p>
        Last {windowMinutes} minutes, {seconds} s per point: {blocks} blocks, {valid} valid and {invalid}{' '}
        invalid transactions. Updated every 2 seconds.
      </p>
      <div class="charts">
        <LineChart
          testId="chart-throughput"
          title="Throughput"
          unit="tx/s"
          times={times}
          series={[
            { name: 'valid', color: '#1b998b', values: data.points.map((p) => rate(p.validTxs)) },
            {
              name: 'invalid',
              color: '#d7263d',
              values: data.points.map((p) => rate(Object.values(p.invalidTxs).reduce((s, n) => s + n, 0))),
            },
          ]}
        />
        <LineChart
          testId="chart-latency"
          title="Latency"
          unit="ms"
          times={times}
          series={[
            { name: 'endorsement', color: '#3f88c5', values: data.points.map((p) => p.endorseMs) },
            { name: 'ordering', color: '#f49d37', values: data.points.map((p) => p.orderMs) },
            { name: 'commit', color: '#8e44ad', values: data.points.map((p) => p.commitMs) },
          ]}
        />
        {codes.length > 0 ? (
          <LineChart
            testId="chart-invalid"
            title="Invalid transactions by code"
            unit="tx/s"
            times={times}
            series={invalidSeries}
          />
        ) : (
          <figure class="chart">
            <figcaption>
              <strong>Invalid transactions by code</strong>
            </figcaption>
            <p>
              <Badge tone="ok">none</Badge> in this window.
            </p>
          </figure>
        )}
      </div>
      {codes.length > 0 && (
        <table class="grid compact" aria-label="Invalid transactions by code">
          <thead>
            <tr>
              <th>Validation code</th>
              <th>Transactions in the window</th>
            </tr>
          </thead>
          <tbody>
            {codes.map((c) => (
              <tr key={c}>
                <td>
                  <Badge tone="alert">{c}</Badge>
                </td>
                <td>{totals[c]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="muted small">
        Prometheus metrics of the same (histograms of endorsement, ordering and commit latency) are at{' '}
        <a href="/metrics">/metrics</a>.
      </p>
    </section>
  );
}
