// Summarises a .cpuprofile written by `node bench/run.mjs --cpu-prof`: self time by function
// and by package, so a missed target can be traced to its cause.
//   node bench/lib/profile-summary.mjs bench/profiles/<file>.cpuprofile [top=25]
import { readFileSync } from 'node:fs';

const [file, topText = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const top = Number(topText);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfSamples = new Map();
for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
const total = profile.samples.length;

function area(url) {
  if (!url) return '(native/idle)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1)
    return url
      .slice(nm + 13)
      .split('/')
      .slice(0, url.slice(nm + 13).startsWith('@') ? 2 : 1)
      .join('/');
  if (url.includes('/dist/cjs/'))
    return `govuk-pay-express/${url.split('/dist/cjs/')[1].split('/')[0]}`;
  if (url.startsWith('node:')) return url;
  return url.split('/').slice(-2).join('/');
}

const byFunction = new Map();
const byArea = new Map();
for (const [id, samples] of selfSamples) {
  const node = byId.get(id);
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || '(anonymous)'} ${url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : ''}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + samples);
  const a =
    functionName === '(idle)'
      ? '(idle)'
      : functionName === '(garbage collector)'
        ? '(gc)'
        : area(url);
  byArea.set(a, (byArea.get(a) ?? 0) + samples);
}
const pct = (n) => `${((n / total) * 100).toFixed(1)}%`.padStart(6);
console.log(`${file}: ${total} samples`);
console.log('\nself time by package/area:');
for (const [k, v] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`${pct(v)}  ${k}`);
console.log('\nself time by function:');
for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`${pct(v)}  ${k}`);
