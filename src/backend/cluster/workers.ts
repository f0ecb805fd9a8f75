/**
 * The live list of connected workers. Each `zsnas worker` writes one key
 * `zsnas:workers:<id>` (JSON `WorkerInfo`) every heartbeat with a time to
 * live of three heartbeats, so a worker that dies (kill -9, lost machine)
 * leaves the list within 3 heartbeats and one that reconnects after a Redis
 * restart reappears at its next heartbeat. Listing never blocks on a worker.
 */
import type { Redis } from 'ioredis'
import { ClusterWorkerSchema, type ClusterWorker } from '../../shared/schemas'
import { KEY_PREFIX } from './protocol'

/** One worker's entry: the contract's `ClusterWorkerSchema` (the app shows it as is). */
export const WorkerInfoSchema = ClusterWorkerSchema
export type WorkerInfo = ClusterWorker

export const workerKey = (id: string): string => `${KEY_PREFIX}:workers:${id}`

/** Writes (refreshes) a worker's entry; it expires after `ttlMs` unless refreshed. */
export async function publishWorker(redis: Redis, info: WorkerInfo, ttlMs: number): Promise<void> {
  await redis.set(workerKey(info.id), JSON.stringify(info), 'PX', ttlMs)
}

export async function unpublishWorker(redis: Redis, id: string): Promise<void> {
  await redis.del(workerKey(id))
}

/** Every worker whose entry has not expired, sorted by host then id; malformed entries are skipped. */
export async function listWorkers(redis: Redis): Promise<WorkerInfo[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', workerKey('*'), 'COUNT', 200)
    cursor = next
    keys.push(...batch)
  } while (cursor !== '0')
  if (keys.length === 0) return []
  const values = await redis.mget(...keys)
  const out: WorkerInfo[] = []
  for (const v of values) {
    if (v === null) continue
    try {
      const parsed = WorkerInfoSchema.safeParse(JSON.parse(v))
      if (parsed.success) out.push(parsed.data)
    } catch {
      // a malformed entry is not a worker
    }
  }
  return out.sort((a, b) => a.host.localeCompare(b.host) || a.id.localeCompare(b.id))
}
