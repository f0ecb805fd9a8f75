import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { withTableCache, writeAtomic, cacheEntryPath } from '../../../src/engine/benchmarks/cache'
import type { TableData } from '../../../src/engine/benchmarks/table'

const tmp = mkdtempSync(join(tmpdir(), 'zsnas-cache-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('table index cache', () => {
  const src = join(tmp, 'table.csv')
  const cacheDir = join(tmp, 'cache')
  let builds = 0
  const build = (): TableData => {
    builds++
    return { space: 's', metrics: ['m'], keys: ['k'], values: [[builds]] }
  }
  it('builds once, then serves the cache while size, mtime and head bytes are unchanged', () => {
    writeFileSync(src, 'a,b\n1,2\n')
    const a = withTableCache(src, cacheDir, 't', { x: 1 }, build)
    expect(a.fromCache).toBe(false)
    const b = withTableCache(src, cacheDir, 't', { x: 1 }, build)
    expect(b.fromCache).toBe(true)
    expect(b.data.values[0][0]).toBe(1)
    expect(builds).toBe(1)
    // other options → another entry
    expect(withTableCache(src, cacheDir, 't', { x: 2 }, build).fromCache).toBe(false)
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.json'))).toHaveLength(2)
  })
  it('rebuilds when the file changes size, or mtime, or content with the same size and mtime', () => {
    const before = builds
    const T = new Date(1_700_000_000_000)
    writeFileSync(src, 'a,b\n1,2\n3,4\n') // size changes
    utimesSync(src, T, T)
    expect(withTableCache(src, cacheDir, 't', { x: 1 }, build).fromCache).toBe(false)
    writeFileSync(src, 'a,b\n1,2\n3,5\n') // same size, new content, same mtime
    utimesSync(src, T, T)
    expect(statSync(src).mtimeMs).toBe(T.getTime())
    expect(withTableCache(src, cacheDir, 't', { x: 1 }, build).fromCache).toBe(false)
    utimesSync(src, T, new Date(T.getTime() + 5000)) // only mtime changes
    expect(withTableCache(src, cacheDir, 't', { x: 1 }, build).fromCache).toBe(false)
    expect(withTableCache(src, cacheDir, 't', { x: 1 }, build).fromCache).toBe(true)
    expect(builds - before).toBe(3)
  })
  it('a corrupt cache entry is ignored and replaced', () => {
    const entry = cacheEntryPath(cacheDir, src, 't', { x: 1 })
    writeFileSync(entry, '{"version": 1, "fingerprint": ')
    const r = withTableCache(src, cacheDir, 't', { x: 1 }, build)
    expect(r.fromCache).toBe(false)
    expect(withTableCache(src, cacheDir, 't', { x: 1 }, build).fromCache).toBe(true)
  })
  it('writeAtomic leaves no temp file behind, also when the target cannot be written', () => {
    expect(writeAtomic(join(tmp, 'w', 'x.json'), '{}')).toBe(true)
    expect(readdirSync(join(tmp, 'w'))).toEqual(['x.json'])
    writeFileSync(join(tmp, 'blocker'), 'a file, not a folder')
    expect(writeAtomic(join(tmp, 'blocker', 'x.json'), '{}')).toBe(false)
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
  it('without a cache folder it just builds', () => {
    const before = builds
    expect(withTableCache(src, undefined, 't', {}, build).fromCache).toBe(false)
    expect(builds - before).toBe(1)
  })
})
