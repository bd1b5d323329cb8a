// Where the bench reads the project from and writes its scratch files (gitignored .tmp/).
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const specPath = join(root, 'generated', 'openapi.json');
export const reportPath = join(root, 'BENCHMARKS.md');

/** The smoke run gets its own scratch folder so it never races a full run. */
export const scratchDir = (smoke) => join(root, '.tmp', smoke ? 'bench-smoke' : 'bench');
