/**
 * Electron shell security and integration, asserted from the code that
 * creates the window / registers IPC / builds the preload bridge, with fake
 * Electron objects (the Electron binary is not available here).
 */
import fs from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { createActivityHandler } from '../../src/main/activity'
import { forwardEvents, registerIpc } from '../../src/main/ipc'
import { guardNavigation, hardenSession, isTrustedFrameUrl } from '../../src/main/security'
import { windowOptions } from '../../src/main/window-options'
import { buildBridge } from '../../src/preload/bridge'
import type { ServiceHandlers } from '../../src/shared/contract'
import { createEventBus } from '../../src/shared/local-transport'
import { IPC_EVENT_CHANNEL, METHOD_NAMES, ipcChannel } from '../../src/shared/methods'

const APP_URL = 'file:///opt/zsnas/resources/app/out/renderer/index.html'

describe('window options', () => {
  it('isolate and sandbox the renderer with no Node integration', () => {
    const o = windowOptions('/x/preload/index.cjs')
    expect(o.webPreferences).toMatchObject({
      preload: '/x/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
    expect(o.show).toBe(false)
  })
})

describe('frame trust, navigation and session hardening', () => {
  it('trusts only our own page', () => {
    expect(isTrustedFrameUrl(APP_URL, APP_URL)).toBe(true)
    expect(isTrustedFrameUrl(APP_URL + '#/runs', APP_URL)).toBe(true)
    expect(isTrustedFrameUrl('file:///tmp/evil.html', APP_URL)).toBe(false)
    expect(isTrustedFrameUrl('https://example.com/', APP_URL)).toBe(false)
    expect(isTrustedFrameUrl(undefined, APP_URL)).toBe(false)
    expect(isTrustedFrameUrl('http://localhost:5173/', 'http://localhost:5173/')).toBe(true)
    expect(isTrustedFrameUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false)
  })

  it('blocks navigation away and every new window; http(s) links go to the system browser', () => {
    const handlers: Record<string, (e: { preventDefault(): void }, url: string) => void> = {}
    let openHandler: (d: { url: string }) => { action: string } = () => ({ action: 'allow' })
    const external: string[] = []
    guardNavigation(
      { on: (ev, cb) => (handlers[ev] = cb), setWindowOpenHandler: (h) => (openHandler = h) },
      APP_URL,
      (u) => external.push(u),
    )
    const prevent = vi.fn()
    handlers['will-navigate']({ preventDefault: prevent }, 'https://evil.example/')
    handlers['will-redirect']({ preventDefault: prevent }, 'file:///etc/passwd')
    expect(prevent).toHaveBeenCalledTimes(2)
    const ok = vi.fn()
    handlers['will-navigate']({ preventDefault: ok }, APP_URL)
    expect(ok).not.toHaveBeenCalled()
    expect(openHandler({ url: 'https://arxiv.org/abs/1' })).toEqual({ action: 'deny' })
    expect(openHandler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(external).toEqual(['https://arxiv.org/abs/1'])
  })

  it('adds a strict CSP header to every response and denies permissions', () => {
    let onHeaders: any
    let perm: any
    hardenSession({ webRequest: { onHeadersReceived: (cb) => (onHeaders = cb) }, setPermissionRequestHandler: (h) => (perm = h) })
    let out: any
    onHeaders({ responseHeaders: { 'X-A': ['1'] } }, (r: any) => (out = r))
    const csp: string = out.responseHeaders['Content-Security-Policy'][0]
    expect(out.responseHeaders['X-A']).toEqual(['1'])
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'")
    expect(csp).not.toMatch(/(^|\s)'unsafe-eval'/)
    expect(csp).toContain("object-src 'none'")
    const cb = vi.fn()
    perm(null, 'media', cb)
    expect(cb).toHaveBeenCalledWith(false)
  })
})

describe('IPC', () => {
  function fakeIpcMain() {
    const map = new Map<string, (event: any, ...args: unknown[]) => Promise<unknown>>()
    return { map, handle: (c: string, fn: any) => map.set(c, fn), removeHandler: (c: string) => map.delete(c) }
  }
  const handlers = Object.fromEntries(METHOD_NAMES.map((m) => [m, () => (m === 'runs.list' ? [] : null)])) as unknown as ServiceHandlers

  it('registers one validated handler per contract method, refuses foreign frames and malformed payloads with typed errors', async () => {
    const ipc = fakeIpcMain()
    const unregister = registerIpc(ipc, handlers, (u) => isTrustedFrameUrl(u, APP_URL))
    expect([...ipc.map.keys()].sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort())
    const own = { senderFrame: { url: APP_URL } }
    expect(await ipc.map.get(ipcChannel('runs.list'))!(own)).toEqual({ ok: true, value: [] })
    expect(await ipc.map.get(ipcChannel('runs.list'))!({ senderFrame: { url: 'https://evil.example/' } })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    })
    expect(await ipc.map.get(ipcChannel('runs.list'))!({ senderFrame: null })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    expect(await ipc.map.get(ipcChannel('runs.get'))!(own, { id: 1 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    expect(await ipc.map.get(ipcChannel('runs.start'))!(own, { space: 'nb201' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    unregister()
    expect(ipc.map.size).toBe(0)
  })

  it('forwards backend events on the single event channel', () => {
    const bus = createEventBus()
    const sent: unknown[] = []
    const off = forwardEvents(bus, () => ({ isDestroyed: () => false, send: (c, m) => sent.push([c, m]) }))
    bus.emit('run.log', { runId: 'r', entry: { time: 't', level: 'info', message: 'm' } })
    off()
    bus.emit('run.log', {})
    expect(sent).toEqual([[IPC_EVENT_CHANNEL, { event: 'run.log', payload: { runId: 'r', entry: { time: 't', level: 'info', message: 'm' } } }]])
  })
})

describe('preload bridge', () => {
  it('exposes exactly the contract methods (one channel each) plus onEvent — no generic invoke', async () => {
    const calls: unknown[][] = []
    const listeners = new Map<string, Set<(e: unknown, m: unknown) => void>>()
    const bridge = buildBridge({
      invoke: async (c, ...a) => (calls.push([c, ...a]), 'ok'),
      on: (c, l) => (listeners.get(c) ?? listeners.set(c, new Set()).get(c)!).add(l),
      removeListener: (c, l) => listeners.get(c)?.delete(l),
    }) as any
    const exposed: string[] = []
    for (const [g, v] of Object.entries(bridge)) {
      if (typeof v === 'function') exposed.push(g)
      else for (const n of Object.keys(v as object)) exposed.push(`${g}.${n}`)
    }
    expect(exposed.sort()).toEqual([...METHOD_NAMES, 'onEvent'].sort())
    for (const m of METHOD_NAMES) {
      const [g, n] = m.split('.')
      await bridge[g][n]('a', 1)
      expect(calls.at(-1)).toEqual([ipcChannel(m), 'a', 1])
    }
    const got: unknown[] = []
    const off = bridge.onEvent((e: string, p: unknown) => got.push([e, p]))
    for (const l of listeners.get(IPC_EVENT_CHANNEL)!) l({}, { event: 'run.best', payload: 1 })
    off()
    expect(listeners.get(IPC_EVENT_CHANNEL)!.size).toBe(0)
    expect(got).toEqual([['run.best', 1]])
  })

  it('the preload and the method list import nothing but electron and each other (sandbox-safe)', () => {
    const imports = (f: string) => [...fs.readFileSync(f, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1])
    expect(imports('src/preload/index.ts').sort()).toEqual(['../shared/methods', './bridge', 'electron'])
    expect(imports('src/preload/bridge.ts')).toEqual(['../shared/methods'])
    expect(imports('src/shared/methods.ts')).toEqual([])
  })
})

describe('desktop activity', () => {
  it('holds a power-save blocker while runs are active, shows taskbar progress, notifies when unfocused', () => {
    const progress: number[] = []
    let focused = true
    const started: string[] = []
    const stopped: number[] = []
    const notes: string[] = []
    const on = createActivityHandler({
      window: () => ({ setProgressBar: (p) => progress.push(p), isFocused: () => focused, isDestroyed: () => false }),
      powerSaveBlocker: { start: (t) => (started.push(t), 7), stop: (id) => stopped.push(id) },
      notify: (t, b) => notes.push(`${t} | ${b}`),
    })
    on({ active: 1, fraction: 0 })
    on({ active: 1, fraction: 0.5 })
    expect(started).toEqual(['prevent-app-suspension'])
    const summary = { name: 'demo', status: 'finished', done: 6, total: 6, error: null } as any
    on({ active: 0, fraction: null, ended: summary })
    expect(stopped).toEqual([7])
    expect(progress).toEqual([0, 0.5, -1])
    expect(notes).toEqual([]) // focused: no notification
    focused = false
    on({ active: 0, fraction: null, ended: summary })
    expect(notes).toEqual(['Run finished: demo | 6/6 architectures evaluated'])
  })
})
