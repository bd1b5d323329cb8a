// Heavy tools that only a few tests use (Bun, Deno, arethetypeswrong) are not dev dependencies: they come from
// .ci/tools/ (its own package.json and lockfile, pinned), which CI installs and a contributor may. Without them,
// those tests are skipped, and say so.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './built-dist.js';

export const ciToolsInstall = 'npm ci --prefix .ci/tools';

/** The path of a tool's executable in .ci/tools, or undefined when .ci/tools is not installed. */
export function ciTool(name: string): string | undefined {
  const path = join(root, '.ci', 'tools', 'node_modules', '.bin', name);
  return existsSync(path) ? path : undefined;
}

/** Why a test that needs `name` is skipped, for the run's output. */
export function missingToolNote(name: string, purpose: string): string {
  return `${purpose} skipped: ${name} is not installed (run \`${ciToolsInstall}\` to include it; CI does).`;
}
