/**
 * The browser-mode access token. `--token T` uses T as given (not stored);
 * otherwise the token is read from `<dataDir>/server-token`, created once
 * (32 random bytes, hex, file mode 0600), so restarting the server on the same
 * data folder keeps the URL — an open tab reconnects instead of being refused.
 * Delete the file to rotate the token.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export const TOKEN_FILE = 'server-token'
/** what `--token` accepts: 16–256 URL-safe characters (it travels in the URL and a cookie) */
export const TOKEN_RE = /^[A-Za-z0-9_-]{16,256}$/

/** Throws Error with a one-line message when the stored token file is unreadable or malformed. */
export function stableToken(dataDir: string): string {
  const file = path.join(dataDir, TOKEN_FILE)
  try {
    const t = fs.readFileSync(file, 'utf8').trim()
    if (!TOKEN_RE.test(t)) throw new Error(`${file}: not a token (expected 16–256 characters A–Z a–z 0–9 _ -); delete the file to make a new one`)
    return t
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
  const t = randomBytes(32).toString('hex')
  // 'wx': never overwrite a token another process just wrote
  try {
    fs.writeFileSync(file, t + '\n', { mode: 0o600, flag: 'wx' })
    return t
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return stableToken(dataDir)
    throw new Error(`cannot store the access token in ${file}: ${(e as Error).message}`)
  }
}
