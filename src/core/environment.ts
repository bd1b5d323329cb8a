// Settings a deployment can give without code: TOGAI_API_TOKEN / TOGAI_API_KEY, TOGAI_BASE_URL and TOGAI_LOG.

/** A variable of the environment, where there is one (Node, Bun, Deno with env access); undefined when empty. */
export function fromEnvironment(name: string): string | undefined {
  try {
    return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name] || undefined;
  } catch {
    return undefined; // Deno without --allow-env throws
  }
}
