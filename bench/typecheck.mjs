// 4. Type-check cost: one consumer file calling every operation of the spec, checked by `tsc --noEmit --extendedDiagnostics`.
// Ours is consumed as a package would be (declarations emitted from src/), and, for reference, from src/ itself;
// the peer as its generator leaves it (TypeScript sources in the app). Arguments are the spec's own examples.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { camelCase } from '../scripts/lib/docs-samples.mjs';
import { collectOperations, deref } from '../scripts/lib/operations-metadata.mjs';
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

/** Emits our declarations into `<dir>/dts/` the way a package build would. */
async function emitDeclarations(dir) {
  const config = join(dir, 'tsconfig.emit.json');
  await writeFile(
    config,
    JSON.stringify({
      compilerOptions: {
        ...compilerOptions,
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        rootDir: root,
        outDir: join(dir, 'dts'),
      },
      files: [join(root, 'src', 'index.ts')],
    }),
  );
  await run(process.execPath, [tsc, '-p', config], { cwd: root });
  return join(dir, 'dts', 'src', 'index.js');
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

/** Writes the consumer and its tsconfig; returns a function that type-checks it once and returns the diagnostics. */
async function prepareConsumer(dir, name, source) {
  const file = join(dir, `${name}.ts`);
  const config = join(dir, `tsconfig.${name}.json`);
  await writeFile(file, source);
  await writeFile(config, JSON.stringify({ compilerOptions, files: [file] }));
  return async () => {
    const started = performance.now();
    const { stdout } = await run(process.execPath, [tsc, '-p', config, '--extendedDiagnostics'], { cwd: root }).catch(
      (error) => {
        throw new Error(`tsc failed on ${relative(root, file)}:\n${error.stdout}${error.stderr}`);
      },
    );
    return { ...parseDiagnostics(stdout), wallSeconds: (performance.now() - started) / 1000 };
  };
}

const metrics = ['totalSeconds', 'checkSeconds', 'wallSeconds', 'memoryMB', 'instantiations', 'files'];

export async function typecheck(scratch, { smoke }) {
  const dir = join(scratch, 'typecheck');
  await mkdir(dir, { recursive: true });
  const operations = operationsWithExamples();
  const dts = await emitDeclarations(dir);
  const fromSrc = join(root, 'src', 'index.js');
  const rel = (target) => `./${relative(dir, target)}`;
  const consumers = [
    ['ours: facade (package .d.ts)', 'ours-facade-dts', consumerSource('facade', rel(dts), operations)],
    ['ours: api (package .d.ts)', 'ours-api-dts', consumerSource('api', rel(dts), operations)],
    ['ours: facade (from src/)', 'ours-facade-src', consumerSource('facade', rel(fromSrc), operations)],
    ['hey-api', 'peer', consumerSource('peer', rel(join(scratch, 'hey-api', 'sdk.gen.js')), operations)],
  ];
  const checks = await Promise.all(consumers.map(([, file, source]) => prepareConsumer(dir, file, source)));
  const runs = smoke ? 1 : 5;
  const samples = consumers.map(() => []);
  if (smoke) {
    // The smoke run only needs numbers, so it checks all consumers at once.
    (await Promise.all(checks.map((check) => check()))).forEach((sample, i) => samples[i].push(sample));
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
  const rows = consumers.map(([name], i) => ({
    name,
    ...Object.fromEntries(metrics.map((key) => [key, median(samples[i].map((sample) => sample[key]))])),
  }));
  return { operations: operations.length, runs, rows };
}
