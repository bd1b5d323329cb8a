// The bundled spec as tests read it: local `$ref`s followed, examples picked out.
import bundle from '../../generated/openapi.json' with { type: 'json' };

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
