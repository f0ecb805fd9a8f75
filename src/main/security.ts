/**
 * Electron hardening, with the Electron objects injected (testable with fakes):
 *  - CSP on every response of the app's session (plus the meta tag in index.html);
 *  - navigation away from the app and new windows are blocked (links to
 *    http(s) open in the system browser instead);
 *  - permission requests (camera, notifications from the page, …) are denied;
 *  - IPC is accepted only from our own page (`isTrustedFrameUrl`: the app:// page, or the dev server) and only
 *    from the window's top frame (`isTopFrame`, `topFrameOnly`).
 */
import { contentSecurityPolicy } from '../shared/csp'

/** The app page's URL prefix: app://zsnas/ in production (file:// index.html still understood), the dev server origin with `electron-vite dev`. */
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
  // app:// is not a WHATWG special scheme (URL.origin is 'null' in Node): compare scheme and host
  if (a.protocol !== 'http:' && a.protocol !== 'https:') return f.protocol === a.protocol && f.host === a.host && a.host !== ''
  return f.origin === a.origin
}

interface IpcEventLike {
  senderFrame?: unknown
  sender?: { mainFrame?: unknown } | null
}

/**
 * true only when the IPC message came from the window's top frame
 * (`event.senderFrame === event.sender.mainFrame`): an <iframe>, even one on
 * the app's own origin, is refused. Missing frame or sender → false.
 */
export function isTopFrame(event: IpcEventLike): boolean {
  const frame = event.senderFrame
  const main = event.sender?.mainFrame
  return frame !== undefined && frame !== null && main !== undefined && main !== null && frame === main
}

interface HandleLike<E> {
  handle(channel: string, fn: (event: E, ...args: unknown[]) => Promise<unknown>): void
  removeHandler(channel: string): void
}

/**
 * Wraps `ipcMain` so every handler registered through it first checks
 * `isTopFrame`; a message from any other frame is answered with the
 * contract's UNAUTHORIZED envelope and never reaches the handler.
 */
export function topFrameOnly<E extends IpcEventLike>(ipc: HandleLike<E>): HandleLike<E> {
  return {
    handle(channel, fn) {
      ipc.handle(channel, async (event, ...args) => {
        if (!isTopFrame(event)) return { ok: false, error: { code: 'UNAUTHORIZED', message: `IPC on '${channel}' from a frame that is not the window's top frame refused` } }
        return fn(event, ...args)
      })
    },
    removeHandler: (channel) => ipc.removeHandler(channel),
  }
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
