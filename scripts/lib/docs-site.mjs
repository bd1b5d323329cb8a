// Turns `redocly build-docs` output into a site that loads nothing from other origins: Redoc's standalone
// bundle is copied next to index.html (build-docs points at a CDN), the one image the bundle fetches from the
// CDN at run time (the "API docs by Redocly" footer logo) is replaced by a local file, and the page declares an
// empty icon so that browsers do not request a favicon the site does not have.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { redocly } from './redocly.mjs';

export const redocBundleName = 'redoc.standalone.js';
const logoName = 'redocly-logo.svg';

/** The Redoc bundle that ships inside @redocly/cli (the same build the CDN serves for this CLI version). */
export function redocBundlePath(root) {
  const cliEntry = createRequire(join(root, 'package.json')).resolve('@redocly/cli/package.json');
  return join(dirname(cliEntry), 'lib', 'chunks', redocBundleName);
}

/**
 * Redoc options. Redoc 3 shows an `x-codeSamples` entry only when its label is among `codeSamples.languages`;
 * listing just ours (and the request payload) makes the SDK sample the first and default tab.
 */
export function redocOptions(sampleLabel) {
  return { codeSamples: { languages: [{ lang: 'TypeScript', label: sampleLabel }, { lang: 'payload', label: 'Payload' }] } };
}

/** Runs `redocly build-docs`; telemetry off so neither the CLI nor the page reports to Redocly. */
export async function buildDocs({ root, spec, output, title, options }) {
  const args = ['build-docs', spec, '--output', output, '--title', title, '--lint-config', 'off'];
  args.push('--openapi', JSON.stringify(options));
  await redocly(args, { cwd: root });
}

/** Replaces every occurrence of `search`, insisting that there is at least one (Redoc's output may change). */
function replaceAll(text, search, replacement, what) {
  const count = text.split(search).length - 1;
  if (count === 0) throw new Error(`docs: expected ${what} in Redoc's output, found none; Redoc changed, update scripts/lib/docs-site.mjs`);
  return text.split(search).join(replacement);
}

function sri(content) {
  return `sha384-${createHash('sha384').update(content).digest('base64')}`;
}

// A plain wordmark instead of Redocly's remote logo, so the attribution stays without a request off-site.
const logoSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="16" viewBox="0 0 64 16">
<text x="0" y="12" font-family="sans-serif" font-size="12" font-weight="600" fill="#0044d4">Redocly</text>
</svg>
`;

/**
 * Copies Redoc next to index.html and rewrites the page to use it. Returns what it rewrote.
 * Throws if anything in the page still points at another origin for a script, style, font or image.
 */
export async function localizeSite({ root, dir }) {
  const htmlPath = join(dir, 'index.html');
  let html = await readFile(htmlPath, 'utf8');
  let bundle = await readFile(redocBundlePath(root), 'utf8');

  for (const variant of ['logo-mini-full.svg', 'logo-mini.svg']) {
    bundle = replaceAll(bundle, `https://cdn.redoc.ly/redoc/${variant}`, `./${logoName}`, `the remote ${variant}`);
  }
  const cdnBundle = /https:\/\/cdn\.redocly\.com\/redoc\/v[^"'\s]+\/redoc\.standalone\.js/g;
  const cdnUrls = new Set(html.match(cdnBundle) ?? []);
  if (cdnUrls.size === 0) throw new Error("docs: build-docs output no longer imports Redoc from the CDN; update docs-site.mjs");
  for (const url of cdnUrls) html = replaceAll(html, url, `./${redocBundleName}`, 'the CDN bundle URL');
  // The page preloads the bundle with Subresource Integrity; the hash must match our (patched) copy.
  const preload = /(<link rel="modulepreload" href="\.\/redoc\.standalone\.js" integrity=")[^"]+"/;
  if (!preload.test(html)) throw new Error("docs: build-docs output no longer preloads Redoc; update docs-site.mjs");
  html = html.replace(preload, `$1${sri(bundle)}"`);
  // An empty icon, so the browser does not ask the host for a /favicon.ico the site does not have.
  html = replaceAll(html, '<head>', '<head>\n  <link rel="icon" href="data:," />', 'the <head> tag');

  const remote = [...html.matchAll(/<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="(https?:)?\/\/[^"]+"[^>]*>/gi)];
  const remoteCss = [...html.matchAll(/@import\s+url\(\s*['"]?https?:|url\(\s*['"]?https?:\/\//gi)];
  if (remote.length > 0 || remoteCss.length > 0) {
    throw new Error(`docs: the page still loads from another origin:\n${[...remote, ...remoteCss].map((m) => m[0]).join('\n')}`);
  }

  await writeFile(htmlPath, html);
  await writeFile(join(dir, redocBundleName), bundle);
  await writeFile(join(dir, logoName), logoSvg);
  return { replacedUrls: [...cdnUrls] };
}
