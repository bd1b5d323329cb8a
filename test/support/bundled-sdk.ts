// The SDK bundled from src/ for plain `node` child processes (a process lifetime, a heap measured without vitest):
// `./sdk.mjs` is the public entry and `./ingester.mjs` the ingester's, beside the scripts the child runs.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll } from 'vitest';
import { root } from './built-dist.js';

export interface ChildResult {
  /** Exit code, or null when the child was killed (at the time limit, or by `onStdout`). */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  /** Options for node itself, before the script (e.g. `--expose-gc`). */
  nodeArgs?: string[];
  /** Variables added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Sees the output so far as it arrives, with a way to signal the child. */
  onStdout?: (text: string, kill: (signal: NodeJS.Signals) => void) => void;
}

/**
 * Bundles the SDK into a fresh folder under .tmp/ before the tests of the current file or describe (removed after
 * them); `runScript` runs an ES module source there in a child `node`, killed at 20 s.
 */
export function useBundledSdk(prefix: string) {
  let dir = '';
  let scripts = 0;
  beforeAll(async () => {
    await mkdir(join(root, '.tmp'), { recursive: true });
    dir = await mkdtemp(join(root, '.tmp', `${prefix}-`));
    await build({
      entryPoints: { sdk: join(root, 'src', 'index.ts'), ingester: join(root, 'src', 'ingester', 'index.ts') },
      bundle: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      // Like the package: both entries share one copy of what they have in common (classes the call path recognizes).
      splitting: true,
      logLevel: 'error',
    });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function runScript(source: string, options: ChildOptions = {}): Promise<ChildResult> {
    const file = join(dir, `child-${scripts++}.mjs`);
    await writeFile(file, source);
    return new Promise((resolve) => {
      let stdout = '';
      const env = { ...process.env, ...options.env };
      const child = execFile(
        process.execPath,
        [...(options.nodeArgs ?? []), file],
        { env, timeout: 20_000, killSignal: 'SIGKILL' },
        (error, out, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout: out, stderr }),
      );
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        options.onStdout?.(stdout, (signal) => child.kill(signal));
      });
    });
  }

  return { runScript };
}
