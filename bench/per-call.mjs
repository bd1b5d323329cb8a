// 1. Per-call overhead: getAccount against an in-memory fetch that returns a canned Response, so only client
// code is measured. Every contender runs once per round (tinybench), rounds repeat and the median round wins.
import { Bench } from 'tinybench';
import { baseline, contenderNames } from './contenders.mjs';
import { accountFetch } from './fixtures.mjs';
import { collectGarbage, median } from './stats.mjs';

/** CPU time (this process, all threads) per call over `count` sequential calls, in µs. */
async function cpuPerCall(call, count) {
  collectGarbage();
  // Let the collector's helper threads finish sweeping before the window opens, or their work lands in it.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const before = process.cpuUsage();
  for (let i = 0; i < count; i += 1) await call();
  const { user, system } = process.cpuUsage(before);
  return (user + system) / count;
}

/**
 * Times each of `calls` (name → () => Promise) with tinybench, `rounds` times with the order rotated so no call
 * always runs first (cold JIT) or last. Returns, per name in the given order, the median round's mean and p99
 * latency, and the median round's CPU time per call: on a machine shared with other jobs, wall-clock latency
 * also counts the time a call waited for a core, while CPU time counts only the work done.
 */
export async function timeCalls(calls, { smoke, rounds = smoke ? 1 : 5 }) {
  const names = Object.keys(calls);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    const bench = new Bench({
      time: smoke ? 50 : 1000,
      warmupTime: smoke ? 20 : 300,
      iterations: smoke ? 20 : 1000,
      throws: true,
      setup: collectGarbage,
    });
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) bench.add(name, calls[name]);
    await bench.run();
    const cpu = {};
    for (const name of order) cpu[name] = await cpuPerCall(calls[name], smoke ? 50 : 20_000);
    for (const task of bench.tasks) {
      const { latency } = task.result;
      samples[task.name].push({ mean: latency.mean, p99: latency.p99, cpuUs: cpu[task.name] });
    }
  }
  const rows = names.map((name) => {
    const mean = median(samples[name].map((s) => s.mean));
    return {
      name,
      meanUs: mean * 1000,
      p99Us: median(samples[name].map((s) => s.p99)) * 1000,
      opsPerSec: 1000 / mean,
      cpuUs: median(samples[name].map((s) => s.cpuUs)),
    };
  });
  return { rounds, rows };
}

export async function perCall(createContenders, { smoke }) {
  const contenders = createContenders({ fetch: accountFetch, baseUrl: 'https://api.togai.com' });
  const calls = Object.fromEntries(contenderNames.map((name) => [name, () => contenders[name]('ACC00001')]));
  const { rounds, rows } = await timeCalls(calls, { smoke });
  const base = rows.find((row) => row.name === baseline);
  for (const row of rows) {
    row.ratio = row.meanUs / base.meanUs;
    row.cpuRatio = row.cpuUs / base.cpuUs;
  }
  return { rounds, rows };
}
