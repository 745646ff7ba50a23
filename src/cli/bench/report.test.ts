import { describe, expect, it } from 'vitest';
import { niceMax, renderChartHtml } from './chart.js';
import { progressBar } from './progressBar.js';
import { chartPathFor, defaultOutPath, formatTable } from './report.js';

describe('result paths', () => {
  it('puts results under .bench-out with a UTC timestamp, and the chart beside them', () => {
    const p = defaultOutPath('register', new Date('2026-01-02T03:04:05.678Z'), '/w');
    expect(p).toBe('/w/.bench-out/register-20260102-030405.json');
    expect(chartPathFor(p)).toBe('/w/.bench-out/register-20260102-030405.html');
    expect(chartPathFor('/tmp/run')).toBe('/tmp/run.html');
  });
});

describe('formatTable', () => {
  it('aligns the values in one column', () => {
    expect(
      formatTable([
        ['a', '1'],
        ['longer', '2'],
      ]),
    ).toBe('  a       1\n  longer  2');
  });
});

describe('progressBar', () => {
  it('fills in proportion and clamps', () => {
    expect(progressBar(0.5, 10)).toBe('[#####-----]');
    expect(progressBar(2, 4)).toBe('[####]');
    expect(progressBar(Number.NaN, 4)).toBe('[----]');
  });
});

describe('renderChartHtml', () => {
  const series = [
    { t: 0, tps: 10, invalid: 0, reads: 0, p50: 40, p99: 90 },
    { t: 1, tps: 120, invalid: 3, reads: 0, p50: 45, p99: 130 },
  ];

  it('is a self-contained page with throughput and latency charts', () => {
    const html = renderChartHtml('bench <register>', series, [['committed', '130 tx/s']]);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('bench &#60;register&#62;');
    expect(html).toContain('<th>committed</th><td>130 tx/s</td>');
    expect(html).not.toMatch(/<script|<link|src=|href=/);
  });

  it('leaves out the latency chart when there is no latency', () => {
    const html = renderChartHtml('peer', [{ t: 0, tps: 5, invalid: 0, reads: 0, p50: 0, p99: 0 }], []);
    expect(html.match(/<svg /g)).toHaveLength(1);
  });

  it('scales axes to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(130)).toBe(200);
    expect(niceMax(450)).toBe(500);
    expect(niceMax(1000)).toBe(1000);
  });
});
