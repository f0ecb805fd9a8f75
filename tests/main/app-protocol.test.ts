/**
 * The app:// protocol that serves the renderer in Electron (src/main/app-protocol.ts),
 * exercised in Node on a real folder: only files of the built renderer folder are
 * served; `..` (plain, percent-encoded, backslash), symlinks out of the folder,
 * folders, other hosts/schemes and malformed escapes are refused (404).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { APP_URL, SCHEME_PRIVILEGES, contentType, createAppProtocolHandler, resolveAppRequest } from '../../src/main/app-protocol'
import { isTrustedFrameUrl } from '../../src/main/security'

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-appproto-'))
const root = path.join(base, 'renderer')
fs.mkdirSync(path.join(root, 'assets'), { recursive: true })
fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>ok</title>')
fs.writeFileSync(path.join(root, 'assets', 'app 1.js'), 'console.log(1)')
fs.writeFileSync(path.join(base, 'secret.txt'), 'SECRET')
fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'assets', 'leak.js'))
fs.symlinkSync(base, path.join(root, 'up'))
afterAll(() => fs.rmSync(base, { recursive: true, force: true }))

describe('app:// protocol', () => {
  it('is registered as a standard, secure scheme and the app page is app://zsnas/index.html', () => {
    expect(APP_URL).toBe('app://zsnas/index.html')
    expect(SCHEME_PRIVILEGES).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, bypassCSP: false }) }])
  })

  it('maps app://zsnas/ URLs to files inside the renderer folder', () => {
    expect(resolveAppRequest(root, 'app://zsnas/index.html')).toBe(fs.realpathSync(path.join(root, 'index.html')))
    expect(resolveAppRequest(root, 'app://zsnas/')).toBe(fs.realpathSync(path.join(root, 'index.html')))
    expect(resolveAppRequest(root, 'app://zsnas/assets/app%201.js?v=1#x')).toBe(fs.realpathSync(path.join(root, 'assets', 'app 1.js')))
  })

  it('refuses traversal, symlinks out, folders, missing files, other hosts and schemes', () => {
    const refused = [
      'app://zsnas/../secret.txt',
      'app://zsnas/%2e%2e/secret.txt',
      'app://zsnas/assets/%2E%2E/%2E%2E/secret.txt',
      'app://zsnas/..%2fsecret.txt',
      'app://zsnas/..%5csecret.txt',
      'app://zsnas/assets%5c..%5c..%5csecret.txt',
      'app://zsnas/index.html%00.js',
      'app://zsnas/%E0%A4%A',
      'app://zsnas/assets/leak.js',
      'app://zsnas/up/secret.txt',
      'app://zsnas/assets',
      'app://zsnas/nope.js',
      'app://other/index.html',
      'file:///etc/passwd',
      'app://zsnas/' + encodeURIComponent(path.join(base, 'secret.txt')),
      'not a url',
    ]
    for (const u of refused) expect(resolveAppRequest(root, u), u).toBeNull()
  })

  it('the handler serves bytes with a MIME type and the CSP header, 404 otherwise', async () => {
    const handle = createAppProtocolHandler(root, "default-src 'none'")
    const ok = await handle({ url: 'app://zsnas/index.html' })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(ok.headers.get('content-security-policy')).toBe("default-src 'none'")
    expect(await ok.text()).toBe('<!doctype html><title>ok</title>')
    const bad = await handle({ url: 'app://zsnas/%2e%2e/secret.txt' })
    expect(bad.status).toBe(404)
    expect(await bad.text()).not.toContain('SECRET')
    expect(contentType('a.wasm')).toBe('application/wasm')
    expect(contentType('a.bin')).toBe('application/octet-stream')
  })

  it('IPC trusts only the app:// page (same scheme and host)', () => {
    expect(isTrustedFrameUrl('app://zsnas/index.html#/runs', APP_URL)).toBe(true)
    expect(isTrustedFrameUrl('app://evil/index.html', APP_URL)).toBe(false)
    expect(isTrustedFrameUrl('file:///opt/zsnas/index.html', APP_URL)).toBe(false)
    expect(isTrustedFrameUrl('https://zsnas/index.html', APP_URL)).toBe(false)
  })
})
