/** Command-line arguments of `npm run serve` (see cli.ts). Throws Error with a one-line message on bad input. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { TOKEN_RE } from './token'

export interface CliArgs {
  dataDir: string
  port: number
  staticDir: string
  workers?: number
  /** extra folders clients may read datasets/tables from and export into (`--allow DIR`, repeatable); the data folder is always allowed */
  allow: string[]
  /** `--token T`: the access token to use (default: the data folder's stored token, src/server/token.ts) */
  token?: string
}

export function parseArgs(argv: string[]): CliArgs {
  const out: CliArgs = { dataDir: path.join(os.homedir(), '.zsnas-studio'), port: 0, staticDir: path.resolve('out/renderer'), allow: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const val = () => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      return v
    }
    if (a === '--data-dir') out.dataDir = path.resolve(val())
    else if (a === '--port') {
      const n = Number(val())
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be an integer 0..65535`)
      out.port = n
    } else if (a === '--static') out.staticDir = path.resolve(val())
    else if (a === '--workers') {
      const n = Number(val())
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`--workers must be an integer 1..64`)
      out.workers = n
    } else if (a === '--allow') {
      const dir = path.resolve(val())
      let isDir = false
      try {
        isDir = fs.statSync(dir).isDirectory()
      } catch {
        throw new Error(`--allow ${dir}: no such folder`)
      }
      if (!isDir) throw new Error(`--allow ${dir}: not a folder (give the folder that holds the datasets or tables)`)
      out.allow.push(dir)
    } else if (a === '--token') {
      const t = val()
      if (!TOKEN_RE.test(t)) throw new Error(`--token must be 16–256 characters of A–Z a–z 0–9 _ - (it goes into the URL), got ${t.length} characters`)
      out.token = t
    } else throw new Error(`unknown argument '${a}'`)
  }
  return out
}

