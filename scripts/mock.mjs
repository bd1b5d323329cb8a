// npm run mock: serves the bundled spec with Prism on 127.0.0.1 (port 4010, or MOCK_PORT) as a validating mock
// of the Togai API: requests that break the spec get a 4xx with an `sl-violations` header.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = process.env.MOCK_PORT ?? '4010';
const prism = spawn(
  process.execPath,
  [`${root}node_modules/@stoplight/prism-cli/dist/index.js`, 'mock', `${root}generated/openapi.json`, '-h', '127.0.0.1', '-p', port],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => prism.kill(signal));
prism.on('exit', (code) => process.exit(code ?? 0));
