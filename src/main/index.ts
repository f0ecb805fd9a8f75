/**
 * Electron main process (thin): creates the hardened window, the backend
 * (run store in the user-data folder, supervisor with scoring workers: hidden
 * WebGPU windows on a hardware GPU adapter, else utilityProcess workers on
 * wasm — decided by src/backend/scoring-workers.ts) and the IPC bridge. Everything testable lives in the injected-dependency
 * modules next to this file and in ./backend.
 */
import { app, BrowserWindow, dialog, ipcMain, Notification, powerSaveBlocker, protocol, session, shell, utilityProcess } from 'electron'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createActivityHandler } from './activity'
import { createBackend, type Backend } from '../backend/backend'
import { createEngineAdapter } from '../backend/engine-adapter'
import { utilityProcessHost } from '../backend/worker-host'
import { forwardEvents, registerIpc } from './ipc'
import { APP_SCHEME, APP_URL, SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol'
import { createPathPolicy } from '../backend/path-policy'
import { guardNavigation, hardenSession, isTrustedFrameUrl, topFrameOnly } from './security'
import { windowOptions } from './window-options'
import { GPU_PARTITION, electronGpuWindowFactory, enableWebgpuSwitches, gpuWorkerPageUrl, probeWebgpuWindow, writeGpuWindowPage } from './gpu-window'
import { gpuWindowHost } from '../backend/gpu-window-host'
import { createScoringWorkers, workerPreference } from '../backend/scoring-workers'

/** folder of the built main bundle (out/main); the bundle is ESM, so no __dirname */
const here = path.dirname(fileURLToPath(import.meta.url))

let win: BrowserWindow | null = null
let backend: Backend | null = null

const devUrl = process.env.ELECTRON_RENDERER_URL
const appUrl = devUrl ?? APP_URL

// must run before 'ready': app:// is a standard, secure scheme (real origin, secure context)
protocol.registerSchemesAsPrivileged(SCHEME_PRIVILEGES.map((p) => ({ scheme: p.scheme, privileges: { ...p.privileges } })))

if (!app.requestSingleInstanceLock()) app.quit()

// WebGPU for the hidden GPU windows (off by default on Linux); before 'ready'
enableWebgpuSwitches(app)

app.on('web-contents-created', (_e, contents) => guardNavigation(contents, appUrl, (url) => void shell.openExternal(url)))

app.whenReady().then(async () => {
  hardenSession(session.defaultSession, devUrl ? new URL(devUrl).origin : undefined)
  hardenSession(session.fromPartition(GPU_PARTITION), devUrl ? new URL(devUrl).origin : undefined)
  // the built renderer folder only; traversal / symlinks out of it → 404 (src/main/app-protocol.ts)
  protocol.handle(APP_SCHEME, createAppProtocolHandler(path.join(here, '../renderer')))
  // the GPU worker page (out/renderer/gpu-worker.html) on the GPU windows' own session
  session.fromPartition(GPU_PARTITION).protocol.handle(APP_SCHEME, createAppProtocolHandler(path.join(here, '../renderer')))
  const dataDir = path.join(app.getPath('userData'), 'runs')
  // GPU windows on a hardware WebGPU adapter, else utility processes (wasm); the reasons go to compute.backends
  const gpuPage = writeGpuWindowPage(app.getPath('userData'))
  const workers = await createScoringWorkers({
    probe: () => probeWebgpuWindow({ BrowserWindow }, gpuPage),
    // sandboxed worker windows: the engine runs in the page (src/gpu-worker/), the CommonJS preload is one bridge
    gpuHost: gpuWindowHost(electronGpuWindowFactory({ BrowserWindow, ipcMain }, gpuWorkerPageUrl(devUrl ?? APP_URL), path.join(here, '../preload/gpu-worker.cjs'))),
    cpuHost: utilityProcessHost(utilityProcess, path.join(here, 'score-worker.js')),
    preference: workerPreference(process.env.ZSNAS_BACKEND),
  })
  backend = createBackend({
    dataDir,
    // the data folder plus what the user picks in the native dialog (granted by the service)
    paths: createPathPolicy({ roots: [dataDir], hint: 'choose it with the file dialog to use it' }),
    host: workers,
    ...(workers.choice().defaultWorkers !== undefined ? { defaultWorkers: workers.choice().defaultWorkers } : {}),
    backends: async () => workers.info(),
    setBackend: (p) => workers.setPreference(p),
    onWorkersSwitch: (dropIdle) => workers.onSwitch(dropIdle),
    scoringBackend: () => workers.choice().backend,
    engine: createEngineAdapter({ tableCacheDir: path.join(app.getPath('userData'), 'table-cache') }),
    mode: 'electron',
    electronVersion: process.versions.electron,
    picker: {
      async pick(kind) {
        const opts: Electron.OpenDialogOptions = {
          title: kind === 'dataset' ? 'Choose a dataset file or folder' : 'Choose a benchmark table',
          properties: kind === 'dataset' ? ['openFile', 'openDirectory'] : ['openFile'],
        }
        const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts)
        return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]
      },
    },
    onActivity: createActivityHandler({
      window: () => win,
      powerSaveBlocker,
      notify: (title, body) => {
        if (Notification.isSupported()) new Notification({ title, body }).show()
      },
    }),
  })
  registerIpc(topFrameOnly(ipcMain), backend.handlers, (url) => isTrustedFrameUrl(url, appUrl))
  forwardEvents(backend.bus, () => win?.webContents ?? null)

  win = new BrowserWindow(windowOptions(path.join(here, '../preload/index.cjs')))
  win.once('ready-to-show', () => win?.show())
  win.on('closed', () => (win = null))
  void win.loadURL(appUrl)
})

let quitting = false
app.on('before-quit', (e) => {
  if (quitting || !backend) return
  e.preventDefault()
  quitting = true
  void backend.close().finally(() => app.quit())
})
app.on('window-all-closed', () => app.quit())
