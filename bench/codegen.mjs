// 5. Codegen: the wall time of `npm run generate` (repeated: minimum and median), and how the pipeline grows with
// the spec: the bundled spec replicated 20× (paths under /v0 … /v19) through the steps of scripts/lib/pipeline.mjs.
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';
import { renderOperationsModule } from '../scripts/lib/operations-metadata.mjs';
import { spec } from './fixtures.mjs';
import { root } from './paths.mjs';
import { median } from './stats.mjs';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

async function wallMs(command, args) {
  const started = performance.now();
  await run(command, args, { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  return performance.now() - started;
}

/** The contents of generated/ (with its areas/ folder), to tell whether `npm run generate` rewrote it identically. */
async function snapshot() {
  const dir = join(root, 'generated');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  return (await Promise.all(files.map(async (file) => `${file}\n${await readFile(file, 'utf8')}`))).join('\n');
}

/** The spec with every path repeated `factor` times under /v0, /v1, …; ids and facade names stay unique. */
export function replicateSpec(factor) {
  const paths = {};
  for (let v = 0; v < factor; v += 1) {
    for (const [path, item] of Object.entries(spec.paths)) {
      const copy = structuredClone(item);
      for (const operation of Object.values(copy)) {
        if (!operation?.operationId) continue;
        operation.operationId += `V${v}`;
        operation['x-sdk-method'] += `V${v}`;
        // Facade names that point at other operations follow their copy (`schedules.bulkEdit` → `…bulkEditV3`).
        for (const key of ['x-togai-alternative', 'x-sdk-successor']) if (operation[key]) operation[key] += `V${v}`;
      }
      paths[`/v${v}${path}`] = copy;
    }
  }
  return { ...spec, paths };
}

/** Times each pipeline step on `file` (a one-file spec): bundle, types, metadata, formatting. */
async function timePipeline(file, dir) {
  const out = join(dir, 'bundled.json');
  const steps = {};
  steps.bundle = await wallMs(join(root, 'node_modules', '.bin', 'redocly'), ['bundle', file, '--output', out]);
  const bundle = JSON.parse(await readFile(out, 'utf8'));
  let started = performance.now();
  const types = astToString(await openapiTS(bundle));
  steps.types = performance.now() - started;
  started = performance.now();
  const metadata = renderOperationsModule(bundle);
  steps.metadata = performance.now() - started;
  started = performance.now();
  const options = (await prettier.resolveConfig(join(root, 'generated', 'schema.ts'))) ?? {};
  await prettier.format(types, { ...options, parser: 'typescript' });
  await prettier.format(metadata, { ...options, parser: 'typescript' });
  steps.format = performance.now() - started;
  steps.total = steps.bundle + steps.types + steps.metadata + steps.format;
  const operations = Object.values(bundle.paths).flatMap((item) => Object.values(item).filter((op) => op?.operationId));
  return { steps, operations: operations.length, typesBytes: types.length };
}

/**
 * `npm run generate`, 7 times: other jobs on the machine slow some runs down, so the minimum is what the pipeline
 * costs and the median what a developer typically waits. Each run records the load average it started under.
 */
async function timeGenerate() {
  const before = await snapshot();
  const runs = [];
  for (let i = 0; i < 7; i += 1) {
    const load = loadavg()[0];
    runs.push({ ms: await wallMs(npm, ['run', '--silent', 'generate']), load });
  }
  const times = runs.map((r) => r.ms);
  const generatedUnchanged = before === (await snapshot());
  return { command: 'npm run generate', runs, minMs: Math.min(...times), medianMs: median(times), generatedUnchanged };
}

export async function codegen(scratch, { smoke }) {
  const dir = join(scratch, 'codegen');
  await mkdir(dir, { recursive: true });
  // The smoke run times no command: `npm run generate` would rewrite generated/ while tests read it, and
  // `npm run check-drift` (the same pipeline without the writes) took a quarter of the smoke run's minute; the
  // steps timed below are that pipeline's.
  const generate = smoke ? undefined : await timeGenerate();
  const factor = smoke ? 2 : 20;
  const bigFile = join(dir, `openapi-${factor}x.json`);
  await writeFile(bigFile, JSON.stringify(replicateSpec(factor)));
  // Warm-up: the first pass loads and compiles the tools. The smoke run only checks that numbers come out.
  if (!smoke) await timePipeline(join(root, 'generated', 'openapi.json'), dir);
  const base = await timePipeline(join(root, 'generated', 'openapi.json'), dir);
  const big = await timePipeline(bigFile, dir);
  return { generate, factor, base, big, growth: big.steps.total / base.steps.total };
}
