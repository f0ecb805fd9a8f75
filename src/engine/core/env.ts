/**
 * The engine's one read of an environment variable, runtime-neutral: the
 * renderer build compiles engine files without Node's types and a browser
 * has no `process`, so there it is always undefined.
 */
export function envVar(name: string): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name]
}
