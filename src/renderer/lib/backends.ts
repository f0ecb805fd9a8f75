/**
 * Wording of the tfjs backend facts in the app (run header, ⚙ Compute): pure, tested in
 * tests/renderer/backends-display.test.ts.
 */
import type { BackendsInfo, GpuAdapter } from '../../shared/schemas'

/** "nvidia hopper · NVIDIA H100 80GB HBM3 · hardware" / "google swiftshader · SwiftShader driver 5.0.0 · software". */
export function adapterText(a: GpuAdapter): string {
  const name = [a.vendor, a.architecture].filter((s) => s !== '').join(' ') || 'unknown adapter'
  const what = a.description || a.device
  return [name, what, a.isSoftware ? 'software' : 'hardware'].filter((s) => s !== '').join(' · ')
}

const WORKERS: Record<BackendsInfo['inUse']['workers'], string> = {
  'gpu-window': 'GPU windows (Electron WebGPU)',
  'utility-process': 'utility processes',
  process: 'worker processes',
}

/** How the scoring workers run, in words. */
export function workersText(w: BackendsInfo['inUse']['workers']): string {
  return WORKERS[w]
}

/** The rows of the backends NOT in use, each "backend: reason (fix: hint)". */
export function notInUse(info: BackendsInfo): { backend: string; text: string }[] {
  return info.backends
    .filter((b) => !b.inUse)
    .map((b) => ({ backend: b.backend, text: `${b.reason ?? (b.available ? 'available, not chosen' : 'not available')}${b.hint ? ` (fix: ${b.hint})` : ''}` }))
}
