/**
 * Electron side of the GPU-window workers (thin; the logic is src/backend/gpu-window-host.ts and the decision
 * src/backend/scoring-workers.ts, tested in Node and in headless Chromium).
 *
 * Two kinds of hidden window, both on a private session partition (`GPU_PARTITION`, hardened like the app's:
 * CSP header on every response, every permission request denied; navigation and window.open are blocked for
 * every webContents by main's `guardNavigation`), both loading the same local page (`GPU_WINDOW_PAGE_HTML`,
 * written to the user-data folder: a `file:` page is a secure context, so `navigator.gpu` exists; the page
 * has no script and a `default-src 'none'` CSP):
 *  - the PROBE window (`probeWebgpuWindow`): sandboxed, context isolation, no Node, no preload; main runs
 *    `probeWebgpuInPage` in it and destroys it;
 *  - WORKER windows (`electronGpuWindowFactory`): context isolation, no Node integration in the page; the
 *    scoring worker loop runs in the window's PRELOAD (`gpu-window-worker.mjs`, built from
 *    gpu-window-worker.ts), which needs Node (the engine reads datasets with node:fs), so these windows are not
 *    sandboxed — the page itself runs no script and can load nothing.
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { App, BrowserWindow as ElectronBrowserWindow, BrowserWindowConstructorOptions, IpcMain, IpcMainEvent } from 'electron'
import { GPU_WINDOW_FROM_WORKER, GPU_WINDOW_TO_WORKER } from '../backend/gpu-window-channel'
import type { GpuWindowFactory, GpuWindowLike } from '../backend/gpu-window-host'
import { pageProbeScript, type PageGpuProbe } from '../backend/scoring-workers'
import { HARDENED_WEB_PREFERENCES } from './window-options'

/** Chromium switches for WebGPU on Linux (off by default there); harmless elsewhere. Call before 'ready'. */
export function enableWebgpuSwitches(app: Pick<App, 'commandLine'>, platform: string = process.platform): void {
  app.commandLine.appendSwitch('enable-unsafe-webgpu')
  if (platform === 'linux') app.commandLine.appendSwitch('enable-features', 'Vulkan')
}

/** The session partition of every GPU window (never the app window's session). */
export const GPU_PARTITION = 'zsnas-gpu-worker'

/** The page every GPU window loads: no script, nothing loadable. */
export const GPU_WINDOW_PAGE_HTML =
  `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'"><title>ZSNAS GPU worker</title>\n`

/** Writes the page into `dir` (the user-data folder) and returns its path. */
export function writeGpuWindowPage(dir: string): string {
  const file = path.join(dir, 'gpu-window.html')
  writeFileSync(file, GPU_WINDOW_PAGE_HTML)
  return file
}

const COMMON: BrowserWindowConstructorOptions['webPreferences'] = {
  ...HARDENED_WEB_PREFERENCES,
  backgroundThrottling: false, // a hidden window must not be throttled while it scores
  partition: GPU_PARTITION,
}

/** The probe window: sandboxed, no preload. */
export function gpuProbeWindowOptions(): BrowserWindowConstructorOptions {
  return { show: false, webPreferences: { ...COMMON, sandbox: true } }
}

/** A worker window: the worker loop runs in `preload` (Node, isolated from the page); the page gets no Node. */
export function gpuWorkerWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return { show: false, webPreferences: { ...COMMON, sandbox: false, preload } }
}

type WindowCtor = new (o: BrowserWindowConstructorOptions) => ElectronBrowserWindow

/** Asks a hidden, sandboxed window for Chromium's WebGPU adapter; the window is destroyed afterwards. */
export async function probeWebgpuWindow(electron: { BrowserWindow: WindowCtor }, pageFile: string): Promise<PageGpuProbe> {
  const win = new electron.BrowserWindow(gpuProbeWindowOptions())
  try {
    await win.loadFile(pageFile)
    return (await win.webContents.executeJavaScript(pageProbeScript(), true)) as PageGpuProbe
  } finally {
    if (!win.isDestroyed()) win.destroy()
  }
}

export function electronGpuWindowFactory(
  electron: { BrowserWindow: WindowCtor; ipcMain: Pick<IpcMain, 'on' | 'removeListener'> },
  pageFile: string,
  preload: string,
): GpuWindowFactory {
  return (): GpuWindowLike => {
    const win = new electron.BrowserWindow(gpuWorkerWindowOptions(preload))
    const contents = win.webContents
    const messageCbs: Array<(m: unknown) => void> = []
    const goneCbs: Array<(r: string) => void> = []
    const route = (e: IpcMainEvent, msg: unknown) => {
      if (e.sender === contents) for (const cb of messageCbs) cb(msg)
    }
    electron.ipcMain.on(GPU_WINDOW_FROM_WORKER, route)
    let done = false
    const gone = (reason: string) => {
      if (done) return
      done = true
      electron.ipcMain.removeListener(GPU_WINDOW_FROM_WORKER, route)
      for (const cb of goneCbs) cb(reason)
    }
    contents.on('render-process-gone', (_e, d) => gone(`renderer ${d.reason} (exit ${d.exitCode})`))
    contents.on('did-fail-load', (_e, code, desc) => gone(`page failed to load: ${desc} (${code})`))
    contents.on('preload-error', (_e, _p, err) => gone(`worker preload failed: ${err.message}`))
    win.on('closed', () => gone('window closed'))
    void win.loadFile(pageFile)
    return {
      get pid() {
        return contents.isDestroyed() ? undefined : contents.getOSProcessId()
      },
      send: (m) => {
        if (!contents.isDestroyed()) contents.send(GPU_WINDOW_TO_WORKER, m)
      },
      onMessage: (cb) => void messageCbs.push(cb),
      onGone: (cb) => void goneCbs.push(cb),
      destroy: () => {
        if (!win.isDestroyed()) win.destroy()
      },
    }
  }
}
