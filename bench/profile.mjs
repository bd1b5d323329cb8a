// Where does a contender spend its time per call? Samples the in-memory getAccount loop with the V8 profiler
// and prints, for each function of src/ (mapped through source maps), its share of all samples and the
// callees that cost the most. Usage: node bench/profile.mjs ["ours: api" | "ours: facade" | …] [calls] [--loopback]
// (--loopback: real requests, 64 at a time, to the loopback bench's server instead of the in-memory fetch).
// V8 splits async functions at each await: a function's share counts the stretches it ran, not what it awaited.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SourceMap } from 'node:module';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import { buildArtifacts } from './build.mjs';
import { loadContenders } from './contenders.mjs';
import { startServer } from './loopback.mjs';
import { accountFetch } from './fixtures.mjs';
import { root } from './paths.mjs';

const loopbackMode = process.argv.includes('--loopback');
const [contender = 'ours: api', calls = '200000'] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const dir = join(root, '.tmp', 'bench-profile');
await buildArtifacts(dir, { sourcemap: true });
const sdkUrl = pathToFileURL(join(dir, 'sdk.mjs')).href;
const sourceMap = new SourceMap(JSON.parse(await readFile(join(dir, 'sdk.mjs.map'), 'utf8')));

const server = loopbackMode ? await startServer() : undefined;
const transport = server
  ? { fetch: globalThis.fetch, baseUrl: server.url }
  : { fetch: accountFetch, baseUrl: 'https://api.togai.com' };
const call = (await loadContenders(dir))(transport)[contender];
if (!call) throw new Error(`Unknown contender ${contender}`);
const concurrency = server ? 64 : 1;
const callMany = async (count) => {
  let issued = 0;
  const worker = async () => {
    while (issued < count) {
      issued += 1;
      await call('ACC00001');
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};
await callMany(5000); // warm up the JIT before sampling

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 50 });
await session.post('Profiler.start');
await callMany(Number(calls));
const { profile } = await session.post('Profiler.stop');
session.disconnect();
await server?.stop();

/** `file:line function` for a frame; frames of our bundle are mapped back to src/. */
function label({ functionName, url, lineNumber, columnNumber }) {
  const name = functionName || '(anonymous)';
  if (url === sdkUrl) {
    const entry = sourceMap.findEntry(lineNumber, columnNumber);
    if (entry.originalSource)
      return `${entry.originalSource.replace(/^.*?\/(src|generated)\//, '$1/')}:${entry.originalLine + 1} ${name}`;
  }
  const file = url
    .replace(/^.*node_modules\//, '')
    .replace(/^node:internal\/deps\//, '')
    .replace(/^file:\/\/.*\//, '');
  return `${file || '(native)'}:${lineNumber + 1} ${name}`;
}

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const inclusive = new Map();
const total = (node) => {
  if (!inclusive.has(node.id))
    inclusive.set(node.id, node.hitCount + (node.children ?? []).reduce((sum, id) => sum + total(nodes.get(id)), 0));
  return inclusive.get(node.id);
};
const all =
  total(profile.nodes[0]) -
  profile.nodes
    .filter((n) => ['(idle)', '(program)', '(garbage collector)'].includes(n.callFrame.functionName))
    .reduce((s, n) => s + n.hitCount, 0);
const gc = profile.nodes
  .filter((n) => n.callFrame.functionName === '(garbage collector)')
  .reduce((s, n) => s + n.hitCount, 0);

// Sum per src/ function (each call-tree node counted once even when a function recurses), with callees.
const ours = new Map();
for (const node of profile.nodes) {
  const key = label(node.callFrame);
  if (!/^(src|generated)\//.test(key)) continue;
  const entry = ours.get(key) ?? { samples: 0, callees: new Map() };
  entry.samples += total(node);
  for (const id of node.children ?? []) {
    const child = nodes.get(id);
    const childKey = label(child.callFrame);
    entry.callees.set(childKey, (entry.callees.get(childKey) ?? 0) + total(child));
  }
  ours.set(key, entry);
}
const pct = (samples) => `${((100 * samples) / all).toFixed(1)}%`.padStart(6);
console.log(
  `${contender}: ${calls} calls, ${all} samples of JS (+ ${pct(gc)} garbage collection); share of all samples:`,
);
for (const [key, { samples, callees }] of [...ours].sort((a, b) => b[1].samples - a[1].samples).slice(0, 15)) {
  console.log(`${pct(samples)}  ${key}`);
  for (const [child, s] of [...callees].sort((a, b) => b[1] - a[1]).slice(0, 6))
    console.log(`          ${pct(s)}  → ${child}`);
}
