// Togai's index of operations (`togai-docs/production/INDEX.md`; the repository's copy is test/reference/togai-index-production.md), read by the spec test and by check-area.

/** One row per `| *<Name>Api* | [**operationId**](...) | **METHOD** /path | summary |` line. */
export function parseIndex(markdown) {
  return [...markdown.matchAll(/^\*(\w+)Api\* \| \[\*\*(\w+)\*\*\][^|]*\| \*\*(\w+)\*\* (\S+) \| (.*)$/gm)].map(
    ([, area, operationId, method, path, summary]) => ({ area, operationId, method, path, deprecated: summary.includes('(DEPRECATED)') }),
  );
}
