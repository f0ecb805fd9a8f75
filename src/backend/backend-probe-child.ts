/**
 * One backend probe (see backend-status.ts): `node backend-probe-child.(ts|js) <backend|auto>`.
 * Initialises the backend through the engine's `initBackend` (forced, or automatic for 'auto'), checks one
 * small computation read back asynchronously ([1,2] + [3,4] = [4,6]), prints ONE line `ZSNAS_PROBE {json}`
 * (a `ProbeAnswer`) on stdout and exits 0. A native crash ends the process without that line; the parent
 * reports it.
 */
import * as tf from '@tensorflow/tfjs-core'
import { initBackend, type InitBackendOptions } from '../engine/backend/select'
import { PROBE_MARKER, type ProbeAnswer } from './backend-status'

async function probe(target: string): Promise<ProbeAnswer> {
  const opts: InitBackendOptions = { log: () => {} }
  if (target !== 'auto') opts.force = target as InitBackendOptions['force']
  try {
    const info = await initBackend(opts)
    const { name, tried, ...rest } = info as unknown as { name: string; tried: ProbeAnswer['tried'] } & Record<string, unknown>
    const sum = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4]))
    const got = Array.from(await sum.data())
    if (got.length !== 2 || got[0] !== 4 || got[1] !== 6) {
      return { backend: target, ok: false, name, tried: [{ name, error: `initialised, but [1,2]+[3,4] gave [${got.join(',')}] (expected [4,6])` }] }
    }
    return { backend: target, ok: true, name, tried, ...(Object.keys(rest).length > 0 ? { info: rest } : {}) }
  } catch (e) {
    const details = (e as { details?: { tried?: ProbeAnswer['tried'] } }).details
    const message = e instanceof Error ? e.message : String(e)
    return { backend: target, ok: false, tried: details?.tried ?? [], error: message.split('\n')[0] }
  }
}

const target = process.argv[2] ?? 'auto'
const answer = await probe(target)
process.stdout.write(`${PROBE_MARKER}${JSON.stringify(answer)}\n`, () => process.exit(0))
