// The Redocly CLI as every script uses it (generate, lint, check-drift, check-area, docs): quiet, and its lint
// report reduced to one line per finding.
//
// Quiet: the environment below turns off telemetry, the update notice and the CLI's other notifications. The CLI
// also prints, on Node 20, a boxed "Node.js 20 reached end-of-life" banner that no setting turns off, and after a
// failed lint the advice to generate an ignore file; both go to stderr, which is kept only to explain a run that
// produced no report at all. Lint runs with `--format=json`, whose report on stdout is all that is read.
import { execFile } from 'node:child_process';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const cli = join(root, 'node_modules', '.bin', 'redocly');

/** No telemetry, no update check, no notifications: builds must not reach any outside host, nor chat. */
export const redoclyEnv = {
  ...process.env,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
};

/** A problem of the spec that Redocly found. */
export class SpecProblemsError extends Error {
  constructor(problems) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the spec`);
    this.name = 'SpecProblemsError';
    this.problems = problems;
  }
}

/** What the CLI wrote to stderr without the Node 20 banner (a box of ║ lines), its timing lines and blank lines. */
function meaningfulStderr(stderr) {
  return (stderr ?? '')
    .split('\n')
    .filter((line) => line.trim() && !/^\s*[╔║╚]/.test(line) && !/validated in \d+ms|^validating |generate-ignore-file/.test(line))
    .join('\n');
}

/** Runs the CLI; resolves with stdout, rejects with an error that quotes what it said (banner left out). */
export async function redocly(args, { cwd = root } = {}) {
  try {
    const { stdout } = await run(cli, args, { cwd, env: redoclyEnv, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    throw Object.assign(new Error(`redocly ${args[0]} failed: ${meaningfulStderr(error.stderr) || error.stdout || error.message}`), {
      stdout: error.stdout,
      stderr: error.stderr,
      exitCode: error.code,
    });
  }
}

/**
 * Lints `entry` (default: the root of redocly.yaml's `apis`) with the project's rules. Resolves with the findings,
 * `[]` when clean; each is `{ file, line, col, rule, message, severity }`, `file` relative to the repository root.
 */
export async function lintProblems(entry) {
  const args = ['lint', ...(entry ? [entry] : []), '--format=json', '--config', join(root, 'redocly.yaml')];
  let stdout;
  try {
    stdout = await redocly(args);
  } catch (error) {
    // Exit 1 with a report is a lint that found problems; anything else is the CLI failing to lint at all.
    if (!error.stdout?.trim().startsWith('{')) throw error;
    stdout = error.stdout;
  }
  const report = JSON.parse(stdout);
  const problems = report.problems.map((problem) => {
    const location = problem.location?.[0] ?? {};
    const ref = location.source?.ref ?? '(spec)';
    return {
      file: isAbsolute(ref) ? relative(root, ref) : ref,
      line: location.start?.line ?? 1,
      col: location.start?.col ?? 1,
      rule: problem.ruleId,
      message: String(problem.message).replace(/\s*\n\s*/g, ' '),
      severity: problem.severity,
    };
  });
  // A file that does not parse is reported once per reference to it, in the same words: keep one of each.
  const seen = new Set();
  return problems.filter((problem) => !seen.has(formatProblem(problem)) && seen.add(formatProblem(problem)));
}

/** Lints and rejects with a SpecProblemsError when anything is found (warnings too: recommended-strict). */
export async function lintSpec(entry) {
  const problems = await lintProblems(entry);
  if (problems.length > 0) throw new SpecProblemsError(problems);
}

/** `file:line:col  rule  message`. */
export function formatProblem({ file, line, col, rule, message }) {
  return `${file}:${line}:${col}  ${rule}  ${message}`;
}

/**
 * For the scripts' entry points: runs `main`; on an error prints the findings of a SpecProblemsError one per line
 * and a summary naming `consequence` (e.g. "generated/ left as it was"), or any other error's message without its
 * stack, and exits 1.
 */
export async function runScript(main, { consequence } = {}) {
  try {
    await main();
  } catch (error) {
    if (error instanceof SpecProblemsError) {
      for (const problem of error.problems) console.error(formatProblem(problem));
      console.error(`${error.message}${consequence ? `; ${consequence}` : ''}`);
    } else {
      console.error(error instanceof Error ? error.message : String(error));
    }
    process.exitCode = 1;
  }
}
