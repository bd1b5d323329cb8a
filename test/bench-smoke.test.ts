// Runs every bench once with tiny counts (`node bench/run.mjs --smoke`), so a broken bench is caught by the
// tests rather than on the day someone wants numbers. It checks that each section measured something real;
// speed itself is judged by `npm run bench`, never here.
// It takes about a minute, so the default `vitest run` leaves it out: `npm run test:bench-smoke` runs it (with
// vitest.bench-smoke.config.ts), and so does CI.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { operations } from '../generated/operations.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const operationCount = Object.keys(operations).length;
const contenders = ['fetch', 'openapi-fetch', 'ours: api', 'ours: facade', 'hey-api'];

interface Row {
  name: string;
  [metric: string]: unknown;
}

const readReport = () => readFile(join(root, 'BENCHMARKS.md'), 'utf8').catch(() => undefined);

function expectPositive(row: Row, ...metrics: string[]) {
  for (const metric of metrics) {
    const value = row[metric];
    expect(
      typeof value === 'number' && Number.isFinite(value) && value > 0,
      `${row.name}: ${metric} = ${String(value)}`,
    ).toBe(true);
  }
}

it('runs every bench section with tiny counts and leaves BENCHMARKS.md alone', async () => {
  const reportBefore = await readReport();
  const dir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
  const json = join(dir, 'results.json');
  try {
    const { stdout } = await run(process.execPath, ['--expose-gc', 'bench/run.mjs', '--smoke', `--json=${json}`], {
      cwd: root,
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toContain('## Targets');
    const results = JSON.parse(await readFile(json, 'utf8'));

    expect(results.perCall.rows.map((row: Row) => row.name)).toEqual(contenders);
    for (const row of results.perCall.rows)
      expectPositive(row, 'meanUs', 'p99Us', 'opsPerSec', 'ratio', 'cpuUs', 'cpuRatio');

    expect(results.entitlements.rows.map((row: Row) => row.name)).toEqual([
      'getAccount',
      'getEntitlementValue',
      'validateEntitlementValue',
    ]);
    for (const row of results.entitlements.rows) {
      expectPositive({ name: row.name, ...row.meanUs }, ...contenders.slice(1, 4));
      expectPositive({ name: row.name, ...row.cpuUs }, ...contenders.slice(1, 4));
      expectPositive(row, 'apiRatio', 'facadeRatio', 'vsFacadeGet', 'overheadVsGet');
      expectPositive({ name: row.name, ...row.cpu }, 'apiRatio', 'facadeRatio', 'vsFacadeGet', 'overheadVsGet');
    }

    expect(results.loopback.levels.map((level: { concurrency: number }) => level.concurrency)).toEqual([1, 64]);
    for (const level of results.loopback.levels) {
      expect(level.rows.map((row: Row) => row.name)).toEqual(contenders);
      for (const row of level.rows) expectPositive(row, 'reqPerSec', 'ratio');
    }

    expect(results.bundle.rows.map((row: Row) => row.name)).toEqual([
      'openapi-fetch',
      'ours: facade',
      'ours: api',
      'ours: facade + ingester',
      'ours: facade, built package',
      'ours: facade + ingester, built package',
      'hey-api',
    ]);
    for (const row of results.bundle.rows) {
      expectPositive(row, 'raw', 'gzip', 'ratio');
      expect(row.gzip).toBeLessThan(row.raw);
      // The attribution finds the ingester's modules where an app imports them (whether it should is a target).
      expect(row.ingesterBytes > 0, row.name).toBe(row.name.includes('ingester'));
    }
    for (const row of results.bundle.rows.filter((r: Row) => r.name.startsWith('ours') && !r.name.includes('built'))) {
      const parts = row.parts.map((part: { name: string }) => part.name);
      expect(parts).toEqual(expect.arrayContaining(['openapi-fetch', 'operation table (generated/)']));
      for (const part of row.parts) expectPositive(part, 'gzipAlone', 'gzipSaved');
    }

    // The peer is generated from the current spec on every run, so it has every operation ours has.
    expect(results.build.peerOperations).toBe(operationCount);
    expectPositive({ name: 'package build', ...results.build }, 'packageMs');
    expect(results.typecheck.specOperations).toBe(operationCount);
    expect(results.typecheck.operations).toBeGreaterThan(0); // a few of them, in a smoke run
    expect(results.typecheck.rows.map((row: Row) => `${row.name}, ${row.skipLibCheck}`)).toEqual([
      'ours: facade (package), true',
      'ours: api (package), true',
      'ours: facade (from src/), true',
      'hey-api, true',
      'ours: facade (package), false', // the smoke run's only consumer with skipLibCheck off
    ]);
    for (const row of results.typecheck.rows)
      expectPositive(row, 'totalSeconds', 'memoryMB', 'instantiations', 'files', 'ownBytes', 'loadedBytes');
    // The package's declarations: the main entry's, its shared chunk and paths.d.ts are loaded, the ingester's not.
    const declarations = results.typecheck.declarations;
    expect(declarations.find((d: { file: string }) => d.file === 'index.d.ts').mainEntry).toBe(true);
    expect(declarations.find((d: { file: string }) => d.file === 'ingester.d.ts').mainEntry).toBe(false);

    expect(results.codegen.generate).toBeUndefined(); // `npm run generate` is timed by full runs only
    expect(results.codegen.base.operations).toBe(operationCount);
    expect(results.codegen.big.operations).toBe(operationCount * results.codegen.factor);
    for (const size of [results.codegen.base, results.codegen.big]) {
      expectPositive({ name: 'codegen steps', ...size.steps }, 'bundle', 'types', 'metadata', 'format', 'total');
    }

    const paging = results.pagination;
    expect(paging.items).toBe(paging.pages * paging.pageSize);
    expect(paging.gcExposed).toBe(true);
    expectPositive(
      { name: 'pagination', ...paging },
      'seconds',
      'itemsPerSec',
      'heapBeforeMB',
      'heapPeakMB',
      'heapAfterMB',
    );

    const ingestion = results.ingester;
    expect(ingestion.rows.map((row: Row) => row.name)).toEqual([
      'ingester',
      'hand-written loop: fetch',
      'hand-written loop: events.ingestBatch',
      'events.ingest per event',
    ]);
    for (const row of ingestion.rows)
      expectPositive(row, 'events', 'eventsPerSec', 'ratio', 'cpuUsPerEvent', 'cpuRatio');
    expect(ingestion.memory).toHaveLength(2);
    for (const run of ingestion.memory) {
      expectPositive(
        { name: run.sink, ...run },
        'events',
        'seconds',
        'eventsPerSec',
        'mostQueued',
        'heapBeforeMB',
        'heapPeakMB',
        'heapAfterMB',
      );
      expect(run.mostQueued).toBeLessThanOrEqual(run.maxQueued);
    }

    expect(results.targets.length).toBeGreaterThan(0);
    for (const target of results.targets) expect(typeof target.pass).toBe('boolean');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  expect(await readReport()).toBe(reportBefore);
}, 330_000);
