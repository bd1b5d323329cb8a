// 5. Type-check cost: one consumer file calling every operation of the spec, checked by `tsc --noEmit --extendedDiagnostics`,
// strict, with skipLibCheck on (what most apps set) and off (tsc then also checks every .d.ts it loads). Ours is
// consumed as a user gets it: the package `npm run build` makes (dist/, installed by name in the scratch folder)
// and, for reference, from src/ itself; the peer as its generator leaves it (TypeScript sources in the app).
// Arguments are the spec's own examples. Also what each consumer loads: the bytes of the package's declarations
// (or the peer's sources), from tsc's own list of the files it read.
import { execFile } from 'node:child_process';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { camelCase } from '../scripts/lib/docs-samples.mjs';
import { collectOperations, deref } from '../scripts/lib/operations-metadata.mjs';
import { packageName } from './build.mjs';
import { spec } from './fixtures.mjs';
import { root } from './paths.mjs';
import { median } from './stats.mjs';

const run = promisify(execFile);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** The project's own strictness, so every consumer is checked as this repo checks its code. */
const compilerOptions = {
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  lib: ['ES2022', 'DOM', 'DOM.Iterable'],
  types: ['node'],
  strict: true,
  skipLibCheck: true,
  noEmit: true,
};

/**
 * Every operation with the arguments the Prism suite sends (test/prism-operations.test.ts): each path parameter's
 * example, the required query parameters' examples and the first example body.
 */
function operationsWithExamples() {
  return Object.values(collectOperations(spec)).map((meta) => {
    const item = deref(spec, spec.paths[meta.path]);
    const operation = item[meta.method.toLowerCase()];
    const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p) => deref(spec, p));
    const pathParams = parameters.filter((p) => p.in === 'path').map((p) => [p.name, p.example ?? `${p.name}-1`]);
    const query = parameters.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, p.example]);
    const examples = deref(spec, operation.requestBody)?.content['application/json'].examples;
    const body = examples ? deref(spec, Object.values(examples)[0]).value : undefined;
    return { meta, pathParams, query: query.length > 0 ? Object.fromEntries(query) : undefined, body };
  });
}

const literal = (value) => JSON.stringify(value);
/** `{ a, b }` from the parts that are present. */
const object = (...parts) => `{ ${parts.filter(Boolean).join(', ')} }`;
const bodyPart = (body) => body !== undefined && `body: ${literal(body)}`;
const queryPart = (query) => query !== undefined && `query: ${literal(query)}`;

function consumerSource(style, importFrom, operations) {
  const calls = operations.map(({ meta, pathParams, query, body }, i) => {
    const name = `r${i}`;
    if (style === 'facade') {
      const client = meta.variant === 'flat' ? 'flat' : 'sandbox';
      const args = pathParams.map(([key, value]) => `${camelCase(key)}: ${literal(value)}`);
      const call = `${client}.${meta.resource}.${meta.sdkMethod}(${object(...args, queryPart(query), bodyPart(body))})`;
      return `  const ${name} = await ${call};`;
    }
    const pathPart = pathParams.length > 0 && `path: ${literal(Object.fromEntries(pathParams))}`;
    if (style === 'api') {
      const params = (pathPart || query) && `params: ${object(pathPart, queryPart(query))}`;
      return `  const ${name} = await togai.api.${meta.method}(${literal(meta.path)}, ${object(params, bodyPart(body))});`;
    }
    return `  const ${name} = await ${meta.operationId}(${object(pathPart, queryPart(query), bodyPart(body))});`;
  });
  const results = `  return [${operations.map((_, i) => `r${i}`).join(', ')}] as const;`;
  const header = {
    facade: `import { createTogaiClient } from '${importFrom}';
const flat = createTogaiClient({ token: 't', pathStyle: 'flat' });
const sandbox = createTogaiClient({ token: 't', environment: 'sandbox' });`,
    api: `import { createTogaiClient } from '${importFrom}';
const togai = createTogaiClient({ token: 't' });`,
    peer: `import { ${operations.map(({ meta }) => meta.operationId).join(', ')} } from '${importFrom}';`,
  }[style];
  return `${header}\n\nexport async function main() {\n${calls.join('\n')}\n${results}\n}\n`;
}

function parseDiagnostics(output) {
  const value = (label) => output.match(new RegExp(`^${label}:\\s+([\\d.]+)`, 'm'))?.[1];
  return {
    totalSeconds: Number(value('Total time')),
    checkSeconds: Number(value('Check time')),
    memoryMB: Number(value('Memory used')) / 1024, // tsc prints kilobytes
    instantiations: Number(value('Instantiations')),
    files: Number(value('Files')),
  };
}

/** The files tsc read (--listFiles prints one absolute path a line before the diagnostics). */
const listedFiles = (output) => output.split('\n').filter((line) => line.startsWith('/') || /^[A-Z]:[\\/]/.test(line));

/**
 * Writes the consumer and its tsconfig; returns a function that type-checks it once and returns the diagnostics and
 * the files tsc read.
 */
async function prepareConsumer(dir, name, source, skipLibCheck) {
  const file = join(dir, `${name}.ts`);
  const config = join(dir, `tsconfig.${name}.json`);
  await writeFile(file, source);
  await writeFile(config, JSON.stringify({ compilerOptions: { ...compilerOptions, skipLibCheck }, files: [file] }));
  return async () => {
    const started = performance.now();
    const args = [tsc, '-p', config, '--extendedDiagnostics', '--listFiles'];
    const { stdout } = await run(process.execPath, args, { cwd: root, maxBuffer: 16 * 1024 * 1024 }).catch((error) => {
      throw new Error(`tsc failed on ${relative(root, file)}:\n${error.stdout}${error.stderr}`);
    });
    return {
      ...parseDiagnostics(stdout),
      wallSeconds: (performance.now() - started) / 1000,
      listed: listedFiles(stdout),
    };
  };
}

const metrics = ['totalSeconds', 'checkSeconds', 'wallSeconds', 'memoryMB', 'instantiations', 'files'];

/** Total bytes of `files`. */
const bytesOf = async (files) =>
  (await Promise.all(files.map(async (file) => (await stat(file)).size))).reduce((a, b) => a + b, 0);
const under = (folder) => (file) => file.startsWith(folder + sep) || file.startsWith(`${folder}/`);

/** Runs `tasks` (functions returning promises) with at most `limit` running at once, in order. */
async function limited(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next;
      next += 1;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

/**
 * `pkg` is the package built by buildPackage (bench/build.mjs), installed in `<scratch>/node_modules/`, so the
 * consumers import it by name through its `exports` (NodeNext), as an app of a user's would.
 */
export async function typecheck(scratch, pkg, { smoke }) {
  const dir = join(scratch, 'typecheck');
  await mkdir(dir, { recursive: true });
  const all = operationsWithExamples();
  // Tiny counts for the smoke run: every 40th operation (one per few areas). Loading the declarations, and with
  // skipLibCheck off checking them, costs the same whatever the consumer calls, so this only trims the calls' part.
  const operations = smoke ? all.filter((_, i) => i % 40 === 0) : all;
  const fromSrc = join(root, 'src', 'index.js');
  const peerDir = join(scratch, 'hey-api');
  const rel = (target) => `./${relative(dir, target)}`;
  /** [name, file, source, skipLibCheck, the consumer's own files: the package's, or the peer's generated ones] */
  const consumers = [];
  for (const skipLibCheck of [true, false]) {
    const suffix = skipLibCheck ? '' : '-no-skiplibcheck';
    consumers.push([
      'ours: facade (package)',
      `ours-facade${suffix}`,
      consumerSource('facade', packageName, operations),
      skipLibCheck,
      under(pkg),
    ]);
    // With skipLibCheck off a check costs 8 s or so whatever it calls (the libraries' .d.ts), so the smoke run
    // does it once, on our package's declarations: what it is there to catch is an error in them.
    if (smoke && !skipLibCheck) continue;
    consumers.push([
      'ours: api (package)',
      `ours-api${suffix}`,
      consumerSource('api', packageName, operations),
      skipLibCheck,
      under(pkg),
    ]);
    if (skipLibCheck) {
      const fromSource = (file) => under(join(root, 'src'))(file) || under(join(root, 'generated'))(file);
      consumers.push([
        'ours: facade (from src/)',
        'ours-facade-src',
        consumerSource('facade', rel(fromSrc), operations),
        true,
        fromSource,
      ]);
    }
    const peerSource = consumerSource('peer', rel(join(peerDir, 'sdk.gen.js')), operations);
    consumers.push(['hey-api', `peer${suffix}`, peerSource, skipLibCheck, under(peerDir)]);
  }
  const checks = await Promise.all(consumers.map(([, file, source, skip]) => prepareConsumer(dir, file, source, skip)));
  const runs = smoke ? 1 : 5;
  const samples = consumers.map(() => []);
  if (smoke) {
    // The smoke run only needs numbers, so it checks the consumers a few at a time.
    (await limited(checks, 3)).forEach((sample, i) => samples[i].push(sample));
  } else {
    // Timed runs go one at a time, in rounds with the order rotated, so load from other jobs on the machine
    // falls on every consumer alike; each metric is the median of its runs.
    for (let round = 0; round < runs; round += 1) {
      for (let k = 0; k < checks.length; k += 1) {
        const i = (k + round) % checks.length;
        samples[i].push(await checks[i]());
      }
    }
  }
  const rows = await Promise.all(
    consumers.map(async ([name, , , skipLibCheck, own], i) => {
      const listed = samples[i][0].listed;
      return {
        name,
        skipLibCheck,
        ...Object.fromEntries(metrics.map((key) => [key, median(samples[i].map((sample) => sample[key]))])),
        totalSecondsRuns: samples[i].map((sample) => sample.totalSeconds), // the spread under the machine's load
        // What the consumer loads of the SDK: our package's declarations (or src/ and generated/), the peer's sources.
        ownBytes: await bytesOf(listed.filter(own)),
        loadedBytes: await bytesOf(listed),
      };
    }),
  );
  // Each declaration file of the package, and whether a consumer of the main entry loads it.
  const mainLoads = new Set(samples[0][0].listed);
  const dist = join(pkg, 'dist');
  const declarations = await Promise.all(
    (await readdir(dist))
      .filter((file) => file.endsWith('.d.ts'))
      .sort()
      .map(async (file) => ({
        file,
        bytes: (await stat(join(dist, file))).size,
        mainEntry: mainLoads.has(join(dist, file)),
      })),
  );
  return { operations: operations.length, specOperations: all.length, runs, rows, declarations };
}
