// The shape of src/ as ARCHITECTURE.md describes it: layers in folders of at most 12 files, imports that only go
// down (no cycle, type-only imports included), no export nobody imports, a line budget, and an entry that does not
// make a one-call app carry the ingester.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, test } from 'vitest';
import { root } from './support/built-dist.js';

const src = join(root, 'src');
const files = readdirSync(src, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => join(src, file));
const text = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
const entries = ['index.ts', 'paths.ts', 'ingester/index.ts'].map((file) => join(src, file));
/** Layers from the bottom: a file may import its own layer or one below. */
const layers = ['core', 'transport', 'client', 'ingester'];

/** Every `import`/`export ... from` of a file: the target file (within src/, else null) and the names it takes. */
function importsOf(file: string) {
  const found: { target: string | null; names: string[] | '*' }[] = [];
  const pattern = /^(?:import|export)\s+(type\s+)?(\*(?:\s+as\s+\w+)?|\{[^}]*\}|[\w$]+(?:\s*,\s*\{[^}]*\})?)\s+from\s+'([^']+)'/gm;
  for (const [, , clause, specifier] of text.get(file)!.matchAll(pattern)) {
    const target = specifier!.startsWith('.') ? resolve(dirname(file), specifier!.replace(/\.js$/, '.ts')) : null;
    const braces = /\{([^}]*)\}/.exec(clause!)?.[1];
    const names = braces === undefined ? '*' : braces.split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!).filter(Boolean);
    found.push({ target: target && text.has(target) ? target : null, names });
  }
  return found;
}

const graph = new Map(files.map((file) => [file, importsOf(file).filter((i) => i.target).map((i) => i.target!)]));
const name = (file: string) => relative(src, file);

describe('src/ in layers', () => {
  test('no folder holds more than 12 files', () => {
    const counts = new Map<string, number>();
    for (const file of files) counts.set(dirname(name(file)), (counts.get(dirname(name(file))) ?? 0) + 1);
    expect([...counts].filter(([, count]) => count > 12)).toEqual([]);
    expect([...counts.keys()].sort()).toEqual(['.', ...layers].sort());
  });

  test('imports only go down the layers (core ← transport ← client ← ingester), never up', () => {
    const layerOf = (file: string) => layers.indexOf(name(file).split('/')[0]!);
    const upward = files.flatMap((file) => graph.get(file)!.filter((target) => layerOf(file) >= 0 && layerOf(target) > layerOf(file)).map((target) => `${name(file)} → ${name(target)}`));
    expect(upward).toEqual([]);
  });

  test('no import cycle, type-only imports included', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') return void cycles.push([...path.slice(path.indexOf(file)), file].map(name).join(' → '));
      state.set(file, 'open');
      for (const target of graph.get(file)!) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  test('every export is imported somewhere in src/ or is part of an entry point', () => {
    const used = new Set<string>();
    for (const file of files) {
      for (const { target, names } of importsOf(file)) {
        if (!target) continue;
        if (names === '*') used.add(`${target}#*`);
        else for (const n of names) used.add(`${target}#${n}`);
      }
    }
    const unused: string[] = [];
    for (const file of files) {
      if (entries.includes(file) || used.has(`${file}#*`)) continue;
      const declared = [...text.get(file)!.matchAll(/^export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|class|interface|type|enum)\s+([\w$]+)/gm)].map((m) => m[1]!);
      for (const exported of declared) if (!used.has(`${file}#${exported}`)) unused.push(`${name(file)}: ${exported}`);
    }
    expect(unused).toEqual([]);
  });

  test('at most 2,400 hand-written lines', () => {
    const lines = [...text.values()].reduce((sum, source) => sum + source.split('\n').length - (source.endsWith('\n') ? 1 : 0), 0);
    console.info(`src/: ${lines} lines in ${files.length} files`);
    expect(lines).toBeLessThanOrEqual(2_400);
  });

  test('an app that makes one call does not carry the ingester', async () => {
    const result = await build({
      stdin: { contents: `import { createTogaiClient } from ${JSON.stringify(join(src, 'index.ts'))};\ncreateTogaiClient({ token: 't' }).accounts.get({ accountId: 'A' }).then(console.log);`, resolveDir: root },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const bundled = Object.keys(Object.values(result.metafile.outputs)[0]!.inputs).map((file) => file.replace(/^.*?src\//, 'src/'));
    expect(bundled.filter((file) => file.startsWith('src/ingester/'))).toEqual([]);
    expect(bundled).toContain('src/client/create-client.ts');
  });
});
