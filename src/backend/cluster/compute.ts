/**
 * The app's "Compute" setting (this machine | Redis cluster URL) and its
 * contract handlers (`compute.get`, `compute.set`, `compute.workers`).
 *
 * Guarantees:
 *  - the setting is kept in `<data folder>/compute.json` (mode 0600: the URL
 *    may hold a password) and read back at start; a missing or malformed file
 *    means "this machine" — nothing needs Redis unless asked;
 *  - `compute.set` validates the URL (INVALID_OPTION naming what is wrong)
 *    before saving; the password never leaves the backend (`get` masks it);
 *  - the setting applies to runs started or resumed afterwards; a run keeps
 *    the scorer it started with;
 *  - on the cluster a run's job ids are keyed by its run id, so resuming it
 *    reuses results already in Redis.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { RunConfig } from '../../shared/schemas'
import { ComputeSettingSchema, type ComputeInfo, type ComputeSetting, type ClusterWorker } from '../../shared/schemas'
import type { ServiceHandlers } from '../../shared/contract'
import { ZsnasError } from '../../engine/core/errors'
import type { ScoreRequest } from '../../engine/score/score'
import type { Scorer } from '../scorer'
import { maskRedisUrl, redisOptions } from './connection'
import { fetchWorkers, openClusterScorer } from './open'

export class ComputeService {
  private setting: ComputeSetting = { mode: 'local' }
  private readonly file: string

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'compute.json')
    try {
      const parsed = ComputeSettingSchema.safeParse(JSON.parse(fs.readFileSync(this.file, 'utf8')))
      if (parsed.success) this.setting = parsed.data
    } catch {
      // no saved setting: this machine
    }
  }

  get(): ComputeInfo {
    const s = this.setting
    return s.mode === 'local' ? { mode: 'local', url: null, tlsInsecure: false } : { mode: 'redis', url: maskRedisUrl(s.url), tlsInsecure: s.tlsInsecure === true }
  }

  set(s: ComputeSetting): ComputeInfo {
    if (s.mode === 'redis') redisOptions(s.url, { tlsInsecure: s.tlsInsecure }) // throws INVALID_OPTION naming the problem
    this.setting = s
    fs.writeFileSync(`${this.file}.tmp`, `${JSON.stringify(s)}\n`, { mode: 0o600 })
    fs.renameSync(`${this.file}.tmp`, this.file)
    return this.get()
  }

  async workers(): Promise<ClusterWorker[]> {
    const s = this.setting
    if (s.mode === 'local') return []
    try {
      return await fetchWorkers(redisOptions(s.url, { tlsInsecure: s.tlsInsecure }))
    } catch (e) {
      throw new ZsnasError('BACKEND_UNAVAILABLE', `Redis at ${maskRedisUrl(s.url)} does not answer (${(e as Error).message}); check the URL and that redis-server runs`)
    }
  }

  /** The run's scorer on the cluster, or null on this machine (the run manager's own pool). */
  async scorerFor(runId: string, config: RunConfig, request: Omit<ScoreRequest, 'arch' | 'seed'>, log: (line: string) => void): Promise<Scorer | null> {
    const s = this.setting
    if (s.mode === 'local') return null
    return openClusterScorer({
      url: maskRedisUrl(s.url), connection: redisOptions(s.url, { tlsInsecure: s.tlsInsecure }), config, request,
      // the app stores the local default in `workers`: in flight = the connected workers' processes, at least that
      size: null, minSize: config.workers ?? 1, runKey: runId, log,
    })
  }
}

export function computeHandlers(c: ComputeService): Pick<ServiceHandlers, 'compute.get' | 'compute.set' | 'compute.workers'> {
  return {
    'compute.get': () => c.get(),
    'compute.set': (s) => c.set(s),
    'compute.workers': () => c.workers(),
  }
}
