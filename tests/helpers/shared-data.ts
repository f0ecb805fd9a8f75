import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, resolve } from 'node:path'

/**
 * Folder with the shared real data (`../shared/data` beside the clone);
 * override with ZSNAS_SHARED_DATA. Tests read it by path and never copy it.
 */
export const SHARED_DATA = process.env.ZSNAS_SHARED_DATA
  ? resolve(process.env.ZSNAS_SHARED_DATA)
  : resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data')

export function sharedPath(...parts: string[]): string {
  const p = resolve(SHARED_DATA, ...parts)
  if (!existsSync(p)) throw new Error(`shared data file missing: ${p} (set ZSNAS_SHARED_DATA)`)
  return p
}
