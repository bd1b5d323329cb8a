// The bundled spec as tests read it: local `$ref`s followed, examples picked out.
import bundle from '../../generated/openapi.json' with { type: 'json' };
import type { OperationMetadata } from '../../generated/operations.js';
import { collectOperations, type SpecOperation } from '../../scripts/lib/operations-metadata.mjs';

export type Json = Record<string, any>;
export const spec = bundle as Json;

/** A `deref` over another document than our bundled spec (e.g. a modified copy of it). */
export function derefIn(document: Json): (node: Json | undefined) => Json | undefined {
  return (node) => {
    let current = node;
    for (let hops = 0; current?.$ref && hops < 20; hops += 1) {
      current = (current.$ref as string)
        .slice(2)
        .split('/')
        .reduce((value: Json | undefined, key) => value?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], document);
    }
    return current;
  };
}

export const deref = derefIn(spec);

/** The value of the first JSON example of a request body or response. */
export function firstExample(holder: Json | undefined): unknown {
  const examples = deref(holder)?.content?.['application/json']?.examples ?? {};
  return deref(Object.values(examples)[0] as Json)?.value;
}

/** Every operation with the build-time facts (summary, success status, query names) the runtime table omits. */
export const specOperationsById: Record<string, SpecOperation> = collectOperations(spec);

/** Arguments for one operation, taken from the spec's own examples. */
export function exampleInputs(op: OperationMetadata) {
  const item = spec.paths[op.path] as Json;
  const operation = item[op.method.toLowerCase()] as Json;
  const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map(deref) as Json[];
  const path: Record<string, string> = {};
  for (const p of parameters.filter((p) => p.in === 'path')) path[p.name] = p.example ?? `${p.name}-1`;
  // Required query parameters (e.g. a schedule list's `mode`) take their examples; optional ones are left out.
  const query: Record<string, unknown> = {};
  for (const p of parameters.filter((p) => p.in === 'query' && p.required)) query[p.name] = p.example;
  const body = operation.requestBody ? firstExample(operation.requestBody) : undefined;
  const expected = firstExample(operation.responses[String(specOperationsById[op.operationId]!.successStatus)]);
  return { path, query: Object.keys(query).length > 0 ? query : undefined, body, expected };
}

/** `account_id` → `accountId`: how the facade names a path parameter. */
export const camelCase = (name: string) => name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
