/**
 * Static file serving of the built renderer for browser mode: only files
 * inside `root` (no traversal, no symlink escape), a small MIME table,
 * index.html for '/'.
 */
import fs from 'node:fs'
import path from 'node:path'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
}

/** Resolves a URL path to a file under root, or null (missing, outside root, not a file). */
export function resolveStatic(root: string, urlPath: string): { file: string; type: string } | null {
  let rel: string
  try {
    rel = decodeURIComponent(urlPath.split('?')[0])
  } catch {
    return null
  }
  if (rel.includes('\0')) return null
  if (rel === '/' || rel === '') rel = '/index.html'
  const realRoot = fs.realpathSync(root)
  const candidate = path.resolve(realRoot, '.' + path.posix.normalize(rel))
  if (!fs.existsSync(candidate)) return null
  const real = fs.realpathSync(candidate)
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return null
  if (!fs.statSync(real).isFile()) return null
  return { file: real, type: MIME[path.extname(real).toLowerCase()] ?? 'application/octet-stream' }
}
