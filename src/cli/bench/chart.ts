import type { SecondStats } from './benchRecorder.js';

/** A line of a chart: its name, colour and one value per second. */
interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

const W = 760;
const H = 240;
const PAD = { left: 56, right: 16, top: 28, bottom: 32 };

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A "nice" upper bound for an axis: 1, 2 or 5 × a power of ten, at least `max`.
 *
 * @example
 * niceMax(130) // 200
 */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/**
 * An SVG line chart of per-second series, with axes and a legend.
 *
 * @example
 * lineChart('Throughput', 'tx/s', [{ name: 'valid', color: '#1f77b4', values: [10, 12] }]);
 */
export function lineChart(title: string, unit: string, series: readonly Series[]): string {
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const top = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const pw = W - PAD.left - PAD.right;
  const ph = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (n === 1 ? pw / 2 : (i / (n - 1)) * pw);
  const y = (v: number) => PAD.top + ph - (v / top) * ph;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">`);
  parts.push(`<text x="${PAD.left}" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`);
  for (let k = 0; k <= 4; k++) {
    const v = (top * k) / 4;
    const yy = y(v).toFixed(1);
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 6}" y="${yy}" font-size="11" text-anchor="end" dominant-baseline="middle">${+v.toPrecision(3)}</text>`,
    );
  }
  const step = Math.max(1, Math.ceil(n / 10));
  for (let i = 0; i < n; i += step) {
    parts.push(
      `<text x="${x(i).toFixed(1)}" y="${H - PAD.bottom + 16}" font-size="11" text-anchor="middle">${i}</text>`,
    );
  }
  parts.push(
    `<text x="${W - PAD.right}" y="${H - 4}" font-size="11" text-anchor="end">seconds</text>`,
    `<text x="12" y="${PAD.top + ph / 2}" font-size="11" transform="rotate(-90 12 ${PAD.top + ph / 2})" text-anchor="middle">${esc(unit)}</text>`,
  );
  series.forEach((s, j) => {
    const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts}"/>`);
    const lx = W - PAD.right - (series.length - j) * 130;
    parts.push(
      `<rect x="${lx}" y="8" width="12" height="12" fill="${s.color}"/>`,
      `<text x="${lx + 16}" y="18" font-size="12">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * A self-contained HTML page (inline SVG, no scripts or external resources) with throughput and
 * latency over the measured window, and a summary table.
 *
 * @example
 * writeFileSync('run.html', renderChartHtml('register, 64 in flight', series, [['tx/s', '812']]));
 */
export function renderChartHtml(
  title: string,
  series: readonly SecondStats[],
  summary: readonly (readonly [string, string])[],
): string {
  const throughput = lineChart('Throughput', 'tx/s', [
    { name: 'committed valid', color: '#1f77b4', values: series.map((s) => s.tps) },
    { name: 'invalid', color: '#d62728', values: series.map((s) => s.invalid) },
    ...(series.some((s) => s.reads > 0)
      ? [{ name: 'reads', color: '#2ca02c', values: series.map((s) => s.reads) }]
      : []),
  ]);
  const hasLatency = series.some((s) => s.p50 > 0 || s.p99 > 0);
  const latency = !hasLatency
    ? ''
    : lineChart('Latency, submit to commit event', 'ms', [
        { name: 'p50', color: '#1f77b4', values: series.map((s) => s.p50) },
        { name: 'p99', color: '#ff7f0e', values: series.map((s) => s.p99) },
      ]);
  const rows = summary.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; margin-bottom: 24px; }
th, td { text-align: left; padding: 3px 12px 3px 0; font-size: 14px; }
th { font-weight: normal; color: #555; }
svg { display: block; margin-bottom: 16px; font-family: system-ui, sans-serif; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<table>
${rows}
</table>
${throughput}
${latency}
</body>
</html>
`;
}
