/**
 * sha256 of the files a run depends on (dataset, benchmark table), recorded
 * in the run and its export manifest. A folder hashes to the sha256 of the
 * sorted list of `<relative path>\t<file sha256>` lines of its regular files.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer)
  return h.digest('hex')
}

export async function sha256Path(p: string): Promise<string> {
  const st = fs.statSync(p)
  if (st.isFile()) return sha256File(p)
  const files: string[] = []
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name)
      if (e.isDirectory()) walk(full)
      else if (e.isFile()) files.push(full)
    }
  }
  walk(p)
  files.sort()
  const h = createHash('sha256')
  for (const f of files) h.update(`${path.relative(p, f)}\t${await sha256File(f)}\n`)
  return h.digest('hex')
}
