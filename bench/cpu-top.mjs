// Prints the top frames of a V8 .cpuprofile (from `node --cpu-prof`): by self time, and by
// inclusive time for Consortia's own functions.
// Usage: node bench/cpu-top.mjs <file.cpuprofile> [rows]
import { readFileSync } from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/cpu-top.mjs <file.cpuprofile> [rows]');
  process.exit(2);
}
const rows = Number(rowsArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfTime = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  selfTime.set(id, (selfTime.get(id) ?? 0) + dt);
  total += dt;
});

const label = (n) => {
  const f = n.callFrame;
  const where = f.url ? `${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
};
const pct = (t) => `${((t / total) * 100).toFixed(1).padStart(5)}%`;

const bySelf = new Map();
for (const [id, t] of selfTime) {
  const k = label(nodes.get(id));
  bySelf.set(k, (bySelf.get(k) ?? 0) + t);
}
console.log(`total ${(total / 1e6).toFixed(1)} s sampled`);
console.log('-- self time');
for (const [k, t] of [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(pct(t), k);

const inclusive = new Map();
for (const [id, t] of selfTime) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const n = nodes.get(cur);
    if (!/\/(src|contracts)\//.test(n.callFrame.url)) continue;
    const k = label(n);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + t);
  }
}
console.log('-- inclusive time, Consortia functions');
for (const [k, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(pct(t), k);
