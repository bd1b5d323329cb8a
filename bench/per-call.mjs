// 1. Per-call overhead: getAccount against an in-memory fetch that returns a canned Response, so only client
// code is measured. Every contender runs once per round (tinybench), rounds repeat and the median round wins.
import { Bench } from 'tinybench';
import { baseline, contenderNames } from './contenders.mjs';
import { accountFetch } from './fixtures.mjs';
import { collectGarbage, median } from './stats.mjs';

export async function perCall(createContenders, { smoke }) {
  const contenders = createContenders({ fetch: accountFetch, baseUrl: 'https://api.togai.com' });
  const rounds = smoke ? 1 : 5;
  const samples = Object.fromEntries(contenderNames.map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    const bench = new Bench({
      time: smoke ? 50 : 1000,
      warmupTime: smoke ? 20 : 300,
      iterations: smoke ? 20 : 1000,
      throws: true,
      setup: collectGarbage,
    });
    // Rotate the order each round so no contender always runs first (cold JIT) or last.
    const order = contenderNames.map((_, i) => contenderNames[(i + round) % contenderNames.length]);
    for (const name of order) bench.add(name, () => contenders[name]('ACC00001'));
    await bench.run();
    for (const task of bench.tasks) {
      const { latency } = task.result;
      samples[task.name].push({ mean: latency.mean, p99: latency.p99 });
    }
  }
  const rows = contenderNames.map((name) => {
    const mean = median(samples[name].map((s) => s.mean));
    return { name, meanUs: mean * 1000, p99Us: median(samples[name].map((s) => s.p99)) * 1000, opsPerSec: 1000 / mean };
  });
  const base = rows.find((row) => row.name === baseline);
  for (const row of rows) row.ratio = row.meanUs / base.meanUs;
  return { rounds, rows };
}
