export declare function tagVersion(tag: string): string;
export declare function githubRepositoryOf(url: string | undefined): string | undefined;
export declare function releaseRefusals(input: {
  tag: string | undefined;
  version: string;
  changelog: string | undefined;
  recorded: { version: string; spec: unknown } | undefined;
  generatedSpec: string;
  repositoryUrl: string | undefined;
  githubRepository: string | undefined;
}): string[];
