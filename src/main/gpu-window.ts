/**
 * Electron side of the GPU-window workers (thin; the logic is src/backend/gpu-window-host.ts, tested in Node and
 * in headless Chromium). Each worker is a hidden BrowserWindow whose page runs the scoring worker loop with
 * Node integration (the engine reads datasets with node:fs) and Chromium's built-in WebGPU (`navigator.gpu`:
 * the engine's webgpu candidate uses it instead of loading Dawn). The page is our own bundled file, never remote
 * or user content; it gets a private session partition so the app window's session and CSP stay untouched.
 *
 * Usage in main (not wired by default — utility processes stay the default workers):
 *   enableWebgpuSwitches(app)                                    // before 'ready'
 *   const host = gpuWindowHost(electronGpuWindowFactory({ BrowserWindow, ipcMain }, path.join(here, 'gpu-window.html')))
 *   new WorkerPool(host, 1)                                       // one GPU window per device is the sensible size
 */
import type { App, BrowserWindow as ElectronBrowserWindow, BrowserWindowConstructorOptions, IpcMain, IpcMainEvent } from 'electron'
import { GPU_WINDOW_FROM_WORKER, GPU_WINDOW_TO_WORKER } from '../backend/gpu-window-channel'
import type { GpuWindowFactory, GpuWindowLike } from '../backend/gpu-window-host'

/** Chromium switches for WebGPU on Linux (off by default there); harmless elsewhere. Call before 'ready'. */
export function enableWebgpuSwitches(app: Pick<App, 'commandLine'>): void {
  app.commandLine.appendSwitch('enable-unsafe-webgpu')
  if (process.platform === 'linux') app.commandLine.appendSwitch('enable-features', 'Vulkan')
}

export const GPU_WINDOW_OPTIONS: BrowserWindowConstructorOptions = {
  show: false,
  webPreferences: {
    nodeIntegration: true,
    contextIsolation: false,
    sandbox: false,
    backgroundThrottling: false, // a hidden window must not be throttled while it scores
    partition: 'zsnas-gpu-worker',
    spellcheck: false,
  },
}

export function electronGpuWindowFactory(
  electron: { BrowserWindow: new (o: BrowserWindowConstructorOptions) => ElectronBrowserWindow; ipcMain: Pick<IpcMain, 'on' | 'removeListener'> },
  pageFile: string,
): GpuWindowFactory {
  return (): GpuWindowLike => {
    const win = new electron.BrowserWindow(GPU_WINDOW_OPTIONS)
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
