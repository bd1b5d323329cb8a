// 4. Bundle size: a one-call browser app per contender, bundled and minified by esbuild as an app would ship it,
// plus an app that also batches events through the ingester entry, so its cost shows apart. Our apps are bundled
// from src/ (so every byte can be traced to a source file) and, as a check, from the built package.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { packageName } from './build.mjs';
import { root } from './paths.mjs';

const src = JSON.stringify(join(root, 'src', 'index.ts'));
const srcIngester = JSON.stringify(join(root, 'src', 'ingester', 'index.ts'));
const call = "'/accounts/{account_id}', { params: { path: { account_id: 'ACC00001' } } }";
const facadeApp = (from) => `import { createTogaiClient } from ${from};
createTogaiClient({ token: 't' }).accounts.get({ accountId: 'ACC00001' }).then(console.log);`;
const ingesterApp = (from, fromIngester) => `import { createTogaiClient } from ${from};
import { createIngester } from ${fromIngester};
const ingester = createIngester(createTogaiClient({ token: 't' }));
ingester.add({ schemaName: 'api_calls', timestamp: new Date().toISOString(), accountId: 'ACC00001', attributes: [{ name: 'calls', value: '1' }] });
ingester.close().then(console.log);`;

/** Source of each app: create a client, get one account, print it (or queue one event and close). */
const apps = {
  'openapi-fetch': `import createClient from 'openapi-fetch';
const client = createClient({ baseUrl: 'https://api.togai.com', headers: { Authorization: 'Bearer t' } });
client.GET(${call}).then(({ data }) => console.log(data));`,
  'ours: facade': facadeApp(src),
  'ours: api': `import { createTogaiClient } from ${src};
createTogaiClient({ token: 't' }).api.GET(${call}).then(({ data }) => console.log(data));`,
  'ours: facade + ingester': ingesterApp(src, srcIngester),
  'ours: facade, built package': facadeApp(`'${packageName}'`),
  'ours: facade + ingester, built package': ingesterApp(`'${packageName}'`, `'${packageName}/ingester'`),
  'hey-api': `import { getAccount } from './hey-api/sdk.gen.js';
import { client } from './hey-api/client.gen.js';
client.setConfig({ auth: (scheme) => (scheme.scheme === 'bearer' ? 't' : undefined) });
getAccount({ path: { account_id: 'ACC00001' } }).then(({ data }) => console.log(data));`,
};

const gzip = (text) => gzipSync(text, { level: 9 }).byteLength;
/**
 * One name for a source file whether the metafile (paths from the repository) or the source map (paths from the
 * scratch folder) gives it: from the repository root; a dependency's files by package (openapi-fetch ships a
 * source map of its own, so the map names its src/ where the metafile names its dist/), except the built package
 * of ours; an app by its file name.
 */
const unitOf = (file) =>
  file
    .replace(/^(\.\.\/)+/, '')
    .replace(/^.*node_modules\/((?:@[^/]+\/)?[^/]+)(\/.*)$/, (_, name, rest) =>
      name === packageName ? name + rest : name,
    )
    .replace(/^\.tmp\/[^/]+\//, '');

/**
 * The parts of our apps, by the source file each output byte comes from. The operation table is the generated
 * metadata of every operation (generated/operations.ts), which the client reads at run time.
 */
/** The ingester's modules in src/, or its entry in the built package. */
const isIngester = (file) => file.startsWith('src/ingester/') || file === `${packageName}/dist/ingester.js`;
const parts = [
  ['openapi-fetch', (file) => file === 'openapi-fetch'],
  ['operation table (generated/)', (file) => file.startsWith('generated/')],
  ['ingester (src/ingester/)', isIngester],
  ['SDK code (src/, without the ingester)', (file) => file.startsWith('src/')],
  ['app code and bundler glue', () => true],
];
const partOf = (file) => parts.find(([, test]) => test(file))[0];

/** Minified bytes each source file contributes to the bundle, largest first. */
function inputsOf(metafile) {
  const [output] = Object.values(metafile.outputs).filter((out) => out.entryPoint);
  return Object.entries(output.inputs)
    .map(([file, { bytesInOutput }]) => ({ file: unitOf(file), bytes: bytesInOutput }))
    .filter(({ bytes }) => bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

const base64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * The source file each character of `code` comes from, read from its source map (version 3: `mappings` in base64
 * VLQ). A segment owns the characters up to the next one on its line; characters before a line's first segment,
 * or after a segment that maps nowhere, are bundler glue (`''`). Returns one source index per character (-1: glue).
 */
function sourceOfEachChar(code, map) {
  const owner = new Int32Array(code.length).fill(-1);
  const lineStarts = [0];
  for (let i = 0; i < code.length; i += 1) if (code[i] === '\n') lineStarts.push(i + 1);
  let line = 0;
  let column = 0;
  let source = 0;
  let from = -1; // start of the current segment's characters, with its source
  let fromSource = -1;
  const close = (to) => {
    if (from >= 0 && fromSource >= 0) owner.fill(fromSource, from, to);
  };
  const { mappings } = map;
  let i = 0;
  while (i <= mappings.length) {
    const char = mappings[i];
    if (char === ';' || i === mappings.length) {
      close(lineStarts[line + 1] ?? code.length);
      line += 1;
      column = 0;
      from = -1;
      i += 1;
      continue;
    }
    if (char === ',') {
      i += 1;
      continue;
    }
    // One segment: up to five VLQ fields; the first two (column, source) are all this needs.
    const fields = [];
    while (i < mappings.length && mappings[i] !== ',' && mappings[i] !== ';') {
      let value = 0;
      let shift = 0;
      let digit;
      do {
        digit = base64.indexOf(mappings[i]);
        i += 1;
        value += (digit & 31) << shift;
        shift += 5;
      } while (digit & 32);
      fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
    }
    column += fields[0];
    const at = lineStarts[line] + column;
    close(at);
    from = at;
    if (fields.length >= 4) {
      source += fields[1];
      fromSource = source;
    } else fromSource = -1;
  }
  return owner;
}

/**
 * Splits `code` by the part each character belongs to. `keep(file)` → whether a source file's characters stay;
 * `gzipWithout(test)` is the gzip size of the bundle without the characters of the files `test` accepts (no longer
 * valid JavaScript, but its compressed size is what those files cost in the app, given the rest).
 */
export function attribute(code, map) {
  const owner = sourceOfEachChar(code, map);
  const files = map.sources.map(unitOf);
  const without = (test) => {
    let kept = '';
    let start = 0;
    const dropped = (i) => i < code.length && owner[i] >= 0 && test(files[owner[i]]);
    for (let i = 0; i <= code.length; i += 1) {
      if (i === code.length || dropped(i)) {
        kept += code.slice(start, i);
        while (dropped(i)) i += 1;
        start = i;
      }
    }
    return kept;
  };
  const only = (test) => {
    let kept = '';
    for (let i = 0; i < code.length; i += 1) if (owner[i] >= 0 && test(files[owner[i]])) kept += code[i];
    return kept;
  };
  return { gzipWithout: (test) => gzip(without(test)), gzipOnly: (test) => gzip(only(test)), files };
}

/** Gzip bytes per part of one of our apps: alone, and what the app loses without it. */
function partsOf({ gzipWithout, gzipOnly }, total) {
  return parts
    .map(([name]) => {
      const test = (file) => partOf(file) === name;
      return { name, gzipAlone: gzipOnly(test), gzipSaved: total - gzipWithout(test) };
    })
    .filter((part) => part.gzipAlone > 20);
}

async function bundle(entry) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    sourcemap: 'external',
    outfile: entry.replace(/\.ts$/, '.js'),
    logLevel: 'error',
  });
  const file = (extension) => result.outputFiles.find((out) => out.path.endsWith(extension));
  return { code: file('.js').text, map: JSON.parse(file('.js.map').text), metafile: result.metafile };
}

export async function bundleSize(dir) {
  const rows = [];
  for (const [name, source] of Object.entries(apps)) {
    // Written beside hey-api/ so the peer's relative imports resolve, and above node_modules/ where the built
    // package is; openapi-fetch resolves upwards from .tmp/.
    const entry = join(dir, `app-${name.replace(/\W+/g, '-')}.ts`);
    await writeFile(entry, source);
    const { code, map, metafile } = await bundle(entry);
    const inputs = inputsOf(metafile);
    const row = { name, raw: Buffer.byteLength(code), gzip: gzip(code), inputs };
    // Bytes from the ingester's own modules: none is the goal for an app that does not import the entry.
    row.ingesterBytes = inputs.filter((i) => isIngester(i.file)).reduce((sum, i) => sum + i.bytes, 0);
    if (name.startsWith('ours') && !name.includes('built package')) {
      const attribution = attribute(code, map);
      row.parts = partsOf(attribution, row.gzip);
      for (const input of inputs) input.gzipSaved = row.gzip - attribution.gzipWithout((file) => file === input.file);
    }
    rows.push(row);
  }
  const base = rows.find((row) => row.name === 'openapi-fetch');
  for (const row of rows) row.ratio = row.gzip / base.gzip;
  return { rows };
}
