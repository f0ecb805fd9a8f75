/**
 * `zsnas worker --redis URL [--concurrency N] [--data-root DIR]`: a
 * long-lived cluster worker (src/backend/cluster/worker.ts). It scores the
 * jobs of any run submitted with `zsnas search --redis URL` or the app's
 * "Redis cluster" compute setting, in N local scoring processes, and runs
 * until Ctrl-C / SIGTERM (running jobs finish first; a second signal stops
 * at once — BullMQ then hands the unfinished jobs to another worker after the
 * stalled interval). One line per job on stderr.
 */
import path from 'node:path'
import type { CliCommand } from './commands'
import type { CliIO } from './io'
import { CliUsageError, intFlag, parseFlags } from './args'
import { maskRedisUrl, redisOptions, type RedisSecurity } from '../backend/cluster/connection'
import { startClusterWorker } from '../backend/cluster/worker'
import type { RedisOptions } from 'bullmq'
import { ZsnasError } from '../engine/core/errors'
import fs from 'node:fs'

/** The Redis flags `zsnas worker` and `zsnas search` share. */
export const REDIS_FLAGS = {
  redis: { type: 'string' }, 'redis-password-file': { type: 'string' }, 'redis-tls-ca': { type: 'string' }, 'redis-tls-insecure': { type: 'boolean' },
} as const

export const REDIS_USAGE = `  --redis URL         redis://[user:password@]host[:port][/db], rediss://… for TLS
  --redis-password-file F   Redis password from the first line of F (or env ZSNAS_REDIS_PASSWORD)
  --redis-tls-ca F    PEM CA certificate to trust for rediss://      --redis-tls-insecure   skip TLS verification`

type Values = Record<string, string | boolean | undefined>
const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

/** Connection options from the Redis flags, or null without --redis (INVALID_OPTION / CliUsageError on bad values). */
export function readRedisFlags(values: Values): { url: string; connection: RedisOptions } | null {
  const url = str(values.redis)
  const sec: RedisSecurity = {
    passwordFile: str(values['redis-password-file']), tlsCa: str(values['redis-tls-ca']), tlsInsecure: values['redis-tls-insecure'] === true,
  }
  if (url === undefined) {
    if (sec.passwordFile || sec.tlsCa || sec.tlsInsecure) throw new CliUsageError('--redis-password-file/--redis-tls-* need --redis URL')
    return null
  }
  return { url: maskRedisUrl(url), connection: redisOptions(url, sec) }
}

export const workerCommand: CliCommand = {
  name: 'worker',
  summary: 'cluster worker: score jobs from a Redis queue (zsnas search --redis / the app) in local processes',
  usage: `zsnas worker --redis URL [options]
${REDIS_USAGE}
  --concurrency N     jobs scored at once, one scoring process each (default 1)
  --data-root DIR     folder holding this machine's datasets; a job's dataset is found by content hash
                      (its own path first, then DIR/<name>, then every entry of DIR)
  --name NAME         name shown in results and the app's worker list (default: the host name)
  --lock-ms MS        BullMQ job lock (default 30000)      --stalled-ms MS   stalled-job check interval (default 30000)
                      a worker that dies mid-job has its job retried elsewhere after about lock + stalled ms`,
  run: (argv, io) => workerMain(argv, io),
}

const FLAGS = {
  ...REDIS_FLAGS, concurrency: { type: 'string' }, 'data-root': { type: 'string' }, name: { type: 'string' },
  'lock-ms': { type: 'string' }, 'stalled-ms': { type: 'string' },
} as const

/** Runs until `signal` aborts or SIGINT/SIGTERM; exit code 0 after a clean stop. */
export async function workerMain(argv: string[], io: CliIO, signal?: AbortSignal): Promise<number> {
  const { values } = parseFlags(argv, FLAGS, 'worker')
  const redis = readRedisFlags(values as Values)
  if (!redis) throw new CliUsageError('worker: --redis URL is required (e.g. --redis redis://127.0.0.1:6379)')
  const concurrency = intFlag(str(values.concurrency), 'concurrency', 1, 1, 256)
  const lockMs = intFlag(str(values['lock-ms']), 'lock-ms', 30_000, 200, 3_600_000)
  const stalledMs = intFlag(str(values['stalled-ms']), 'stalled-ms', 30_000, 100, 3_600_000)
  const rawRoot = str(values['data-root'])
  let dataRoot: string | null = null
  if (rawRoot !== undefined) {
    dataRoot = path.resolve(rawRoot)
    let ok = false
    try {
      ok = fs.statSync(dataRoot).isDirectory()
    } catch {
      ok = false
    }
    if (!ok) throw new ZsnasError('FILE_NOT_FOUND', `--data-root ${rawRoot}: not a folder; expected the folder holding this machine's datasets`, { path: rawRoot })
  }
  const log = (line: string): void => io.err(`${new Date().toISOString()} ${line}\n`)
  const worker = await startClusterWorker({
    connection: redis.connection, concurrency, dataRoot, lockMs, stalledMs, log,
    ...(str(values.name) ? { hostname: str(values.name) } : {}),
  })
  log(`listening on ${redis.url}`)
  await new Promise<void>((resolve) => {
    let stops = 0
    const stop = (): void => {
      stops++
      log(stops === 1 ? 'stopping: running jobs finish first (signal again to stop now)' : 'stopping now')
      void worker.close(stops > 1).then(resolve)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
    signal?.addEventListener('abort', stop)
    if (signal?.aborted) stop()
  })
  log(`stopped after ${worker.info().done} jobs`)
  return 0
}
