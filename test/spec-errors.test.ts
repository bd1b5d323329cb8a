// A typo in the spec, as a maintainer makes one: `npm run generate`, `npm run lint` and `npm run check-drift` print
// Redocly's findings, one line each (`file:line:col  rule  message`), and one summary line; nothing else (no stack
// trace, no dump of the output, no Node banner, no advice to write an ignore file), exit 1, and generated/ is left
// as it was. Runs on a copy of the repository's spec and scripts in a temporary folder.
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { root } from './support/built-dist.js';
import { describeRun, run, type RunResult } from './support/run.js';

let copy = '';
/** The file with the typo, the line and column of the typo. */
let typo = { file: '', line: 0, col: 0 };
let generatedBefore = '';
/** What generate printed, for the other scripts to match. */
let generateFindings: string[] = [];

/** A digest of every file of generated/ and the README (which generate rewrites too). */
async function digestOfOutputs(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(join(dir, 'generated'), { recursive: true })).filter((name) => /\.\w+$/.test(name)).sort();
  for (const name of files) hash.update(name).update(await readFile(join(dir, 'generated', name)));
  return hash.update(await readFile(join(dir, 'README.md'))).digest('hex');
}

beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'togai-spec-typo-'));
  for (const entry of ['openapi', 'scripts', 'generated', 'redocly.yaml', 'package.json', 'README.md', '.prettierrc.json']) {
    await cp(join(root, entry), join(copy, entry), { recursive: true });
  }
  await symlink(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  // `type: strin` for the first `type: string` of a schema every invoice operation uses.
  const file = 'openapi/invoices/schemas/Invoice.yaml';
  const lines = (await readFile(join(copy, file), 'utf8')).split('\n');
  const index = lines.findIndex((line) => /^\s+type: string$/.test(line));
  lines[index] = lines[index]!.replace('type: string', 'type: strin');
  await writeFile(join(copy, file), lines.join('\n'));
  typo = { file, line: index + 1, col: lines[index]!.indexOf('strin') + 1 };
  generatedBefore = await digestOfOutputs(copy);
}, 60_000);

afterAll(async () => {
  if (copy) await rm(copy, { recursive: true, force: true });
});

const finding = /^(\S+):(\d+):(\d+) {2}([a-z0-9-]+) {2}(\S.*)$/;

function expectFindingsOnly(result: RunResult, summary: RegExp): string[] {
  const label = describeRun('the script', result);
  expect(result.code, label).toBe(1);
  expect(result.stdout, label).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  const findings = lines.slice(0, -1);
  // The findings, each on one line, then the summary: nothing else.
  for (const line of findings) expect(line, label).toMatch(finding);
  expect(lines.at(-1), label).toMatch(summary);
  expect(Number(/^(\d+) problems? in the spec/.exec(lines.at(-1)!)?.[1]), label).toBe(findings.length);
  // The typo itself is the first finding, at its line and column.
  expect(findings[0], label).toBe(
    `${typo.file}:${typo.line}:${typo.col}  struct  \`type\` can be one of the following only: "object", "array", "string", "number", "integer", "boolean", "null".`,
  );
  expect(new Set(findings).size, label).toBe(findings.length);
  for (const noise of [/^\s+at /m, /Node\.js \d+/, /end-of-life/, /generate-ignore-file/, /[╔║╚]/, /validated in/, /stdout:|stderr:/]) {
    expect(result.stderr, label).not.toMatch(noise);
  }
  return findings;
}

describe('a typo in the spec', { timeout: 120_000 }, () => {
  test('npm run generate prints the findings and a summary, exits 1 and leaves generated/ as it was', async () => {
    const result = await run(process.execPath, ['scripts/generate.mjs'], { cwd: copy, timeoutMs: 100_000 });
    const findings = expectFindingsOnly(result, /^\d+ problems? in the spec; generated\/ left as it was$/);
    generateFindings = findings;
    // The typo makes the examples of the operations that answer an Invoice invalid too: each is one finding.
    expect(findings.slice(1).every((line) => line.includes('no-invalid-media-type-examples')), findings.join('\n')).toBe(true);
    expect(await digestOfOutputs(copy)).toBe(generatedBefore);
  });

  test('npm run lint and npm run check-drift print the same findings', async () => {
    expect(generateFindings.length).toBeGreaterThan(0);
    const [lint, drift] = await Promise.all(
      ['scripts/lint.mjs', 'scripts/check-drift.mjs'].map((script) => run(process.execPath, [script], { cwd: copy, timeoutMs: 100_000 })),
    );
    expect(expectFindingsOnly(lint!, /^\d+ problems? in the spec$/)).toEqual(generateFindings);
    expect(expectFindingsOnly(drift!, /^\d+ problems? in the spec$/)).toEqual(generateFindings);
    expect(await digestOfOutputs(copy)).toBe(generatedBefore);
  });
});
