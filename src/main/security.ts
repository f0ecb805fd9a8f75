/**
 * Electron hardening, with the Electron objects injected (testable with fakes):
 *  - CSP on every response of the app's session (plus the meta tag in index.html);
 *  - navigation away from the app and new windows are blocked (links to
 *    http(s) open in the system browser instead);
 *  - permission requests (camera, notifications from the page, …) are denied;
 *  - IPC is accepted only from our own top frame (`isTrustedFrameUrl`).
 */
import { contentSecurityPolicy } from '../shared/csp'

/** The app page's URL prefix: the file:// index.html in production, the dev server origin with `electron-vite dev`. */
export function isTrustedFrameUrl(frameUrl: string | undefined | null, appUrl: string): boolean {
  if (!frameUrl) return false
  let f: URL
  let a: URL
  try {
    f = new URL(frameUrl)
    a = new URL(appUrl)
  } catch {
    return false
  }
  if (a.protocol === 'file:') return f.protocol === 'file:' && f.pathname === a.pathname
  return f.origin === a.origin
}

interface ContentsLike {
  on(event: 'will-navigate' | 'will-redirect', cb: (e: { preventDefault(): void }, url: string) => void): unknown
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' | 'allow' }): void
}

/** Blocks navigation away from the app and every window.open; http(s) links go to `openExternal`. */
export function guardNavigation(contents: ContentsLike, appUrl: string, openExternal: (url: string) => void): void {
  const block = (e: { preventDefault(): void }, url: string) => {
    if (url === appUrl) return
    e.preventDefault()
  }
  contents.on('will-navigate', block)
  contents.on('will-redirect', block)
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//i.test(url)) openExternal(url)
    return { action: 'deny' }
  })
}

interface SessionLike {
  webRequest: {
    onHeadersReceived(
      cb: (d: { responseHeaders?: Record<string, string[] | string> }, done: (r: { responseHeaders: Record<string, string[] | string> }) => void) => void,
    ): void
  }
  setPermissionRequestHandler(h: (wc: unknown, permission: string, cb: (ok: boolean) => void) => void): void
}

/** Adds the CSP header to every response and denies all permission requests. */
export function hardenSession(session: SessionLike, devServerOrigin?: string): void {
  const csp = contentSecurityPolicy(devServerOrigin ? [devServerOrigin, devServerOrigin.replace(/^http/, 'ws')] : [])
  session.webRequest.onHeadersReceived((details, done) => {
    done({ responseHeaders: { ...(details.responseHeaders ?? {}), 'Content-Security-Policy': [csp] } })
  })
  session.setPermissionRequestHandler((_wc, _permission, cb) => cb(false))
}
