import type { ApiChange } from './api-changes.mjs';

export declare const releasedDir: string;
export declare const changelogPath: string;
export declare function parseVersion(version: string): [number, number, number];
export declare function compareVersions(a: string, b: string): number;
export declare function breakingBumpOf(released: string): string;
export declare function readRelease(dir?: string): Promise<{ version: string; file: string; spec: unknown } | undefined>;
export declare function changelogSection(changelog: string, version: string): string | undefined;
export declare function acknowledgementName(change: ApiChange): string;
export declare function changelogLine(change: ApiChange): string;
export declare function unacknowledged(input: {
  changes: ApiChange[];
  releasedVersion: string;
  version: string;
  changelog: string | undefined;
}): string[];
