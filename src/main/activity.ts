/**
 * Desktop integration of run activity (Electron objects injected):
 * taskbar/dock progress (`setProgressBar`), a system notification when a run
 * ends while the window is unfocused, and a `powerSaveBlocker` held while any
 * run is active (released when none is).
 */
import type { RunSummary } from '../shared/schemas'

export interface ActivityDeps {
  window: () => { setProgressBar(p: number): void; isFocused(): boolean; isDestroyed(): boolean } | null
  powerSaveBlocker: { start(type: 'prevent-app-suspension'): number; stop(id: number): void }
  notify: (title: string, body: string) => void
}

export function createActivityHandler(d: ActivityDeps) {
  let blocker: number | null = null
  return (a: { active: number; fraction: number | null; ended?: RunSummary }) => {
    const win = d.window()
    if (a.active > 0 && blocker === null) blocker = d.powerSaveBlocker.start('prevent-app-suspension')
    if (a.active === 0 && blocker !== null) {
      d.powerSaveBlocker.stop(blocker)
      blocker = null
    }
    if (win && !win.isDestroyed()) win.setProgressBar(a.active > 0 && a.fraction !== null ? a.fraction : -1)
    if (a.ended && win && !win.isDestroyed() && !win.isFocused()) {
      const s = a.ended
      const what = s.status === 'finished' ? 'finished' : s.status === 'failed' ? 'failed' : s.status
      d.notify(`Run ${what}: ${s.name}`, `${s.done}/${s.total} architectures evaluated${s.error ? ` — ${s.error.message}` : ''}`)
    }
  }
}
