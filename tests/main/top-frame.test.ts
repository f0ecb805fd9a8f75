/**
 * IPC sender check (src/main/security.ts): only the window's top frame may call
 * the backend; a subframe (even on the app's own origin) gets UNAUTHORIZED and
 * the handler never runs.
 */
import { describe, expect, it, vi } from 'vitest'
import { isTopFrame, topFrameOnly } from '../../src/main/security'

type Ev = { senderFrame?: unknown; sender?: { mainFrame?: unknown } | null }

describe('top-frame IPC check', () => {
  const main = { url: 'app://zsnas/index.html' }
  const sub = { url: 'app://zsnas/index.html' }

  it('isTopFrame is true only for the sender’s main frame', () => {
    expect(isTopFrame({ senderFrame: main, sender: { mainFrame: main } })).toBe(true)
    expect(isTopFrame({ senderFrame: sub, sender: { mainFrame: main } })).toBe(false)
    expect(isTopFrame({ senderFrame: null, sender: { mainFrame: main } })).toBe(false)
    expect(isTopFrame({ senderFrame: main })).toBe(false)
    expect(isTopFrame({ senderFrame: undefined, sender: { mainFrame: undefined } })).toBe(false)
  })

  it('topFrameOnly refuses subframes before the handler runs', async () => {
    const handlers = new Map<string, (e: Ev, ...a: unknown[]) => Promise<unknown>>()
    const removed: string[] = []
    const wrapped = topFrameOnly<Ev>({ handle: (c, fn) => handlers.set(c, fn), removeHandler: (c) => removed.push(c) })
    const fn = vi.fn(async (_e: Ev, x: unknown) => ({ ok: true, value: x }))
    wrapped.handle('zsnas:runs.list', fn)
    const call = handlers.get('zsnas:runs.list')!
    expect(await call({ senderFrame: main, sender: { mainFrame: main } }, 7)).toEqual({ ok: true, value: 7 })
    const refused = (await call({ senderFrame: sub, sender: { mainFrame: main } }, 8)) as { ok: boolean; error: { code: string } }
    expect(refused.ok).toBe(false)
    expect(refused.error.code).toBe('UNAUTHORIZED')
    expect(fn).toHaveBeenCalledTimes(1)
    wrapped.removeHandler('zsnas:runs.list')
    expect(removed).toEqual(['zsnas:runs.list'])
  })
})
