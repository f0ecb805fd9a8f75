/**
 * src/backend/path-policy.ts on a real folder tree: containment as written and
 * after symlinks, write targets that do not exist yet, native-dialog grants,
 * and typed errors that name the field and path only.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createPathPolicy, isInside } from '../../src/backend/path-policy'

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-policy-')))
const data = path.join(base, 'data')
const allowed = path.join(base, 'allowed')
const outside = path.join(base, 'outside')
for (const d of [data, allowed, outside]) fs.mkdirSync(d)
fs.writeFileSync(path.join(allowed, 't.csv'), 'a,b\n')
fs.writeFileSync(path.join(outside, 'o.csv'), 'SECRET,x\n')
fs.symlinkSync(outside, path.join(allowed, 'out-link'))
fs.symlinkSync(allowed, path.join(base, 'allowed-link')) // a root given through a symlink
afterAll(() => fs.rmSync(base, { recursive: true, force: true }))

function code(f: () => unknown): string | undefined {
  try {
    f()
  } catch (e) {
    expect((e as Error).message).not.toContain('SECRET')
    return (e as { code?: string }).code
  }
  return undefined
}

describe('path policy', () => {
  const policy = createPathPolicy({ roots: [data, path.join(base, 'allowed-link')] })

  it('isInside is component-wise (no prefix confusion)', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true)
    expect(isInside('/a/b', '/a/b/c')).toBe(true)
    expect(isInside('/a/b', '/a/bc')).toBe(false)
    expect(isInside('/a/b', '/a')).toBe(false)
  })

  it('reads inside a root (also through a symlinked root) and returns the canonical path', () => {
    expect(policy.read(path.join(allowed, 't.csv'), 'table')).toBe(path.join(allowed, 't.csv'))
    expect(policy.read(path.join(base, 'allowed-link', 't.csv'), 'table')).toBe(path.join(allowed, 't.csv'))
  })

  it('refuses relative, NUL, non-string, outside, `..` and symlink escapes with typed errors', () => {
    expect(code(() => policy.read('t.csv', 'table'))).toBe('INVALID_OPTION')
    expect(code(() => policy.read(`${allowed}/t.csv\0`, 'table'))).toBe('INVALID_OPTION')
    expect(code(() => policy.read(42, 'table'))).toBe('INVALID_OPTION')
    expect(code(() => policy.read(path.join(outside, 'o.csv'), 'table'))).toBe('UNAUTHORIZED')
    expect(code(() => policy.read(`${allowed}/../outside/o.csv`, 'table'))).toBe('UNAUTHORIZED')
    expect(code(() => policy.read(path.join(allowed, 'out-link', 'o.csv'), 'table'))).toBe('UNAUTHORIZED')
    expect(code(() => policy.read(path.join(allowed, 'missing.csv'), 'table'))).toBe('FILE_NOT_FOUND')
    // a missing file outside is UNAUTHORIZED, not FILE_NOT_FOUND: existence outside the roots is not revealed
    expect(code(() => policy.read(path.join(outside, 'missing.csv'), 'table'))).toBe('UNAUTHORIZED')
  })

  it('write allows new folders below a root and refuses escapes through symlinked ancestors', () => {
    expect(policy.write(path.join(data, 'exports', 'a', 'b'), 'export folder')).toBe(path.join(data, 'exports', 'a', 'b'))
    expect(code(() => policy.write(path.join(allowed, 'out-link', 'new', 'x'), 'export folder'))).toBe('UNAUTHORIZED')
    expect(code(() => policy.write(`${data}/../../x`, 'export folder'))).toBe('UNAUTHORIZED')
    expect(code(() => policy.write('exports/x', 'export folder'))).toBe('INVALID_OPTION')
  })

  it('grant opens exactly what the user picked in the native dialog', () => {
    const p = createPathPolicy({ roots: [data] })
    expect(code(() => p.read(path.join(outside, 'o.csv'), 'table'))).toBe('UNAUTHORIZED')
    p.grant(path.join(outside, 'o.csv'))
    expect(p.read(path.join(outside, 'o.csv'), 'table')).toBe(path.join(outside, 'o.csv'))
    expect(code(() => p.read(path.join(allowed, 't.csv'), 'table'))).toBe('UNAUTHORIZED')
    expect(p.roots()).toEqual([data])
  })
})
