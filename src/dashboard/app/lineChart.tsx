/** One line of a chart: a value (or a gap) per x position. */
export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
}

const W = 640;
const H = 200;
const PAD = { left: 48, right: 12, top: 12, bottom: 24 };

/** A round upper bound for the y axis: 1, 2 or 5 times a power of ten. */
export function niceMax(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (max <= m * p) return m * p;
  return 10 * p;
}

function formatTick(v: number): string {
  if (v >= 1000) return `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)}k`;
  if (v >= 10 || v === 0) return v.toFixed(0);
  return v.toFixed(v >= 1 ? 1 : 2);
}

/**
 * A small SVG line chart over time, with a y axis in `unit`, a legend and a text summary for
 * screen readers. Gaps (null) break the line.
 */
export function LineChart(props: {
  title: string;
  unit: string;
  times: readonly number[];
  series: readonly ChartSeries[];
  testId?: string;
}) {
  const { times, series } = props;
  const n = times.length;
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const yMax = niceMax(Math.max(0, ...all));
  const x = (i: number) => PAD.left + (n <= 1 ? 0 : (i / (n - 1)) * (W - PAD.left - PAD.right));
  const y = (v: number) => PAD.top + (1 - v / yMax) * (H - PAD.top - PAD.bottom);
  const path = (values: readonly (number | null)[]) => {
    let d = '';
    let pen = false;
    values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  const ticks = [0, yMax / 2, yMax];
  const first = times[0];
  const last = times[n - 1];
  const latest = series.map((s) => {
    const v = [...s.values].reverse().find((x) => x !== null);
    return `${s.name}: ${v === undefined || v === null ? 'no data' : `${formatTick(v)} ${props.unit}`}`;
  });
  return (
    <figure class="chart" data-testid={props.testId}>
      <figcaption>
        <strong>{props.title}</strong> <span class="muted small">({props.unit})</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${props.title}. Latest: ${latest.join('; ')}`}>
        <title>{props.title}</title>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} class="gridline" />
            <text x={PAD.left - 6} y={y(t) + 4} text-anchor="end" class="tick">
              {formatTick(t)}
            </text>
          </g>
        ))}
        {first !== undefined && (
          <text x={PAD.left} y={H - 6} class="tick">
            {new Date(first).toLocaleTimeString()}
          </text>
        )}
        {last !== undefined && (
          <text x={W - PAD.right} y={H - 6} text-anchor="end" class="tick">
            {new Date(last).toLocaleTimeString()}
          </text>
        )}
        {series.map((s) => (
          <path key={s.name} d={path(s.values)} fill="none" stroke={s.color} stroke-width="2" />
        ))}
        {series.flatMap((s) =>
          s.values.map((v, i) =>
            v !== null && (s.values[i - 1] ?? null) === null && (s.values[i + 1] ?? null) === null ? (
              <circle key={`${s.name}:${i}`} cx={x(i)} cy={y(v)} r="3" fill={s.color} />
            ) : null,
          ),
        )}
      </svg>
      <ul class="legend">
        {series.map((s, i) => (
          <li key={s.name}>
            <span class="swatch" style={{ background: s.color }} />
            {latest[i]}
          </li>
        ))}
      </ul>
    </figure>
  );
}
