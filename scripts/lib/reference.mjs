// Facts from Togai's docs that the checks use (the index of operations, the wire-name tables), kept in the
// repository under test/reference/ so that a clone with nothing beside it can run them. The project's reference
// material (`../shared/reference/togai-docs/`, present in CI) is where the copies came from: where it exists, the
// copies are compared with it; where it does not, the copies are used alone and a note says so.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export const copyDir = join(root, 'test', 'reference');
export const sharedDir = process.env.TOGAI_REFERENCE_DIR ?? join(root, '..', 'shared', 'reference', 'togai-docs');

/** Each copy, by name: its file in test/reference/ and the file of the reference material it copies. */
export const referenceFiles = {
  index: { copy: 'togai-index-production.md', shared: join('production', 'INDEX.md') },
  'wire-names-production': { copy: 'wire-names-production.md', shared: join('production', 'WIRE-NAMES.md') },
  'wire-names-sandbox': { copy: 'wire-names-sandbox.md', shared: join('sandbox', 'WIRE-NAMES.md') },
};

/** The repository's copy. */
export function readCopy(name) {
  return readFileSync(join(copyDir, referenceFiles[name].copy), 'utf8');
}

/** The reference material's file, or undefined (with its path) when it is not beside the repository. */
export function readShared(name) {
  const path = join(sharedDir, referenceFiles[name].shared);
  return { path, text: existsSync(path) ? readFileSync(path, 'utf8') : undefined };
}
