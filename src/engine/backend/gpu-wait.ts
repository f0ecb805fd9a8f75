/**
 * Waiting for the GPU without burning a CPU core (issue #17).
 *
 * Dawn's Node binding (the `webgpu` package) drives its asynchronous work —
 * `mapAsync`, which every tfjs webgpu read ends in — by re-scheduling an
 * event pump with the global `setImmediate` for as long as anything is
 * pending: the main thread spins at 100 % of a core for the whole time the GPU
 * works. On a software adapter (SwiftShader: the "GPU" is the same CPU cores)
 * that spinning takes half of a 2-core machine from the work itself; on a
 * hardware GPU it still burns a core per scoring process.
 *
 * Guarantee: while at least one `waitForGpu` is pending, in Node, the global
 * `setImmediate` defers its callback by `GPU_POLL_MS` (a timer) instead of
 * running it on the next turn; when the last pending wait settles (resolved or
 * rejected) the original `setImmediate` is back. Values, their order and errors
 * are untouched — only the pump's cadence changes (each read may finish up to
 * ≈ GPU_POLL_MS later). Browsers (Electron's GPU window) have no
 * `setImmediate` and their own event loop: nothing is changed there.
 */

/** Poll period of Dawn's event pump while the engine waits for the GPU (ms). */
export const GPU_POLL_MS = 1

type Immediate = (fn: (...args: unknown[]) => void, ...args: unknown[]) => unknown
type Host = { setImmediate?: Immediate; setTimeout: (fn: (...args: unknown[]) => void, ms: number, ...args: unknown[]) => unknown }

let pending = 0
let original: Immediate | undefined

function throttled(fn: (...args: unknown[]) => void, ...args: unknown[]): unknown {
  return (globalThis as unknown as Host).setTimeout(fn, GPU_POLL_MS, ...args)
}

/** True while a wait is pending and the global `setImmediate` is the throttled one. */
export function gpuPumpThrottled(): boolean {
  return pending > 0 && original !== undefined
}

/** Runs `read` (a promise on GPU results) with Dawn's event pump throttled (see the module comment). */
export async function waitForGpu<T>(read: () => Promise<T>): Promise<T> {
  const host = globalThis as unknown as Host
  if (typeof host.setImmediate !== 'function') return read()
  if (pending === 0) {
    original = host.setImmediate
    host.setImmediate = throttled
  }
  pending++
  try {
    return await read()
  } finally {
    pending--
    if (pending === 0 && original !== undefined) {
      host.setImmediate = original
      original = undefined
    }
  }
}
