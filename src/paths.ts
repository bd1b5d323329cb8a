// Types-only entry, `togai-sdk-unofficial/paths`: the generated OpenAPI types, for use with openapi-fetch directly,
// e.g. `createClient<paths>({ baseUrl })`.
export type { components, operations, paths } from '../generated/schema.js';
