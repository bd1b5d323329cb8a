// Test files run in parallel workers, and `npm run build` empties dist/ first. So every test that uses
// dist/ runs the build and its use of dist/ while holding one lock (a directory: mkdir is atomic), and no
// test ever reads a half-built dist/.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeRun, run } from './run.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const distDir = join(root, 'dist');
const lockDir = join(root, '.tmp', 'dist.lock');
const lockWaitMs = 180_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function acquireLock(): Promise<void> {
  await mkdir(join(root, '.tmp'), { recursive: true });
  const deadline = Date.now() + lockWaitMs;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // A holder that died (e.g. an interrupted run) leaves the lock behind: take it over.
    const holder = Number(await readFile(join(lockDir, 'pid'), 'utf8').catch(() => ''));
    if (holder > 0 && !isAlive(holder)) await rm(lockDir, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`Timed out after ${lockWaitMs} ms waiting for ${lockDir}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs `npm run build`, then `use` while dist/ is guaranteed fresh and unchanged. */
export async function withBuiltDist<T>(use: () => Promise<T>): Promise<T> {
  await acquireLock();
  try {
    const build = await run('npm', ['run', 'build'], { cwd: root, timeoutMs: 120_000 });
    if (build.code !== 0) throw new Error(describeRun('npm run build', build));
    return await use();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
