/**
 * Redis connection options from a URL plus the security flags, shared by the
 * scorer, the worker and the app's worker list.
 *
 *   redis://[[user]:password@]host[:port][/db]     plain TCP
 *   rediss://…                                     TLS (server certificate verified)
 *
 * The password may come from the URL, from `passwordFile` (first line) or
 * from the environment variable ZSNAS_REDIS_PASSWORD (in that order of
 * precedence: file, URL, env) so it need not appear in `ps`. TLS: `tlsCa`
 * (PEM file of the CA to trust), `tlsInsecure` (skip verification; tests and
 * self-signed lab setups only). Bad input is INVALID_OPTION naming the flag.
 *
 * Connections never give up: ioredis reconnects with a capped back-off
 * (≤ 2 s) and commands wait (maxRetriesPerRequest: null), so a Redis restart
 * pauses a run instead of failing it.
 */
import fs from 'node:fs'
import type { RedisOptions } from 'bullmq'
import { ZsnasError } from '../../engine/core/errors'

export interface RedisSecurity {
  passwordFile?: string
  tlsCa?: string
  tlsInsecure?: boolean
}

/** The URL with its password masked (for logs, errors and the app). */
export function maskRedisUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, (_m, user: string) => `//${user}:***@`)
}

export function redisOptions(url: string, sec: RedisSecurity = {}): RedisOptions {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new ZsnasError('INVALID_OPTION', `--redis '${maskRedisUrl(url)}' is not a URL; expected redis://[:password@]host[:port][/db] or rediss://… for TLS`)
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new ZsnasError('INVALID_OPTION', `--redis '${maskRedisUrl(url)}': scheme '${u.protocol}' is not supported; expected redis:// or rediss:// (TLS)`)
  }
  if (!u.hostname) throw new ZsnasError('INVALID_OPTION', `--redis '${maskRedisUrl(url)}' names no host`)
  const port = u.port === '' ? 6379 : Number(u.port)
  const dbPath = u.pathname.replace(/^\//, '')
  const db = dbPath === '' ? 0 : Number(dbPath)
  if (!Number.isInteger(db) || db < 0 || db > 15) throw new ZsnasError('INVALID_OPTION', `--redis '${maskRedisUrl(url)}': database '${dbPath}' must be an integer 0..15`)
  let password = u.password ? decodeURIComponent(u.password) : process.env.ZSNAS_REDIS_PASSWORD || undefined
  if (sec.passwordFile) {
    try {
      password = fs.readFileSync(sec.passwordFile, 'utf8').split(/\r?\n/)[0]
    } catch (e) {
      throw new ZsnasError('FILE_UNREADABLE', `--redis-password-file ${sec.passwordFile}: ${(e as Error).message}`, { path: sec.passwordFile })
    }
  }
  const opts: RedisOptions = {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  }
  if (u.username) opts.username = decodeURIComponent(u.username)
  if (password) opts.password = password
  if (u.protocol === 'rediss:' || sec.tlsCa || sec.tlsInsecure) {
    let ca: Buffer | undefined
    if (sec.tlsCa) {
      try {
        ca = fs.readFileSync(sec.tlsCa)
      } catch (e) {
        throw new ZsnasError('FILE_UNREADABLE', `--redis-tls-ca ${sec.tlsCa}: ${(e as Error).message}`, { path: sec.tlsCa })
      }
    }
    opts.tls = { ...(ca ? { ca } : {}), rejectUnauthorized: sec.tlsInsecure !== true, servername: opts.host }
  }
  return opts
}
