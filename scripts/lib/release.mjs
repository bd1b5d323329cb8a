// The last release's API and how a breaking change since then is acknowledged.
//
// `released/openapi-<version>.json` is the bundled spec as it was when <version> was released (a copy of
// generated/openapi.json, recorded by `npm run record-release`). A breaking change between it and the spec today is
// acknowledged when both hold:
// - package.json's version is a breaking bump over <version>: the next minor while the major is 0 (0.1.x → 0.2.0),
//   otherwise the next major;
// - CHANGELOG.md has a section for package.json's version (`## 0.2.0`) that names each breaking change: the schema
//   property or parameter it is about where it has one (`Invoice.pricePlanId`), otherwise its operationId.
// Both are files of the repository, so the check needs no network and no git history.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const releasedDir = join(root, 'released');
export const changelogPath = join(root, 'CHANGELOG.md');

const semver = /^(\d+)\.(\d+)\.(\d+)$/;

/** `[major, minor, patch]`, or throws for a version this check does not understand (pre-releases included). */
export function parseVersion(version) {
  const match = semver.exec(version);
  if (!match) throw new Error(`version ${JSON.stringify(version)} is not MAJOR.MINOR.PATCH`);
  return match.slice(1).map(Number);
}

const compare = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Negative, zero or positive as version `a` is before, equal to or after `b`. */
export function compareVersions(a, b) {
  return compare(parseVersion(a), parseVersion(b));
}

/** The smallest version after `released` that may carry breaking changes. */
export function breakingBumpOf(released) {
  const [major, minor] = parseVersion(released);
  return major === 0 ? `0.${minor + 1}.0` : `${major + 1}.0.0`;
}

/** The recorded release: `{ version, file, spec }` (the newest, if several are kept), or undefined. */
export async function readRelease(dir = releasedDir) {
  const files = existsSync(dir) ? (await readdir(dir)).filter((name) => /^openapi-\d+\.\d+\.\d+\.json$/.test(name)) : [];
  if (files.length === 0) return undefined;
  const newest = files
    .map((file) => ({ file, version: file.slice('openapi-'.length, -'.json'.length) }))
    .sort((a, b) => compare(parseVersion(b.version), parseVersion(a.version)))[0];
  return { ...newest, file: join(dir, newest.file), spec: JSON.parse(await readFile(join(dir, newest.file), 'utf8')) };
}

/** The text of CHANGELOG.md's section for `version` (from its `## <version>` heading to the next `## `), or undefined. */
export function changelogSection(changelog, version) {
  const lines = changelog.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^## \\[?v?${version.replace(/\./g, '\\.')}\\]?(\\s|$)`).test(line));
  if (start === -1) return undefined;
  const end = lines.findIndex((line, index) => index > start && /^## /.test(line));
  return lines.slice(start, end === -1 ? undefined : end).join('\n');
}

/** The name a CHANGELOG entry must mention for a breaking change. */
export function acknowledgementName(change) {
  if (change.subject) return change.subject.replace(/^(query|path|header|cookie) parameter `([^`]+)`.*$/, '$2');
  return change.operations[0]?.operationId ?? change.what;
}

/** A CHANGELOG line for a breaking change, naming what the check looks for and the operations it reaches. */
export function changelogLine(change) {
  const operations = change.operations.map((op) => `\`${op.operationId}\` (${op.method} ${op.path})`);
  const name = acknowledgementName(change);
  const where = change.subject ? (operations.length ? `, in ${operations.join(', ')}` : '') : ` ${change.operations[0] ? `(${change.operations[0].method} ${change.operations[0].path})` : ''}`;
  return `- \`${name}\`${where}: ${change.what}.`;
}

const mentions = (text, name) => new RegExp(`(^|[^\\w.])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w])`).test(text);

/**
 * Why the breaking changes since `releasedVersion` are not acknowledged (an empty list when they are, or when
 * there are none).
 */
export function unacknowledged({ changes, releasedVersion, version, changelog }) {
  const breaking = changes.filter((change) => change.type === 'breaking');
  if (breaking.length === 0) return [];
  const problems = [];
  const needed = breakingBumpOf(releasedVersion);
  if (compare(parseVersion(version), parseVersion(needed)) < 0) {
    problems.push(`package.json's version is ${version}: a breaking change after ${releasedVersion} needs ${needed} or later`);
  }
  const section = changelog === undefined ? undefined : changelogSection(changelog, version);
  if (section === undefined) problems.push(`CHANGELOG.md has no section "## ${version}" listing the breaking changes`);
  else {
    // A change since the release may be named in any section after it, up to this version's (0.3.0 may follow an
    // unreleased 0.2.0 whose section already names its own changes).
    const since = [...changelog.matchAll(/^## \[?v?(\d+\.\d+\.\d+)/gm)]
      .map((match) => match[1])
      .filter((v) => compare(parseVersion(v), parseVersion(releasedVersion)) > 0 && compare(parseVersion(v), parseVersion(version)) <= 0)
      .map((v) => changelogSection(changelog, v))
      .join('\n');
    for (const change of breaking) {
      const name = acknowledgementName(change);
      if (!mentions(since, name)) problems.push(`CHANGELOG.md's sections after ${releasedVersion} do not name ${name}`);
    }
  }
  return problems;
}
