/**
 * Job ids and the small pure parts of the cluster: the id is a function of
 * (run, index, arch, proxies, options, seed, dataset content) only — key
 * order and dataset paths do not change it, each of those fields does;
 * Redis URLs with password/TLS; the worker's failure reasons read back as
 * typed errors.
 */
import { describe, expect, it } from 'vitest'
import { canonicalJson, clusterJobId } from '../../../src/backend/cluster/job-id'
import { maskRedisUrl, redisOptions } from '../../../src/backend/cluster/connection'
import { failureToError } from '../../../src/backend/cluster/cluster-scorer'
import type { ScoreRequest } from '../../../src/engine/score/score'

const H = 'a'.repeat(64)
const req: ScoreRequest = {
  space: 'nb201', arch: '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|', proxies: ['naswot'],
  dataset: { kind: 'cifar10', path: '/data/a.bin' }, batchSize: 8, seed: 5, init: 'pytorch',
}

describe('clusterJobId', () => {
  it('is deterministic, keeps the index in clear, and never contains ":"', () => {
    const id = clusterJobId('run1', 12, req, { sha256: H })
    expect(id).toMatch(/^e12-[0-9a-f]{40}$/)
    expect(clusterJobId('run1', 12, { ...req }, { sha256: H })).toBe(id)
  })

  it('ignores key order and the dataset path (content hash stands for it)', () => {
    const reordered = JSON.parse(JSON.stringify({ seed: 5, init: 'pytorch', batchSize: 8, proxies: ['naswot'], dataset: req.dataset, arch: req.arch, space: 'nb201' }))
    expect(clusterJobId('run1', 12, reordered, { sha256: H })).toBe(clusterJobId('run1', 12, req, { sha256: H }))
    expect(clusterJobId('run1', 12, { ...req, dataset: { kind: 'cifar10', path: '/elsewhere/b.bin' } }, { sha256: H })).toBe(clusterJobId('run1', 12, req, { sha256: H }))
  })

  it('changes with each of run, index, arch, proxies, options, seed and dataset content', () => {
    const base = clusterJobId('run1', 12, req, { sha256: H })
    const variants = [
      clusterJobId('run2', 12, req, { sha256: H }),
      clusterJobId('run1', 13, req, { sha256: H }),
      clusterJobId('run1', 12, { ...req, arch: '|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|' }, { sha256: H }),
      clusterJobId('run1', 12, { ...req, proxies: ['synflow'] }, { sha256: H }),
      clusterJobId('run1', 12, { ...req, batchSize: 16 }, { sha256: H }),
      clusterJobId('run1', 12, { ...req, mode: 'reference' }, { sha256: H }),
      clusterJobId('run1', 12, { ...req, seed: 6 }, { sha256: H }),
      clusterJobId('run1', 12, req, { sha256: 'b'.repeat(64) }),
      clusterJobId('run1', 12, { ...req, dataset: { kind: 'cifar100', path: '/data/a.bin' } }, { sha256: H }),
    ]
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1)
  })

  it('canonicalJson sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}')
  })
})

describe('redisOptions', () => {
  it('reads host, port, db, user and password; rediss:// turns TLS on with verification', () => {
    const o = redisOptions('redis://lab:s%40cret@10.0.0.5:6380/2')
    expect(o).toMatchObject({ host: '10.0.0.5', port: 6380, db: 2, username: 'lab', password: 's@cret', maxRetriesPerRequest: null })
    expect(o.tls).toBeUndefined()
    expect(redisOptions('rediss://h').tls).toMatchObject({ rejectUnauthorized: true, servername: 'h' })
    expect(redisOptions('rediss://h', { tlsInsecure: true }).tls).toMatchObject({ rejectUnauthorized: false })
    expect(redisOptions('redis://h').port).toBe(6379)
  })

  it('refuses other schemes, a bad db and unreadable files with INVALID_OPTION / FILE_UNREADABLE naming the flag', () => {
    expect(() => redisOptions('http://h:1')).toThrow(/--redis .*scheme 'http:'.*redis:\/\/ or rediss:\/\//)
    expect(() => redisOptions('redis://h/99')).toThrow(/database '99' must be an integer 0\.\.15/)
    expect(() => redisOptions('not a url')).toThrow(/is not a URL/)
    expect(() => redisOptions('redis://h', { passwordFile: '/nonexistent/pw' })).toThrow(/--redis-password-file \/nonexistent\/pw/)
    expect(() => redisOptions('redis://h', { tlsCa: '/nonexistent/ca.pem' })).toThrow(/--redis-tls-ca \/nonexistent\/ca\.pem/)
  })

  it('masks the password in anything it prints', () => {
    expect(maskRedisUrl('redis://lab:secret@h:1/0')).toBe('redis://lab:***@h:1/0')
    expect(maskRedisUrl('redis://:secret@h')).toBe('redis://:***@h')
    expect(() => redisOptions('ftp://:secret@h')).toThrow(/^(?!.*secret)/)
  })
})

describe('failureToError', () => {
  it('reads back CODE: message, a double stall as WORKER_CRASHED, anything else as INTERNAL', () => {
    expect(failureToError('BAD_CHECKSUM: worker x: no dataset')).toEqual({ code: 'BAD_CHECKSUM', message: 'worker x: no dataset' })
    expect(failureToError('job stalled more than allowable limit').code).toBe('WORKER_CRASHED')
    expect(failureToError('NOT_A_CODE: x')).toEqual({ code: 'INTERNAL', message: 'NOT_A_CODE: x' })
    expect(failureToError(undefined).code).toBe('INTERNAL')
  })
})
