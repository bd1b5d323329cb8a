// Turns `redocly build-docs` output into a site that works wherever its folder is put: opened from disk
// (`file://`), served from a site's root, or from a sub-path such as `https://<owner>.github.io/<repo>/`.
// - Redoc's standalone bundle is copied next to index.html (build-docs points at a CDN), and the one image the bundle
//   fetches from the CDN at run time (the "API docs by Redocly" footer logo) is replaced by a local file, so nothing
//   is loaded from another origin. The page declares an empty icon so that browsers do not ask for a favicon.
// - The bundle is an ES module, and browsers refuse module scripts from `file://`; it is turned into a classic
//   script that sets `window.Redoc`, which the page's own (classic) script then calls.
// - Every path is relative: assets as `./name`, and the prerendered links to sections as `#/route`, the routes of
//   Redoc's hash router (the links it renders itself once it runs), so no link points at the root of the host.
// - The copy button sits over the top right corner of each code sample: the code starts below it, so that no line
//   (the sample's import line above all) runs under the button.
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
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

// A plain wordmark instead of Redocly's remote logo, so the attribution stays without a request off-site.
const logoSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="16" viewBox="0 0 64 16">
<text x="0" y="12" font-family="sans-serif" font-size="12" font-weight="600" fill="#0044d4">Redocly</text>
</svg>
`;

/** Rules added to the page's styles (see the top of this file). */
export const siteCss = `
  /* The code of a sample starts below its copy button, which sits over the block's top right corner (the selector
     outweighs the code block's own padding, a doubled class). */
  [data-component-name="CodeBlock/CodeBlock"] div:has(> [data-component-name="CodeBlock/CodeBlockControls"]) > pre {
    padding-top: 36px;
  }
  /* The SDK samples keep to 56 columns, what the panel shows at 1400 pixels; in a narrower panel a longer line
     wraps rather than running out of sight. */
  .panel-request-samples [data-component-name="CodeBlock/CodeBlock"] pre { white-space: pre-wrap; }
`;

/**
 * Redoc's ES-module bundle as a classic script that sets `window.Redoc` ({ RedocStandalone, hydrate, init }).
 * Throws when the bundle no longer has the expected shape, or when the result would not run as a classic script.
 */
export function classicRedocBundle(bundle) {
  let code = replaceAll(bundle, 'const{RedocStandalone,hydrate,init}=(()=>', 'window.Redoc=(()=>', "the bundle's export object");
  code = code.replace(/export\{RedocStandalone,hydrate,init\};\s*$/, '');
  // FlexSearch's worker factory names `import.meta` in branches for Node and for module workers, which the page
  // never takes (search runs in a Blob worker), but a classic script must not contain it at all. The occurrences
  // inside strings (the source of the worker) stay.
  code = code.replace(/(?<!["'`])\bimport\.meta\.(?:dirname|url)\b/g, '""');
  try {
    new Script(code, { filename: redocBundleName });
  } catch (error) {
    throw new Error(`docs: Redoc's bundle does not compile as a classic script (${error.message}); update docs-site.mjs`);
  }
  return code;
}

/**
 * Copies Redoc next to index.html and rewrites the page as described at the top of this file. Returns what it
 * rewrote. Throws if anything in the page still points at another origin for a script, style, font or image, or at
 * an absolute path.
 */
export async function localizeSite({ root, dir }) {
  const htmlPath = join(dir, 'index.html');
  let html = await readFile(htmlPath, 'utf8');
  let bundle = await readFile(redocBundlePath(root), 'utf8');

  for (const variant of ['logo-mini-full.svg', 'logo-mini.svg']) {
    bundle = replaceAll(bundle, `https://cdn.redoc.ly/redoc/${variant}`, `./${logoName}`, `the remote ${variant}`);
  }
  bundle = classicRedocBundle(bundle);

  const cdnBundle = /https:\/\/cdn\.redocly\.com\/redoc\/v[^"'\s]+\/redoc\.standalone\.js/g;
  const cdnUrls = new Set(html.match(cdnBundle) ?? []);
  if (cdnUrls.size === 0) throw new Error("docs: build-docs output no longer imports Redoc from the CDN; update docs-site.mjs");
  for (const url of cdnUrls) html = replaceAll(html, url, `./${redocBundleName}`, 'the CDN bundle URL');
  // A module preload of the bundle (with Subresource Integrity, which a `file://` page cannot check): not needed for
  // a classic script that the page loads itself.
  const preload = /<link rel="modulepreload" href="\.\/redoc\.standalone\.js"[^>]*>/;
  if (!preload.test(html)) throw new Error("docs: build-docs output no longer preloads Redoc; update docs-site.mjs");
  html = html.replace(preload, '');
  // The page's module script imports `hydrate`; a classic script calls it on window.Redoc instead.
  const moduleScript = /<script type="module">\s*import \{ hydrate \} from "\.\/redoc\.standalone\.js";/;
  if (!moduleScript.test(html)) throw new Error("docs: build-docs output no longer imports hydrate in a module script; update docs-site.mjs");
  html = html.replace(moduleScript, `<script src="./${redocBundleName}"></script>\n    <script>`);
  html = replaceAll(html, 'hydrate(__redoc_definition,', 'window.Redoc.hydrate(__redoc_definition,', 'the hydrate call');
  // Prerendered links to sections (`/accounts`, `/section/authentication`, `/`) → the hash router's `#/...`.
  html = html.replace(/\bhref="\/(?!\/)([^"]*)"/g, (_, route) => `href="#/${route}"`);
  // An empty icon, so the browser does not ask the host for a /favicon.ico the site does not have; our styles.
  html = replaceAll(html, '<head>', `<head>\n  <link rel="icon" href="data:," />\n  <style>${siteCss}</style>`, 'the <head> tag');

  const remote = [...html.matchAll(/<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="(https?:)?\/\/[^"]+"[^>]*>/gi)];
  const remoteCss = [...html.matchAll(/@import\s+url\(\s*['"]?https?:|url\(\s*['"]?https?:\/\//gi)];
  if (remote.length > 0 || remoteCss.length > 0) {
    throw new Error(`docs: the page still loads from another origin:\n${[...remote, ...remoteCss].map((m) => m[0]).join('\n')}`);
  }
  const absolute = [...html.matchAll(/\b(?:src|href)="\/[^"]*"/g)].map((m) => m[0]);
  if (absolute.length > 0) throw new Error(`docs: the page still has absolute paths, which break under a sub-path: ${absolute.join(', ')}`);

  await writeFile(htmlPath, html);
  await writeFile(join(dir, redocBundleName), bundle);
  await writeFile(join(dir, logoName), logoSvg);
  return { replacedUrls: [...cdnUrls] };
}
