// 3. Bundle size: a one-call browser app per contender, bundled and minified by esbuild as an app would ship it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { root } from './paths.mjs';

const src = JSON.stringify(join(root, 'src', 'index.ts'));
const call = "'/accounts/{account_id}', { params: { path: { account_id: 'ACC00001' } } }";

/** Source of each app: create a client, get one account, print it. */
const apps = {
  'openapi-fetch': `import createClient from 'openapi-fetch';
const client = createClient({ baseUrl: 'https://api.togai.com', headers: { Authorization: 'Bearer t' } });
client.GET(${call}).then(({ data }) => console.log(data));`,
  'ours: facade': `import { createTogaiClient } from ${src};
createTogaiClient({ token: 't' }).accounts.get({ accountId: 'ACC00001' }).then(console.log);`,
  'ours: api': `import { createTogaiClient } from ${src};
createTogaiClient({ token: 't' }).api.GET(${call}).then(({ data }) => console.log(data));`,
  'hey-api': `import { getAccount } from './hey-api/sdk.gen.js';
import { client } from './hey-api/client.gen.js';
client.setConfig({ auth: (scheme) => (scheme.scheme === 'bearer' ? 't' : undefined) });
getAccount({ path: { account_id: 'ACC00001' } }).then(({ data }) => console.log(data));`,
};

/** Minified bytes each source file contributes to the bundle, largest first. */
function inputsOf(metafile) {
  const [output] = Object.values(metafile.outputs);
  return Object.entries(output.inputs)
    .map(([file, { bytesInOutput }]) => ({
      file: file.replace(/^(\.\.\/)+/, '').replace(/^.*node_modules\//, ''),
      bytes: bytesInOutput,
    }))
    .filter(({ bytes }) => bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

export async function bundleSize(dir) {
  const rows = [];
  for (const [name, source] of Object.entries(apps)) {
    // Written beside hey-api/ so the peer's relative imports resolve; node_modules resolves upwards from .tmp/.
    const entry = join(dir, `app-${name.replace(/\W+/g, '-')}.ts`);
    await writeFile(entry, source);
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      metafile: true,
      logLevel: 'error',
    });
    const code = result.outputFiles[0].contents;
    rows.push({
      name,
      raw: code.byteLength,
      gzip: gzipSync(code, { level: 9 }).byteLength,
      inputs: inputsOf(result.metafile),
    });
  }
  const base = rows.find((row) => row.name === 'openapi-fetch');
  for (const row of rows) row.ratio = row.gzip / base.gzip;
  return { rows };
}
