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
/** A CPU-time ratio with the mean-latency ratio of the same comparison in brackets. */
const both = (cpu, mean) => `${ratio(cpu)} (${ratio(mean)})`;

function table(headers, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

const row = (rows, name) => rows.find((r) => r.name === name);
const entitlementColumns = ['openapi-fetch', 'ours: api', 'ours: facade'];

const kib = 1024;
/**
 * "Entitlement checks … keep their per-call cost at the level of the rest of the facade" (issue 12): what the
 * facade adds over bare openapi-fetch on the check is within 10% of what it adds on accounts.get. (A POST with a
 * body costs more than a GET in openapi-fetch itself, so the checks' plain cost is shown as well.)
 */
const facadeLevel = 1.1;
/** Issue 18's limits. */
const limits = {
  bundleKiB: 12,
  perCall: { 'ours: api': 1.3, 'ours: facade': 1.35 },
};
const withSkipLibCheck = (skip) => (skip ? 'skipLibCheck' : 'no skipLibCheck');

/** Each target of the issues with the measured value; `pass` compares against the limit. */
export function evaluateTargets(results) {
  const targets = [];
  const add = (issue, target, measured, pass) => targets.push({ issue, target, measured, pass });
  const { perCall, entitlements, loopback, bundle, typecheck } = results;

  // Issue 18: the one-call app with the whole API, without the ingester; the ingester's cost shown apart.
  const bare = row(bundle.rows, 'openapi-fetch').gzip;
  const peer = row(bundle.rows, 'hey-api').gzip;
  for (const name of ['ours: facade', 'ours: api']) {
    const r = row(bundle.rows, name);
    add(
      18,
      `one-call app, ${name}: ≤ ${limits.bundleKiB} KiB with all ${typecheck.specOperations} operations (esbuild, minified, gzip -9)`,
      `${kb(r.gzip)} (openapi-fetch alone ${kb(bare)}, hey-api ${kb(peer)})`,
      r.gzip <= limits.bundleKiB * kib,
    );
  }
  const oneCall = ['ours: facade', 'ours: api', 'ours: facade, built package'].map((name) => row(bundle.rows, name));
  const facade = row(bundle.rows, 'ours: facade');
  const withIngester = row(bundle.rows, 'ours: facade + ingester');
  add(
    18,
    'one-call app contains no ingester code (`togai-sdk-unofficial/ingester` is its own entry)',
    `${int(Math.max(...oneCall.map((r) => r.ingesterBytes)))} bytes of it (from src/ and from the built package); ` +
      `an app that also uses the ingester: ${kb(withIngester.gzip)}, ${kb(withIngester.gzip - facade.gzip)} more`,
    oneCall.every((r) => r.ingesterBytes === 0),
  );
  for (const name of ['ours: api', 'ours: facade']) {
    const r = row(perCall.rows, name);
    const limit = limits.perCall[name];
    add(
      18,
      `per call (getAccount), ${name}: ≤ ${limit}× bare openapi-fetch, CPU time`,
      ratio(r.cpuRatio),
      r.cpuRatio <= limit,
    );
    add(
      18,
      `per call (getAccount), ${name}: ≤ ${limit}× bare openapi-fetch, mean latency`,
      ratio(r.ratio),
      r.ratio <= limit,
    );
  }
  for (const skip of [true, false]) {
    const peerCheck = typecheck.rows.find((r) => r.name === 'hey-api' && r.skipLibCheck === skip);
    for (const name of ['ours: facade (package)', 'ours: api (package)']) {
      const r = typecheck.rows.find((c) => c.name === name && c.skipLibCheck === skip);
      if (!r || !peerCheck) continue; // a smoke run checks fewer consumers with skipLibCheck off
      add(
        18,
        `type-check, ${name}, ${withSkipLibCheck(skip)}: total time ≤ hey-api's on the same spec`,
        `${fixed(r.totalSeconds)} s vs ${fixed(peerCheck.totalSeconds)} s (instantiations ${int(r.instantiations)} vs ${int(peerCheck.instantiations)})`,
        r.totalSeconds <= peerCheck.totalSeconds,
      );
    }
  }
  const ours = typecheck.rows.find((r) => r.name === 'ours: facade (package)' && r.skipLibCheck);
  const peerSources = typecheck.rows.find((r) => r.name === 'hey-api' && r.skipLibCheck);
  const files = typecheck.declarations.filter((d) => d.mainEntry).map((d) => d.file);
  add(
    18,
    "type-check: the published .d.ts a consumer of the main entry loads ≤ hey-api's generated sources its consumer loads",
    `${kb(ours.ownBytes)} (${files.join(' + ')}) vs ${kb(peerSources.ownBytes)}`,
    ours.ownBytes <= peerSources.ownBytes,
  );
  for (const r of entitlements.rows.filter((e) => e.name !== 'getAccount')) {
    add(
      12,
      `per call: ${r.facade}'s overhead over bare openapi-fetch ≤ ${facadeLevel}× accounts.get's (CPU time; mean latency in brackets)`,
      `${both(r.cpu.overheadVsGet, r.overheadVsGet)}; the call itself ${ratio(r.cpu.vsFacadeGet)} accounts.get; vs bare: facade ${ratio(r.cpu.facadeRatio)}, api ${ratio(r.cpu.apiRatio)}`,
      r.cpu.overheadVsGet <= facadeLevel,
    );
  }
  for (const level of loopback.levels) {
    for (const name of ['ours: api', 'ours: facade']) {
      const r = row(level.rows, name);
      add(6, `loopback c=${level.concurrency}: ${name} ≥ 0.97× bare throughput`, ratio(r.ratio), r.ratio >= 0.97);
    }
  }
  if (results.ingester) {
    const ours = row(results.ingester.rows, 'ingester');
    add(
      13,
      'ingestion: ingester ≥ 0.8× a hand-written 500-event batch loop (events/s)',
      ratio(ours.ratio),
      ours.ratio >= 0.8,
    );
  }
  return targets;
}

/** A line on each section's wall time and the load average it ran under (runs from before it was recorded: none). */
function sectionLoads(runs) {
  const loads = runs.flatMap((run) =>
    run.sections
      .filter((name) => run.sectionLoads?.[name])
      .map((name) => {
        const { seconds, loadStart, loadEnd } = run.sectionLoads[name];
        return `${name} ${fixed(seconds, 0)} s (${fixed(loadStart, 1)} → ${fixed(loadEnd, 1)})`;
      }),
  );
  return loads.length
    ? ['', `Each section's wall time and the load average at its start → end: ${loads.join(', ')}.`]
    : [];
}

export function renderMarkdown(results, targets, analysis = '') {
  const { machine, perCall, entitlements, loopback, bundle, typecheck, codegen, pagination } = results;
  const out = [];
  const section = (heading, ...lines) => out.push(heading, '', ...lines, '');
  // One run, or a full run whose timing-sensitive sections were replaced by a rerun's (run.mjs --render=a,b).
  const runs = results.runs ?? [{ ...machine, sections: Object.keys(machine.sectionLoads ?? { all: true }) }];
  section(
    '# Benchmarks',
    `Written by \`npm run bench\` (bench/run.mjs) from ${runs.length === 1 ? `a run on ${machine.date}` : `${runs.length} runs (see Machine)`}. Rerun it to refresh this file; numbers move by several percent between runs, so read ratios, not absolutes.`,
  );
  section(
    '## Machine',
    'The load average counts other jobs sharing the machine: above the number of cores, expect noisier numbers.',
    '',
    table(
      ['CPU', 'cores', 'memory', 'Node', 'OS'],
      [[machine.cpu, machine.cores, `${fixed(machine.memoryGiB, 1)} GiB`, machine.node, machine.os]],
    ),
    '',
    table(
      ['run started', 'sections', 'load average (1 min) at start → end'],
      runs.map((run) => [run.date, run.sections.join(', '), `${fixed(run.loadStart)} → ${fixed(run.loadEnd)}`]),
    ),
    ...sectionLoads(runs),
  );
  section(
    '## Targets',
    "Reported, not gated. Issue 18's targets (bundle, per call, type-check) replace issue 11's (≤ 12 KiB with 87 operations, ≤ 1.5× per call, type-check time of the tsc-emitted declarations, `npm run generate` < 5 s); issue 6's loopback, issue 12's entitlement-check and issue 13's ingestion targets still stand. The per-call targets are judged on CPU time and on mean latency separately; CPU time is the steadier of the two when other jobs share the machine.",
    '',
    table(
      ['issue', 'target', 'measured', 'result'],
      targets.map((t) => [`#${t.issue}`, t.target, t.measured, t.pass ? 'PASS' : '**MISS**']),
    ),
  );
  if (analysis.trim()) out.push(analysis.trim(), '');
  section(
    '## 1. Per-call overhead (in-memory fetch)',
    `\`getAccount\` against a \`fetch\` that returns a canned \`Response\` (the spec's example account), so only client code is timed. tinybench, ${perCall.rounds} rounds with the order rotated, median round; after each round's tinybench pass, the CPU time of 20,000 sequential calls per contender (\`process.cpuUsage\`, opened 100 ms after a full collection). Ratios over bare openapi-fetch's (lower is better): CPU time per call, which other jobs on the machine disturb least, then mean latency.`,
    '',
    table(
      ['contender', 'mean (µs)', 'p99 (µs)', 'ops/s', 'CPU per call (µs)', 'vs openapi-fetch: CPU (mean)'],
      perCall.rows.map((r) => [
        r.name,
        fixed(r.meanUs, 1),
        fixed(r.p99Us, 1),
        int(r.opsPerSec),
        fixed(r.cpuUs, 1),
        both(r.cpuRatio, r.ratio),
      ]),
    ),
  );
  section(
    '## 2. Entitlement checks (in-memory fetch)',
    `The checks a product runs on its own hot path, next to a plain facade GET: each operation against a \`fetch\` that returns its first example from the spec, through bare openapi-fetch, our raw \`api\` and the facade. All nine calls share the ${entitlements.rounds} rounds of section 1's method (order rotated, median round). Cells: CPU time per call / mean latency in µs; ratios of CPU time, with mean latency's in brackets (lower is better).`,
    '',
    table(
      [
        'operation',
        'facade method',
        ...entitlementColumns.map((name) => `${name} (µs)`),
        'api vs openapi-fetch',
        'facade vs openapi-fetch',
        'facade vs accounts.get',
        "facade overhead vs accounts.get's",
      ],
      entitlements.rows.map((r) => [
        r.name,
        `\`${r.facade}\``,
        ...entitlementColumns.map((name) => `${fixed(r.cpuUs[name], 1)} / ${fixed(r.meanUs[name], 1)}`),
        both(r.cpu.apiRatio, r.apiRatio),
        both(r.cpu.facadeRatio, r.facadeRatio),
        both(r.cpu.vsFacadeGet, r.vsFacadeGet),
        both(r.cpu.overheadVsGet, r.overheadVsGet),
      ]),
    ),
  );
  section(
    '## 3. Loopback HTTP throughput',
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
  const withIngester = row(bundle.rows, 'ours: facade + ingester');
  const partNames = withIngester.parts.map((p) => p.name);
  const partCell = (r, name) => {
    const part = r.parts.find((p) => p.name === name);
    return part ? `${kb(part.gzipAlone)} / ${kb(part.gzipSaved)}` : '–';
  };
  section(
    '## 4. Bundle size',
    `A one-call app per contender (create a client, get one account), bundled by esbuild: ESM, platform browser, minified. gzip at level 9. Ours carries every operation of the spec (${typecheck.specOperations}): the client reads the operation table at run time, so none of it is tree-shaken. Our apps are bundled from src/ (so each byte traces back to its file) and, as a check, from the package \`npm run build\` makes (tsup: dist/ with a chunk shared by the entries), imported by name. "+ ingester" apps also create an ingester from \`togai-sdk-unofficial/ingester\`, queue one event and close it, so the ingester's cost shows apart; the one-call apps must carry none of it.`,
    '',
    table(
      ['app', 'minified', 'gzip', 'gzip vs openapi-fetch alone', 'minified bytes from the ingester'],
      bundle.rows.map((r) => [r.name, kb(r.raw), kb(r.gzip), ratio(r.ratio), int(r.ingesterBytes)]),
    ),
    '',
    "Where our apps' gzip bytes come from, by part (esbuild's source map tells which source file each output character comes from). Each cell: the part's characters gzipped alone / what the app's gzip loses without them (the rest then compresses a little worse or better, so neither column adds up exactly to the total):",
    '',
    table(
      ['app', 'gzip', ...partNames],
      bundle.rows
        .filter((r) => r.parts)
        .map((r) => [r.name, kb(r.gzip), ...partNames.map((name) => partCell(r, name))]),
    ),
    '',
    "Where the facade app's bytes come from, per source file (esbuild metafile: minified bytes in the output; gzip: what the app's gzip loses without that file's characters):",
    '',
    table(
      ['input', 'minified bytes', 'share', 'gzip saved without it'],
      ours.inputs.map((i) => [i.file, int(i.bytes), `${fixed((100 * i.bytes) / ours.raw, 1)}%`, int(i.gzipSaved)]),
    ),
  );
  const checkRows = typecheck.rows.map((r) => [
    r.name,
    r.skipLibCheck ? 'on' : 'off',
    fixed(r.totalSeconds),
    fixed(r.checkSeconds),
    fixed(r.memoryMB, 0),
    int(r.instantiations),
    r.files,
    kb(r.ownBytes),
  ]);
  section(
    '## 5. Type-check cost',
    `One consumer file calling ${typecheck.operations === typecheck.specOperations ? 'all' : `${typecheck.operations} of the`} ${typecheck.specOperations} operations with the spec's example arguments (each through its own resource in the facade consumers), checked by \`tsc --noEmit --extendedDiagnostics --listFiles\` (strict, NodeNext, with skipLibCheck on and off; off, tsc also checks every .d.ts it loads: the package's, openapi-fetch's, the DOM and Node libraries), median of ${typecheck.runs} runs taken in rounds with the order rotated. Ours is consumed as a user gets it: the package \`npm run build\` makes (tsup), installed by name in the scratch folder and resolved through its \`exports\`; for reference, straight from src/. hey-api as its generator leaves it (TypeScript sources in the app), generated at the start of this run from the same bundled spec (${results.build.peerOperations} operation functions). "SDK loaded": the bytes of the files tsc read from our package (its .d.ts), from src/ and generated/, or from hey-api's output.`,
    '',
    table(
      ['consumer', 'skipLibCheck', 'total (s)', 'check (s)', 'memory (MB)', 'instantiations', 'files', 'SDK loaded'],
      checkRows,
    ),
    '',
    'The declarations the package ships for ESM (`dist/*.d.ts`; the `.d.cts` twins for require are the same size), and which of them a consumer of the main entry loads:',
    '',
    table(
      ['file', 'size', 'loaded by a main-entry consumer'],
      [
        ...typecheck.declarations.map((d) => [d.file, kb(d.bytes), d.mainEntry ? 'yes' : 'no']),
        [
          'main entry, total',
          kb(typecheck.declarations.filter((d) => d.mainEntry).reduce((sum, d) => sum + d.bytes, 0)),
          '',
        ],
      ],
    ),
  );
  const steps = ['bundle', 'types', 'metadata', 'format', 'total'];
  section(
    '## 6. Codegen',
    codegen.generate
      ? `\`${codegen.generate.command}\` on the ${codegen.base.operations}-operation spec (lint, bundle, openapi-typescript, metadata, models, the facade's declarations, prettier, writes), run ${codegen.generate.runs.length} times: minimum ${fixed(codegen.generate.minMs / 1000)} s, median ${fixed(codegen.generate.medianMs / 1000)} s wall` +
          `; generated/ ${codegen.generate.generatedUnchanged ? 'came out byte-identical' : '**changed** (check git diff)'}.` +
          ` Each run (s) with the 1-minute load average it started under: ${codegen.generate.runs.map((r) => `${fixed(r.ms / 1000)} (load ${fixed(r.load, 1)})`).join(', ')}.`
      : '`npm run generate` is not timed in a smoke run.',
    '',
    `Growth: the bundled spec with its paths replicated ${codegen.factor}× (under /v0 … /v${codegen.factor - 1}, ids suffixed), timed step by step as scripts/lib/pipeline.mjs runs them: \`redocly bundle\` (a child process), openapi-typescript (same options) + astToString, the operations metadata, prettier on both outputs. Lint, the models and the facade's declarations (which \`npm run generate\` also renders) are not included. The tools are warmed up by one untimed pass first.`,
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
    '## 7. Pagination',
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
    '`npm run bench` rewrites this file (about ten minutes on a quiet machine, longer under load: the type-check section alone runs tsc 35 times). `node bench/run.mjs --only=per-call --json=rerun.json` runs some sections and writes nothing but the JSON; `node bench/run.mjs --render=full.json,rerun.json` then rewrites this file from a full run\'s JSON with those sections replaced by the rerun\'s. `node bench/profile.mjs "ours: facade"` (add `--loopback` for real HTTP) prints where a contender spends its time, mapped to src/ lines.',
  );
  return out.join('\n');
}

/** Section 7 of BENCHMARKS.md, from the results of bench/ingester.mjs. */
export function renderIngestion(ingestion) {
  return [
    '## 8. Event ingestion',
    '',
    `Usage events (about 200 bytes of JSON each) to a keep-alive node:http server on 127.0.0.1 in a child process, which counts the events it receives (a contender that loses or repeats one fails the bench) and answers 202. ${ingestion.concurrency} requests in flight for every contender (the ingester's default), ${ingestion.rounds} rounds with the order rotated, median round. The hand-written loops build batches of ${ingestion.batchSize} events with ids and post them: over \`fetch\` with \`JSON.stringify\`, or through \`togai.events.ingestBatch\`. Ratio: events/s over the \`fetch\` loop's (higher is better). Client CPU: this process's user + system time per event (the server runs apart), steadier than events/s when other work shares the machine (lower is better).`,
    '',
    table(
      [
        'contender',
        'events per round',
        'events/s',
        'vs hand-written fetch loop',
        'client CPU µs/event',
        'CPU vs fetch loop',
      ],
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
      [
        'sink',
        'events',
        'time (s)',
        'events/s',
        'most queued',
        'heap before (MB)',
        'heap peak (MB)',
        'heap after (MB)',
      ],
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
