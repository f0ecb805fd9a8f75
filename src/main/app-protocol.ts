/**
 * The renderer is served from `app://zsnas/…` instead of file:// (issue #22,
 * Electron checklist): a file:// page may read any local file the OS lets it,
 * an `app://` page sees only the built renderer folder.
 *
 * Pure parts (tested in Node, tests/main/app-protocol.test.ts):
 *  - `SCHEME_PRIVILEGES`, passed to `protocol.registerSchemesAsPrivileged`
 *    before the app is ready (standard + secure, so the page is a secure
 *    context with a real origin and relative URLs resolve);
 *  - `resolveAppRequest(root, url)`: the file a request maps to, or null —
 *    only `app://zsnas/` URLs, only regular files that lie inside `root` both
 *    as written and after symlinks are resolved; `..` (also percent-encoded),
 *    backslashes, NUL bytes and malformed escapes are refused;
 *  - `createAppProtocolHandler(root)`: the `protocol.handle` callback; 404 for
 *    anything `resolveAppRequest` refuses, the CSP header on every response.
 */
import fs from 'node:fs'
import path from 'node:path'
import { contentSecurityPolicy } from '../shared/csp'

export const APP_SCHEME = 'app'
export const APP_HOST = 'zsnas'
/** The page Electron main loads in production. */
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

export const SCHEME_PRIVILEGES = [
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: false, bypassCSP: false } },
] as const

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

/** MIME type served for a file name (application/octet-stream when unknown). */
export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
}

function inside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

/**
 * The absolute path of the file `url` names inside `root`, or null when the
 * URL is not `app://zsnas/…`, escapes `root` (as written or through a
 * symlink), is not a regular file, or is malformed. `app://zsnas/` → index.html.
 */
export function resolveAppRequest(root: string, url: string): string | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null
  let rel: string
  try {
    rel = decodeURIComponent(u.pathname)
  } catch {
    return null
  }
  if (rel.includes('\0') || rel.includes('\\')) return null
  if (rel.split('/').some((seg) => seg === '..')) return null
  if (rel === '/' || rel === '') rel = '/index.html'
  const rootAbs = path.resolve(root)
  const target = path.resolve(rootAbs, `.${rel}`)
  if (!inside(rootAbs, target)) return null
  try {
    const real = fs.realpathSync.native(target)
    if (!inside(fs.realpathSync.native(rootAbs), real)) return null
    if (!fs.statSync(real).isFile()) return null
    return real
  } catch {
    return null
  }
}

/** The `protocol.handle(APP_SCHEME, …)` callback serving files of `root` (the built renderer folder). */
export function createAppProtocolHandler(root: string, csp: string = contentSecurityPolicy([])): (request: { url: string }) => Promise<Response> {
  return async (request) => {
    const file = resolveAppRequest(root, request.url)
    if (!file) return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
    const body = new Uint8Array(await fs.promises.readFile(file))
    return new Response(body, { status: 200, headers: { 'Content-Type': contentType(file), 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' } })
  }
}
