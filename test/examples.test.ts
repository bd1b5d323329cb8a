// The README's examples run as a user would run them: `node examples/<name>.mjs` against the Prism mock,
// importing the built package by its name.
import { join } from 'node:path';
import { expect, inject, test } from 'vitest';
import { root, withBuiltDist } from './support/built-dist.js';
import { describeRun, run } from './support/run.js';

const expectations: Record<string, RegExp[]> = {
  'quickstart.mjs': [/^account ACC00001 \(.+\) is ACTIVE$/m, /^first page: \d+ account\(s\), more: false$/m, /^listed \d+ account\(s\) in all$/m],
  'customer-scoped.mjs': [/^created \S+ with \d+ alias\(es\)$/m, /^aliases now: .+$/m, /has \d+ pricing schedule\(s\)$/m],
  'errors-and-retries.mjs': [/^not found: .+ \(status 404, GET \/accounts\/ACC-missing\)$/m, /^validation: .*must not be "\.\."/m, /^PermissionDeniedError: 403$/m],
  'ingest-events.mjs': [/^queued 1200 events; the first has id [0-9a-f-]{36}$/m, /^accepted 1200, failed 0, in 3 batch\(es\)$/m],
  'purchase.mjs': [/^deprecated: TOGAI_DEPRECATED_initiateOneTimeEntitlementPlan$/m, /^purchase \S+: [A-Z_]+$/m, /purchase\(s\) on this page$/m],
};

test('every example runs against the mock and prints what it promises', { timeout: 240_000 }, async () => {
  await withBuiltDist(async () => {
    // The examples are JavaScript with // @ts-check: type-check them against the built package's types.
    const typecheck = await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'examples')], {
      cwd: root,
      timeoutMs: 120_000,
    });
    expect(typecheck.code, describeRun('tsc -p examples', typecheck)).toBe(0);
    const stdout: Record<string, string> = {};
    for (const [name, patterns] of Object.entries(expectations)) {
      const result = await run(process.execPath, [join(root, 'examples', name)], {
        cwd: root,
        timeoutMs: 30_000,
        env: { TOGAI_BASE_URL: inject('prismUrl'), TOGAI_API_TOKEN: '', TOGAI_API_KEY: '' },
      });
      expect(result.code, describeRun(name, result)).toBe(0);
      for (const pattern of patterns) expect(result.stdout, describeRun(name, result)).toMatch(pattern);
      stdout[name] = result.stdout;
    }
    // The quickstart's `for await` (no `break`) ran to the end of the list: every item of the one page, once.
    const firstPage = Number(/^first page: (\d+)/m.exec(stdout['quickstart.mjs']!)?.[1]);
    expect(firstPage).toBeGreaterThan(0);
    expect(stdout['quickstart.mjs']!.match(/^  listed \S+$/gm)).toHaveLength(firstPage);
    expect(stdout['quickstart.mjs']).toContain(`listed ${firstPage} account(s) in all`);
  });
});
