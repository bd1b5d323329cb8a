// A scratch consumer project in a temp directory that installs our packed tarball the way a user would,
// without network: our dependencies are packed from node_modules and installed from those tarballs too.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeRun, run } from './run.js';
import { root } from './built-dist.js';

async function dependenciesOf(packageDir: string): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(manifest.dependencies ?? {});
}

/** Names of all runtime dependencies of the repo, transitively (node_modules is hoisted flat). */
async function runtimeDependencyClosure(): Promise<string[]> {
  const seen = new Set<string>();
  const queue = await dependenciesOf(root);
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...(await dependenciesOf(join(root, 'node_modules', name))));
  }
  return [...seen];
}

export interface Packed {
  tarball: string;
  /** Paths inside the tarball, relative to the package root. */
  files: string[];
}

/** `npm pack` of `packageDir` into `destination` (no lifecycle scripts: dist/ is built beforehand). */
export async function pack(packageDir: string, destination: string): Promise<Packed> {
  const result = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], {
    cwd: packageDir,
    timeoutMs: 60_000,
  });
  if (result.code !== 0) throw new Error(describeRun(`npm pack in ${packageDir}`, result));
  const [info] = JSON.parse(result.stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(destination, info!.filename), files: info!.files.map((file) => file.path) };
}

/** Installs `tarball` and packs of its dependencies into `projectDir`, with an empty npm cache and offline. */
export async function installTarball(projectDir: string, tarball: string, workDir: string): Promise<void> {
  const dependencyTarballs: string[] = [];
  for (const name of await runtimeDependencyClosure()) {
    dependencyTarballs.push((await pack(join(root, 'node_modules', name), workDir)).tarball);
  }
  await writeFile(join(projectDir, 'package.json'), JSON.stringify({ name: 'scratch-consumer', private: true }));
  const install = await run(
    'npm',
    ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--cache', join(workDir, 'npm-cache'), tarball, ...dependencyTarballs],
    { cwd: projectDir, timeoutMs: 120_000 },
  );
  if (install.code !== 0) throw new Error(describeRun('npm install (scratch project)', install));
}
