/**
 * Child side of the worker channel: picks the Electron utility-process
 * `process.parentPort` (payload in `e.data`; Electron ends utility processes
 * with the app) or Node's fork IPC (`process.send`; the worker exits when the
 * channel disconnects, i.e. when the supervisor dies).
 */
export interface ParentChannel {
  post(msg: unknown): void
  onMessage(cb: (msg: unknown) => void): void
}

export function parentChannel(): ParentChannel {
  const pp = (process as unknown as { parentPort?: { postMessage(m: unknown): void; on(ev: 'message', cb: (e: { data: unknown }) => void): void } }).parentPort
  if (pp) {
    return { post: (m) => pp.postMessage(m), onMessage: (cb) => pp.on('message', (e) => cb(e.data)) }
  }
  if (typeof process.send === 'function') {
    // an orphaned worker (supervisor killed) must not linger: exit when the IPC channel closes
    process.on('disconnect', () => process.exit(0))
    return {
      post: (m) => process.send!(m),
      onMessage: (cb) => process.on('message', (m) => cb(m)),
    }
  }
  throw new Error('score worker started without a parent channel (needs utilityProcess or child_process.fork)')
}
