/**
 * Electron side of the GPU-window workers (thin; the logic is src/backend/gpu-window-host.ts, the datasets
 * src/backend/gpu-window-data.ts, the decision src/backend/scoring-workers.ts, tested in Node and in headless
 * Chromium).
 *
 * Two kinds of hidden window, both SANDBOXED with the app's hardened preferences (`HARDENED_WEB_PREFERENCES`:
 * context isolation, no Node integration anywhere, web security) on a private session partition
 * (`GPU_PARTITION`, hardened like the app's: CSP header on every response, every permission request denied;
 * navigation and window.open are blocked for every webContents by main's `guardNavigation`):
 *  - the PROBE window (`probeWebgpuWindow`): no preload; loads the script-less local page
 *    (`GPU_WINDOW_PAGE_HTML`, `default-src 'none'`); main runs `probeWebgpuInPage` in it and destroys it;
 *  - WORKER windows (`electronGpuWindowFactory`): the sandboxed CommonJS preload `out/preload/gpu-worker.cjs`
 *    (src/preload/gpu-worker.ts: one validated bridge, nothing else) and the app's own GPU worker page
 *    (`app://zsnas/gpu-worker.html?backend=webgpu`, built by electron-vite from src/gpu-worker/, served by the
 *    app protocol with the app's CSP; no remote content), which runs the engine and the worker loop on
 *    Chromium's `navigator.gpu`. The page has no file system: main reads each job's dataset files and sends
 *    their bytes with the first job of that dataset (`datasetBytesSender`).
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { App, BrowserWindow as ElectronBrowserWindow, BrowserWindowConstructorOptions, IpcMain, IpcMainEvent } from 'electron'
import { GPU_WINDOW_FROM_WORKER, GPU_WINDOW_TO_WORKER } from '../backend/gpu-window-channel'
import type { GpuWindowFactory, GpuWindowLike } from '../backend/gpu-window-host'
import { datasetBytesSender, type ReadDatasetFiles } from '../backend/gpu-window-data'
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

/** A worker window: sandboxed like every window; `preload` is the CommonJS bridge preload (out/preload/gpu-worker.cjs). */
export function gpuWorkerWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return { show: false, webPreferences: { ...COMMON, sandbox: true, preload } }
}

/** The GPU worker page's URL under the renderer's base (`app://zsnas/`, or the dev server's origin); the page scores on webgpu. */
export function gpuWorkerPageUrl(rendererBase: string): string {
  return new URL('gpu-worker.html?backend=webgpu', rendererBase).toString()
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

/**
 * Makes worker windows loading `pageUrl` (`gpuWorkerPageUrl`) with `preload` (out/preload/gpu-worker.cjs).
 * Messages to the window get their dataset's bytes (`datasetBytesSender`; `readDataset` for tests); a job whose
 * files cannot be read is answered as a worker would (typed error), without reaching the window.
 */
export function electronGpuWindowFactory(
  electron: { BrowserWindow: WindowCtor; ipcMain: Pick<IpcMain, 'on' | 'removeListener'> },
  pageUrl: string,
  preload: string,
  readDataset?: ReadDatasetFiles,
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
    contents.on('preload-error', (_e, _p, err) => gone(`GPU worker preload failed: ${err.message}`))
    win.on('closed', () => gone('window closed'))
    void win.loadURL(pageUrl)
    const send = datasetBytesSender({
      send: (m) => {
        if (!contents.isDestroyed()) contents.send(GPU_WINDOW_TO_WORKER, m)
      },
      fail: (m) => {
        if (!done) for (const cb of messageCbs) cb(m)
      },
      ...(readDataset ? { read: readDataset } : {}),
    })
    return {
      get pid() {
        return contents.isDestroyed() ? undefined : contents.getOSProcessId()
      },
      send,
      onMessage: (cb) => void messageCbs.push(cb),
      onGone: (cb) => void goneCbs.push(cb),
      destroy: () => {
        if (!win.isDestroyed()) win.destroy()
      },
    }
  }
}
