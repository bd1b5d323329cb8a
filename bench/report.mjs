// Turns the results into the targets verdict and the Markdown of BENCHMARKS.md (also printed to the console).
import { cpus, loadavg, platform, release, totalmem } from 'node:os';

export function machineInfo() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    os: `${platform()} ${release()}`,
    date: new Date().toISOString(),
    loadStart: loadavg()[0],
  };
}

const fixed = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));
const int = (value) => Math.round(value).toLocaleString('en-US');
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const ratio = (value) => `${fixed(value)}×`;

function table(headers, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

const row = (rows, name) => rows.find((r) => r.name === name);

/** Each target of the issue with the measured value; `pass` compares against the limit. */
export function evaluateTargets(results) {
  const targets = [];
  const add = (target, measured, pass) => targets.push({ target, measured, pass });
  const { perCall, loopback, bundle, typecheck, codegen } = results;
  add(
    'per call: ours api ≤ 1.10× bare openapi-fetch (mean)',
    ratio(row(perCall.rows, 'ours: api').ratio),
    row(perCall.rows, 'ours: api').ratio <= 1.1,
  );
  add(
    'per call: ours facade ≤ 1.25× bare openapi-fetch (mean)',
    ratio(row(perCall.rows, 'ours: facade').ratio),
    row(perCall.rows, 'ours: facade').ratio <= 1.25,
  );
  for (const level of loopback.levels) {
    for (const name of ['ours: api', 'ours: facade']) {
      const r = row(level.rows, name);
      add(`loopback c=${level.concurrency}: ${name} ≥ 0.97× bare throughput`, ratio(r.ratio), r.ratio >= 0.97);
    }
  }
  const peerGzip = row(bundle.rows, 'hey-api').gzip;
  for (const name of ['ours: facade', 'ours: api']) {
    const r = row(bundle.rows, name);
    add(`bundle: ${name} ≤ 2.25× openapi-fetch alone (gzip)`, `${ratio(r.ratio)} (${kb(r.gzip)})`, r.ratio <= 2.25);
    add(`bundle: ${name} smaller than hey-api (gzip)`, `${kb(r.gzip)} vs ${kb(peerGzip)}`, r.gzip < peerGzip);
  }
  const peerCheck = row(typecheck.rows, 'hey-api');
  for (const name of ['ours: facade (package .d.ts)', 'ours: api (package .d.ts)']) {
    const r = row(typecheck.rows, name);
    add(
      `type-check: ${name} total time ≤ hey-api`,
      `${fixed(r.totalSeconds)} s vs ${fixed(peerCheck.totalSeconds)} s`,
      r.totalSeconds <= peerCheck.totalSeconds,
    );
  }
  if (results.ingester) {
    const ours = row(results.ingester.rows, 'ingester');
    add('ingestion: ingester ≥ 0.8× a hand-written 500-event batch loop (events/s)', ratio(ours.ratio), ours.ratio >= 0.8);
  }
  add(
    `codegen: \`${codegen.generate.command}\` ≤ 3 s`,
    `${fixed(codegen.generate.ms / 1000)} s`,
    codegen.generate.ms <= 3000,
  );
  return targets;
}

export function renderMarkdown(results, targets, analysis = '') {
  const { machine, perCall, loopback, bundle, typecheck, codegen, pagination } = results;
  const out = [];
  const section = (heading, ...lines) => out.push(heading, '', ...lines, '');
  section(
    '# Benchmarks',
    `Written by \`npm run bench\` (bench/run.mjs) on ${machine.date}. Rerun it to refresh this file; numbers move by several percent between runs, so read ratios, not absolutes.`,
  );
  section(
    '## Machine',
    'The load average counts other jobs sharing the machine: above the number of cores, expect noisier numbers.',
    '',
    table(
      ['CPU', 'cores', 'memory', 'Node', 'OS', 'load average (1 min) at start → end'],
      [
        [
          machine.cpu,
          machine.cores,
          `${fixed(machine.memoryGiB, 1)} GiB`,
          machine.node,
          machine.os,
          `${fixed(machine.loadStart)} → ${fixed(machine.loadEnd)}`,
        ],
      ],
    ),
  );
  section(
    '## Targets',
    'Reported, not gated.',
    '',
    table(
      ['target', 'measured', 'result'],
      targets.map((t) => [t.target, t.measured, t.pass ? 'PASS' : '**MISS**']),
    ),
  );
  if (analysis.trim()) out.push(analysis.trim(), '');
  section(
    '## 1. Per-call overhead (in-memory fetch)',
    `\`getAccount\` against a \`fetch\` that returns a canned \`Response\` (the spec's example account), so only client code is timed. tinybench, ${perCall.rounds} rounds with the order rotated, median round. Ratio: mean latency over bare openapi-fetch's (lower is better).`,
    '',
    table(
      ['contender', 'mean (µs)', 'p99 (µs)', 'ops/s', 'vs openapi-fetch'],
      perCall.rows.map((r) => [r.name, fixed(r.meanUs, 1), fixed(r.p99Us, 1), int(r.opsPerSec), ratio(r.ratio)]),
    ),
  );
  section(
    '## 2. Loopback HTTP throughput',
    `\`getAccount\` over the runtime's \`fetch\` to a keep-alive node:http server on 127.0.0.1 in a child process. ${loopback.rounds} rounds per concurrency, order rotated, median round. Ratio: throughput over bare openapi-fetch's (higher is better).`,
    '',
    table(
      [
        'contender',
        ...loopback.levels.flatMap((l) => [`c=${l.concurrency} req/s`, `c=${l.concurrency} vs openapi-fetch`]),
      ],
      loopback.levels[0].rows.map((r) => [
        r.name,
        ...loopback.levels.flatMap((l) => {
          const m = row(l.rows, r.name);
          return [int(m.reqPerSec), ratio(m.ratio)];
        }),
      ]),
    ),
  );
  const ours = row(bundle.rows, 'ours: facade');
  section(
    '## 3. Bundle size',
    'A one-call app per contender (create a client, get one account), bundled by esbuild: ESM, platform browser, minified. gzip at level 9.',
    '',
    table(
      ['app', 'minified', 'gzip', 'gzip vs openapi-fetch alone'],
      bundle.rows.map((r) => [r.name, kb(r.raw), kb(r.gzip), ratio(r.ratio)]),
    ),
    '',
    "Where the facade app's minified bytes come from:",
    '',
    table(
      ['input', 'minified bytes'],
      ours.inputs.map((i) => [i.file.replace(/^\.tmp\/[^/]+\//, ''), int(i.bytes)]),
    ),
  );
  section(
    '## 4. Type-check cost',
    `One consumer file calling all ${typecheck.operations} operations with the spec's example arguments, checked by \`tsc --noEmit --extendedDiagnostics\` (strict, NodeNext, skipLibCheck), median of ${typecheck.runs} runs. Ours is consumed as a package would ship it (declarations emitted from src/), and for reference straight from src/; hey-api as its generator leaves it (TypeScript sources in the app).`,
    '',
    table(
      ['consumer', 'total (s)', 'check (s)', 'memory (MB)', 'instantiations', 'files'],
      typecheck.rows.map((r) => [
        r.name,
        fixed(r.totalSeconds),
        fixed(r.checkSeconds),
        fixed(r.memoryMB, 0),
        int(r.instantiations),
        r.files,
      ]),
    ),
  );
  const steps = ['bundle', 'types', 'metadata', 'format', 'total'];
  section(
    '## 5. Codegen',
    `\`${codegen.generate.command}\`: ${fixed(codegen.generate.ms / 1000)} s wall (lint, bundle, openapi-typescript, metadata, prettier, writes)` +
      (codegen.generate.generatedUnchanged === undefined
        ? '.'
        : `; generated/ ${codegen.generate.generatedUnchanged ? 'came out byte-identical' : '**changed** (check git diff)'}.`),
    '',
    `Growth: the bundled spec with its paths replicated ${codegen.factor}× (under /v0 … /v${codegen.factor - 1}, ids suffixed), timed step by step as scripts/lib/pipeline.mjs runs them: \`redocly bundle\` (a child process), openapi-typescript (same options) + astToString, the operations metadata, prettier on both outputs. Lint is not included. The tools are warmed up by one untimed pass first.`,
    '',
    table(
      ['spec', 'operations', ...steps.map((s) => `${s} (ms)`)],
      [
        ['1×', codegen.base.operations, ...steps.map((s) => int(codegen.base.steps[s]))],
        [`${codegen.factor}×`, codegen.big.operations, ...steps.map((s) => int(codegen.big.steps[s]))],
      ],
    ),
    '',
    `${codegen.factor}× the spec costs ${ratio(codegen.growth)} the time.`,
  );
  section(
    '## 6. Pagination',
    `\`for await (const account of togai.accounts.list({ query: { pageSize: ${pagination.pageSize} } }))\` over ${int(pagination.items)} accounts (${int(pagination.pages)} pages) from an in-memory fetch; heap sampled after every page${pagination.gcExposed ? ', garbage collected before "before" and "after"' : ' (run without --expose-gc: before/after are not collected)'}.`,
    '',
    table(
      ['items', 'time (s)', 'items/s', 'heap before (MB)', 'heap peak (MB)', 'heap after (MB)', 'growth (MB)'],
      [
        [
          int(pagination.items),
          fixed(pagination.seconds),
          int(pagination.itemsPerSec),
          fixed(pagination.heapBeforeMB, 1),
          fixed(pagination.heapPeakMB, 1),
          fixed(pagination.heapAfterMB, 1),
          fixed(pagination.heapGrowthMB, 1),
        ],
      ],
    ),
  );
  if (results.ingester) out.push(renderIngestion(results.ingester), '');
  section(
    '## Reproduce',
    '`npm run bench` rewrites this file (about three minutes). `node bench/run.mjs --only=per-call` runs one section and writes nothing; `node bench/profile.mjs "ours: facade"` (add `--loopback` for real HTTP) prints where a contender spends its time, mapped to src/ lines.',
  );
  return out.join('\n');
}

/** Section 7 of BENCHMARKS.md, from the results of bench/ingester.mjs. */
export function renderIngestion(ingestion) {
  return [
    '## 7. Event ingestion',
    '',
    `Usage events (about 200 bytes of JSON each) to a keep-alive node:http server on 127.0.0.1 in a child process, which counts the events it receives (a contender that loses or repeats one fails the bench) and answers 202. ${ingestion.concurrency} requests in flight for every contender (the ingester's default), ${ingestion.rounds} rounds with the order rotated, median round. The hand-written loops build batches of ${ingestion.batchSize} events with ids and post them: over \`fetch\` with \`JSON.stringify\`, or through \`togai.events.ingestBatch\`. Ratio: events/s over the \`fetch\` loop's (higher is better). Client CPU: this process's user + system time per event (the server runs apart), steadier than events/s when other work shares the machine (lower is better).`,
    '',
    table(
      ['contender', 'events per round', 'events/s', 'vs hand-written fetch loop', 'client CPU µs/event', 'CPU vs fetch loop'],
      ingestion.rows.map((r) => [
        r.name,
        int(r.events),
        int(r.eventsPerSec),
        r.ratio < 0.1 ? `${r.ratio.toPrecision(2)}×` : ratio(r.ratio), // one call per event is far below the rest
        fixed(r.cpuUsPerEvent),
        ratio(r.cpuRatio),
      ]),
    ),
    '',
    `Memory: one ingester with the default options (maxQueued ${int(ingestion.memory[0].maxQueued)}) and \`await add()\` for each event, to an in-memory fetch that answers at once or only after 50 ms (then add() waits and the queue stays full). Heap sampled every 5,000 events; "before" and "after" are taken after garbage collection${ingestion.gcExposed ? '' : ' (not exposed in this run: numbers include garbage)'}. The peak includes garbage not yet collected.`,
    '',
    table(
      ['sink', 'events', 'time (s)', 'events/s', 'most queued', 'heap before (MB)', 'heap peak (MB)', 'heap after (MB)'],
      ingestion.memory.map((m) => [
        m.sink,
        int(m.events),
        fixed(m.seconds),
        int(m.eventsPerSec),
        int(m.mostQueued),
        fixed(m.heapBeforeMB, 1),
        fixed(m.heapPeakMB, 1),
        fixed(m.heapAfterMB, 1),
      ]),
    ),
  ].join('\n');
}
