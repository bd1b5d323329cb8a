// 2. Loopback HTTP: real requests over keep-alive connections to a node:http server on 127.0.0.1 (child process),
// with the runtime's own fetch. Throughput at concurrency 1 and 64, rounds interleaved, median round reported.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { baseline, contenderNames } from './contenders.mjs';
import { median } from './stats.mjs';

/** Starts the server child process; `stop()` ends it. */
export async function startServer() {
  const child = fork(fileURLToPath(new URL('./loopback-server.mjs', import.meta.url)), { stdio: 'inherit' });
  const [message] = await once(child, 'message');
  return {
    url: `http://127.0.0.1:${message.port}`,
    stop: () => {
      child.disconnect();
      return once(child, 'exit');
    },
  };
}

/** Sends `total` calls with `concurrency` in flight; returns calls per second. */
async function drive(call, total, concurrency) {
  let issued = 0;
  const worker = async () => {
    while (issued < total) {
      issued += 1;
      await call('ACC00001');
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return total / ((performance.now() - started) / 1000);
}

export async function loopback(createContenders, { smoke }) {
  const server = await startServer();
  try {
    const contenders = createContenders({ fetch: globalThis.fetch, baseUrl: server.url });
    // Many short rounds rather than a few long ones: anything else running on the machine then hits every
    // contender alike, and the median drops the rounds it hit hardest.
    const rounds = smoke ? 1 : 7;
    const levels = smoke
      ? [
          { concurrency: 1, total: 20 },
          { concurrency: 64, total: 128 },
        ]
      : [
          { concurrency: 1, total: 1000 },
          { concurrency: 64, total: 4000 },
        ];
    const results = [];
    for (const { concurrency, total } of levels) {
      const samples = Object.fromEntries(contenderNames.map((name) => [name, []]));
      for (const name of contenderNames) await drive(contenders[name], Math.ceil(total / 5), concurrency); // warm-up
      for (let round = 0; round < rounds; round += 1) {
        for (let i = 0; i < contenderNames.length; i += 1) {
          const name = contenderNames[(i + round) % contenderNames.length];
          samples[name].push(await drive(contenders[name], total, concurrency));
        }
      }
      const rows = contenderNames.map((name) => ({ name, reqPerSec: median(samples[name]) }));
      const base = rows.find((row) => row.name === baseline);
      for (const row of rows) row.ratio = row.reqPerSec / base.reqPerSec;
      results.push({ concurrency, total, rows });
    }
    return { rounds, levels: results };
  } finally {
    await server.stop();
  }
}
