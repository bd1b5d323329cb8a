// npm run bench: runs every bench, prints the tables and writes BENCHMARKS.md.
//   --smoke        tiny counts, writes nothing but the scratch folder (the test suite runs this)
//   --json=FILE    also writes the raw results as JSON
//   --only=a,b     runs only these sections (pagination, per-call, entitlements, loopback, bundle, typecheck,
//                  codegen, ingester); BENCHMARKS.md is written only when every section ran
//   --render=FILE[,FILE…]  runs nothing: rewrites BENCHMARKS.md from a full run's --json results and the
//                  current bench/analysis.md (for when the analysis is edited after the run); each further FILE,
//                  from an --only run, replaces the sections it has (a rerun of the timing-sensitive sections on
//                  a quieter machine), and the Machine table lists every run with its sections and load
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import { buildArtifacts, buildPackage } from './build.mjs';
import { bundleSize } from './bundle-size.mjs';
import { codegen } from './codegen.mjs';
import { ingestion } from './ingester.mjs';
import { loadContenders } from './contenders.mjs';
import { entitlements } from './entitlements.mjs';
import { loopback } from './loopback.mjs';
import { pagination } from './pagination.mjs';
import { perCall } from './per-call.mjs';
import { evaluateTargets, machineInfo, renderMarkdown } from './report.mjs';
import { reportPath, scratchDir } from './paths.mjs';
import { typecheck } from './typecheck.mjs';

const args = process.argv.slice(2);
const option = (name) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const smoke = args.includes('--smoke');
// Pagination first, while the heap holds little else; then the timing-sensitive sections.
const sections = ['pagination', 'per-call', 'entitlements', 'loopback', 'bundle', 'typecheck', 'codegen', 'ingester'];
const only = option('only')?.split(',') ?? sections;
const unknown = only.filter((name) => !sections.includes(name));
if (unknown.length) throw new Error(`Unknown section(s) ${unknown.join(', ')}; choose from ${sections.join(', ')}.`);

const log = (message) => console.error(`[bench] ${message}`);

/** The Markdown of BENCHMARKS.md for a full run's results. */
async function report(results) {
  results.targets = evaluateTargets(results);
  // The analysis of missed targets is prose kept next to the benches, so a rerun keeps it.
  const analysis = await readFile(new URL('./analysis.md', import.meta.url), 'utf8');
  return renderMarkdown(results, results.targets, analysis);
}

/** Where each section keeps its results. */
const resultKeys = {
  pagination: 'pagination',
  'per-call': 'perCall',
  entitlements: 'entitlements',
  loopback: 'loopback',
  bundle: 'bundle',
  typecheck: 'typecheck',
  codegen: 'codegen',
  ingester: 'ingester',
};
const runOf = (results, names) => ({ ...results.machine, sections: names });

const render = option('render');
if (render) {
  const [full, ...reruns] = await Promise.all(
    render.split(',').map(async (file) => JSON.parse(await readFile(file, 'utf8'))),
  );
  const results = { ...full, runs: [runOf(full, sections)] };
  for (const rerun of reruns) {
    const names = sections.filter((name) => rerun[resultKeys[name]] !== undefined);
    for (const name of names) results[resultKeys[name]] = rerun[resultKeys[name]];
    results.runs.push(runOf(rerun, names));
    results.runs[0].sections = results.runs[0].sections.filter((name) => !names.includes(name));
  }
  await writeFile(reportPath, await report(results));
  log(`wrote ${reportPath} from ${render} (measured ${results.runs.map((run) => run.date).join(', ')})`);
  process.exit(0);
}

if (typeof globalThis.gc !== 'function')
  console.warn('Run with node --expose-gc (npm run bench does) for steady numbers.');

const dir = scratchDir(smoke);
const opts = { smoke };
const results = { smoke, machine: machineInfo() };

log(`building the SDK and generating the peer into ${dir}`);
results.build = await buildArtifacts(dir);
const createContenders = await loadContenders(dir);
const sdk = await import(pathToFileURL(join(dir, 'sdk.mjs')).href);
// The published package (tsup, as `npm run build`), for the bundle and type-check sections. A full run builds it
// before any section, so no timed section shares the machine with it; the smoke run builds it beside them.
const chosen = sections.filter((section) => only.includes(section));
const needsPackage = chosen.includes('bundle') || chosen.includes('typecheck');
if (needsPackage) log('building the package (tsup)');
const packageBuilt = (needsPackage ? buildPackage(dir) : Promise.resolve({ ms: undefined })).then((built) => {
  results.build.packageMs = built.ms;
  return built.dir;
});
packageBuilt.catch(() => undefined); // a failure is thrown where it is awaited, not as an unhandled rejection
if (!smoke) await packageBuilt;

const steps = {
  'per-call': async () => (results.perCall = await perCall(createContenders, opts)),
  entitlements: async () => (results.entitlements = await entitlements(sdk, opts)),
  loopback: async () => (results.loopback = await loopback(createContenders, opts)),
  pagination: async () => (results.pagination = await pagination(sdk, opts)),
  bundle: async () => {
    await packageBuilt; // two of its apps import the package by name
    results.bundle = await bundleSize(dir);
  },
  typecheck: async () => (results.typecheck = await typecheck(dir, await packageBuilt, opts)),
  codegen: async () => (results.codegen = await codegen(dir, opts)),
  ingester: async () => (results.ingester = await ingestion(sdk, opts)),
};
results.machine.sectionLoads = {};
const runSection = async (name) => {
  log(`${name}…`);
  const started = performance.now();
  const loadStart = loadavg()[0];
  await steps[name]();
  const seconds = (performance.now() - started) / 1000;
  results.machine.sectionLoads[name] = { seconds, loadStart, loadEnd: loadavg()[0] };
  log(`${name} done in ${seconds.toFixed(1)} s`);
};
if (smoke) {
  // The smoke run checks that every section produces numbers, not the numbers themselves: the sections that
  // mostly wait on child processes (tsc, the codegen tools, tsup) run beside the in-process ones, so both cores work.
  const apart = ['bundle', 'typecheck', 'codegen'];
  const lane = async (names) => {
    for (const name of names) await runSection(name);
  };
  await Promise.all([
    lane(chosen.filter((name) => !apart.includes(name))),
    lane(chosen.filter((name) => name === 'bundle' || name === 'typecheck')),
    lane(chosen.filter((name) => name === 'codegen')),
  ]);
} else {
  for (const name of chosen) await runSection(name);
}
await packageBuilt; // a smoke run of sections that do not need it still waits for it (and its errors)
results.machine.loadEnd = loadavg()[0];

if (only.length === sections.length) {
  const markdown = await report(results);
  console.log(markdown);
  if (!smoke) {
    await writeFile(reportPath, markdown);
    log(`wrote ${reportPath}`);
  }
} else {
  console.log(JSON.stringify(results, null, 2));
}
const json = option('json');
if (json) await writeFile(json, JSON.stringify(results, null, 2));
