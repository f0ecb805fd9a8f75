/** A run's export folder as one zip (fflate): every file under `<root>/`, text as UTF-8, deflated, fixed timestamps are NOT used (mtime = now). */
import { strToU8, zipSync, type Zippable } from 'fflate'

export function zipFolder(root: string, files: Record<string, string | Uint8Array>): Uint8Array {
  const tree: Zippable = {}
  for (const [name, data] of Object.entries(files)) tree[`${root}/${name}`] = typeof data === 'string' ? strToU8(data) : data
  return zipSync(tree, { level: 6 })
}
