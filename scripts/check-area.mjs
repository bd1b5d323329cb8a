// npm run check-area -- <area>: checks one area folder of openapi/ on its own, before it is wired into the
// root document. Builds a temporary root with only that area's path items (and its `tags.yaml`, if any),
// lints it with recommended-strict, bundles it, and checks every operation against Togai's index, the
// wire-name tables, the SDK's extensions and its own examples. Exits non-zero on any problem.
import { readdir, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import YAML from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { root, specEntry } from './lib/pipeline.mjs';
import { formatProblem, lintProblems, redocly, runScript } from './lib/redocly.mjs';
import { deref } from './lib/operations-metadata.mjs';
import { parseIndex } from './lib/togai-index.mjs';
import { readCopy, readShared } from './lib/reference.mjs';

const area = process.argv[2];
if (!area) {
  console.error('usage: npm run check-area -- <area folder under openapi/>');
  process.exit(2);
}
const areaDir = join(root, 'openapi', area);
const problems = [];
const httpMethods = ['get', 'put', 'post', 'delete', 'patch'];

/** `customers@{customer_id}@contacts.yaml` → `/customers/{customer_id}/contacts`. */
const pathOfFile = (file) => `/${file.replace(/\.yaml$/, '').replaceAll('@', '/')}`;

const rootDoc = YAML.parse(await readFile(specEntry, 'utf8'));
const pathFiles = (await readdir(join(areaDir, 'paths'))).filter((f) => f.endsWith('.yaml'));
rootDoc.paths = Object.fromEntries(pathFiles.map((f) => [pathOfFile(f), { $ref: `./paths/${f}` }]));
const areaTags = existsSync(join(areaDir, 'tags.yaml')) ? YAML.parse(await readFile(join(areaDir, 'tags.yaml'), 'utf8')) : [];
rootDoc.tags = [...rootDoc.tags, ...areaTags];
rootDoc['x-tagGroups'] = [...rootDoc['x-tagGroups'], { name: `Area ${area}`, tags: areaTags.map((t) => t.name) }];
const tempRoot = join(areaDir, '.check-root.yaml');
await writeFile(tempRoot, YAML.stringify(rootDoc));

await runScript(async () => {
  const tempDir = await mkdtemp(join(tmpdir(), 'check-area-'));
  try {
    // Lint findings, one line each (file:line:col  rule  message), like every other script's.
    problems.push(...(await lintProblems(tempRoot)).map(formatProblem));
    const out = join(tempDir, 'bundle.json');
    await redocly(['bundle', tempRoot, '--output', out]);
    const bundle = JSON.parse(await readFile(out, 'utf8'));
    checkReferenceCopies();
    checkOperations(bundle, readCopy('index'), readCopy('wire-names-production'));
  } finally {
    await rm(tempRoot, { force: true });
    await rm(tempDir, { recursive: true, force: true });
  }
  if (problems.length) {
    console.error(problems.join('\n'));
    throw new Error(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${relative(root, areaDir)}`);
  }
  console.log('no problems');
});

/**
 * The facts come from the repository's copies (test/reference/); where the project's reference material is beside
 * the repository, the copies must still say what it says.
 */
function checkReferenceCopies() {
  const parsers = { index: parseIndex, 'wire-names-production': wireRows };
  for (const [name, parse] of Object.entries(parsers)) {
    const shared = readShared(name);
    if (shared.text === undefined) console.log(`${shared.path} is not here; checking against the copy in test/reference/ only`);
    else if (JSON.stringify(parse(readCopy(name))) !== JSON.stringify(parse(shared.text))) {
      problems.push(`test/reference/ has an outdated copy of ${shared.path}: copy its rows again`);
    }
  }
}

function wireRows(markdown) {
  return markdown
    .split('\n')
    .filter((l) => /^\| \w+Api \|/.test(l))
    .map((l) => l.split('|').map((c) => c.trim()))
    .map(([, api, operation, path, where, javaName, wireName]) => ({ api, operation, path, where, javaName, wireName }));
}

function checkOperations(bundle, indexMarkdown, wireMarkdown) {
  const index = new Map(parseIndex(indexMarkdown).map((row) => [row.operationId, row]));
  const wire = wireRows(wireMarkdown);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...bundle, $id: 'spec.json' }, 'spec.json');
  const validate = (schema, value, where) => {
    const check = ajv.compile(schema.$ref ? { $ref: `spec.json${schema.$ref}` } : schema);
    if (!check(value)) problems.push(`${where}: example invalid: ${JSON.stringify(check.errors)}`);
  };
  let count = 0;
  for (const [path, rawItem] of Object.entries(bundle.paths)) {
    const item = deref(bundle, rawItem);
    for (const method of httpMethods.filter((m) => item[m])) {
      count += 1;
      const op = item[method];
      const id = op.operationId;
      const row = index.get(id);
      if (!row) problems.push(`${id}: not in INDEX.md`);
      else {
        if (row.method !== method.toUpperCase() || row.path !== path) problems.push(`${id}: INDEX says ${row.method} ${row.path}`);
        if (row.deprecated !== (op.deprecated === true)) problems.push(`${id}: deprecated should be ${row.deprecated}`);
      }
      for (const key of ['x-togai-variant', 'x-sdk-resource', 'x-sdk-method']) if (!op[key]) problems.push(`${id}: missing ${key}`);
      for (const status of ['400', '401', '403', '404', '429', 'default']) {
        const schema = deref(bundle, deref(bundle, op.responses?.[status])?.content?.['application/json']?.schema);
        if (schema !== bundle.components?.schemas?.ErrorResponse) problems.push(`${id}: ${status} is not ErrorResponse`);
      }
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => deref(bundle, p));
      for (const w of wire.filter((w) => w.operation === id)) {
        if (!params.some((p) => p.name === w.wireName)) problems.push(`${id}: wire name ${w.wireName} missing`);
        if (params.some((p) => p.name === w.javaName)) problems.push(`${id}: Java name ${w.javaName} used on the wire`);
      }
      for (const p of params) if (p.example !== undefined) validate(p.schema, p.example, `${id} parameter ${p.name}`);
      const media = (holder, where) => {
        const content = deref(bundle, holder)?.content?.['application/json'];
        const examples = Object.entries(content?.examples ?? {});
        if (content && examples.length === 0) problems.push(`${id} ${where}: no example`);
        for (const [name, ex] of examples) validate(content.schema, deref(bundle, ex).value, `${id} ${where} ${name}`);
      };
      if (op.requestBody) media(op.requestBody, 'request');
      for (const [status, response] of Object.entries(op.responses ?? {})) if (/^2/.test(status)) media(response, status);
    }
  }
  console.log(`${area}: ${count} operations from ${relative(root, areaDir)}`);
}
