#!/usr/bin/env node
// Where a V8 CPU profile's time goes: self time by function (and by file), as a share of the samples, so a profile
// taken with `node --cpu-prof` can be read in a terminal and quoted in a note.
//
//   node bench/cpu-profile.mjs FILE.cpuprofile [--top 25] [--by function|file] [--match REGEX]
//
// --match REGEX also prints the inclusive share of the functions whose name or file matches (time spent in them
// and in everything they call), e.g. --match 'pump|release' for the open model's schedule.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '25' },
    by: { type: 'string', default: 'function' },
    match: { type: 'string' },
  },
});
if (positionals.length !== 1) {
  process.stderr.write(
    'usage: node bench/cpu-profile.mjs FILE.cpuprofile [--top N] [--by function|file] [--match REGEX]\n',
  );
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const hits = new Map();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const total = profile.samples.length;

const short = (url) => url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/packages\//, '@volley/');
const keyOf = (n) => {
  const { functionName, url, lineNumber } = n.callFrame;
  if (values.by === 'file') return url ? short(url) : `(${functionName || 'native'})`;
  return `${functionName || '(anonymous)'} ${url ? `${short(url)}:${lineNumber + 1}` : ''}`.trim();
};
const self = new Map();
for (const [id, count] of hits) {
  const key = keyOf(nodes.get(id));
  self.set(key, (self.get(key) ?? 0) + count);
}
const pct = (n) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
const idle = [...hits]
  .filter(([id]) => nodes.get(id).callFrame.functionName === '(idle)')
  .reduce((a, [, c]) => a + c, 0);
console.log(`${total} samples, ${pct(idle).trim()} idle; self time by ${values.by}:`);
for (const [key, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
  console.log(`  ${pct(n)}  ${key}`);

if (values.match) {
  const re = new RegExp(values.match);
  const inclusive = new Map();
  for (const [id, count] of hits) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const key = keyOf(nodes.get(cur));
      if (!re.test(key) || seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + count);
    }
  }
  console.log(`inclusive time of what matches /${values.match}/:`);
  for (const [key, n] of [...inclusive].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(n)}  ${key}`);
}
