// 4. Type-check cost: one consumer file calling all 26 operations, checked by `tsc --noEmit --extendedDiagnostics`.
// Ours is consumed as a package would be (declarations emitted from src/), and, for reference, from src/ itself;
// the peer as its generator leaves it (TypeScript sources in the app). Arguments are the spec's own examples.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
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

const deref = (node) => {
  let current = node;
  while (current?.$ref)
    current = current.$ref
      .slice(2)
      .split('/')
      .reduce((value, key) => value[key], spec);
  return current;
};
const camelCase = (name) => name.replace(/_([a-z0-9])/g, (_, letter) => letter.toUpperCase());

/** Every operation with example path parameters and the first example body from the spec. */
function operationsWithExamples() {
  const list = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const operation = item[method];
      if (!operation) continue;
      const pathParams = [...(item.parameters ?? []), ...(operation.parameters ?? [])]
        .map(deref)
        .filter((parameter) => parameter.in === 'path')
        .map((parameter) => [parameter.name, parameter.example]);
      const examples = deref(operation.requestBody)?.content['application/json'].examples;
      const body = examples ? Object.values(examples)[0].value : undefined;
      list.push({ method: method.toUpperCase(), path, pathParams, body, operation });
    }
  }
  return list;
}

const literal = (value) => JSON.stringify(value);
/** `{ a, b }` from the parts that are present. */
const object = (...parts) => `{ ${parts.filter(Boolean).join(', ')} }`;
const bodyPart = (body) => body !== undefined && `body: ${literal(body)}`;

function consumerSource(style, importFrom, operations) {
  const calls = operations.map(({ method, path, pathParams, body, operation }, i) => {
    const name = `r${i}`;
    if (style === 'facade') {
      const client = operation['x-togai-variant'] === 'flat' ? 'flat' : 'sandbox';
      const args = pathParams.map(([key, value]) => `${camelCase(key)}: ${literal(value)}`);
      return `  const ${name} = await ${client}.accounts.${operation['x-sdk-method']}(${object(...args, bodyPart(body))});`;
    }
    if (style === 'api') {
      const params = pathParams.length > 0 && `params: { path: ${literal(Object.fromEntries(pathParams))} }`;
      return `  const ${name} = await togai.api.${method}(${literal(path)}, ${object(params, bodyPart(body))});`;
    }
    const pathPart = pathParams.length > 0 && `path: ${literal(Object.fromEntries(pathParams))}`;
    return `  const ${name} = await ${operation.operationId}(${object(pathPart, bodyPart(body))});`;
  });
  const results = `  return [${operations.map((_, i) => `r${i}`).join(', ')}] as const;`;
  const header = {
    facade: `import { createTogaiClient } from '${importFrom}';
const flat = createTogaiClient({ token: 't', pathStyle: 'flat' });
const sandbox = createTogaiClient({ token: 't', environment: 'sandbox' });`,
    api: `import { createTogaiClient } from '${importFrom}';
const togai = createTogaiClient({ token: 't' });`,
    peer: `import { ${operations.map(({ operation }) => operation.operationId).join(', ')} } from '${importFrom}';`,
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

async function checkConsumer(dir, name, source, runs) {
  const file = join(dir, `${name}.ts`);
  const config = join(dir, `tsconfig.${name}.json`);
  await writeFile(file, source);
  await writeFile(config, JSON.stringify({ compilerOptions, files: [file] }));
  const samples = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    const { stdout } = await run(process.execPath, [tsc, '-p', config, '--extendedDiagnostics'], { cwd: root }).catch(
      (error) => {
        throw new Error(`tsc failed on ${relative(root, file)}:\n${error.stdout}${error.stderr}`);
      },
    );
    samples.push({ ...parseDiagnostics(stdout), wallSeconds: (performance.now() - started) / 1000 });
  }
  const pick = (key) => median(samples.map((sample) => sample[key]));
  return {
    totalSeconds: pick('totalSeconds'),
    checkSeconds: pick('checkSeconds'),
    wallSeconds: pick('wallSeconds'),
    memoryMB: pick('memoryMB'),
    instantiations: pick('instantiations'),
    files: pick('files'),
  };
}

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
  const runs = smoke ? 1 : 3;
  const check = async ([label, file, source]) => ({ name: label, ...(await checkConsumer(dir, file, source, runs)) });
  const rows = [];
  // Timed runs go one at a time; the smoke run only needs numbers, so it checks all consumers at once.
  if (smoke) rows.push(...(await Promise.all(consumers.map(check))));
  else for (const consumer of consumers) rows.push(await check(consumer));
  return { operations: operations.length, runs, rows };
}
