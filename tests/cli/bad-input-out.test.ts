/**
 * Output folders the CLI cannot create (issue #22 defects 2 and 8): a folder on
 * a pseudo file system (`/proc/x`, where Node's recursive mkdir spins forever),
 * a path below a regular file, a path that is a file, a dangling symlink.
 * Each command runs as a real `zsnas` process under a wall-clock guard (a hang
 * is killed and fails the case) and must exit 2 with ONE stderr line naming
 * `--out`, the path and the fault, no stack trace, and nothing created.
 * Also the folder helper itself (`ensureDir`) in a guarded child process.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const ARCH = '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|'
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-badout-'))
const file = path.join(scratch, 'a-file')
fs.writeFileSync(file, 'keep me')
const dangling = path.join(scratch, 'dangling')
fs.symlinkSync(path.join(scratch, 'nowhere'), dangling)
const GUARD_MS = 60_000

function zsnas(args: string[]): { status: number | null; stderr: string; timedOut: boolean } {
  const r = spawnSync(process.execPath, ['bin/zsnas.mjs', ...args], { encoding: 'utf8', timeout: GUARD_MS, killSignal: 'SIGKILL' })
  return { status: r.status, stderr: r.stderr, timedOut: r.error !== undefined || r.signal === 'SIGKILL' }
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

const OUTS: Array<{ name: string; out: string; fault: RegExp }> = [
  { name: 'a folder on procfs', out: '/proc/zsnas-out-x', fault: /cannot create a folder here/ },
  { name: 'deep below procfs', out: '/proc/zsnas-out-x/a/b', fault: /cannot create a folder here .*\(at \/proc\/zsnas-out-x\)/ },
  { name: 'below a regular file', out: path.join(file, 'sub'), fault: new RegExp(`is a file, not a folder \\(at ${esc(file)}\\)`) },
  { name: 'a regular file', out: file, fault: /is a file, not a folder/ },
  { name: 'a dangling symlink', out: dangling, fault: /dangling/ },
  { name: 'below a dangling symlink', out: path.join(dangling, 'x'), fault: /dangling/ },
]

const COMMANDS: Array<{ cmd: string; argv: (out: string) => string[] }> = [
  { cmd: 'search', argv: (out) => ['search', '--proxy', 'params', '--n', '1', '--batch', '2', '--out', out] },
  { cmd: 'export', argv: (out) => ['export', '--arch', ARCH, '--format', 'nb201', '--out', out] },
]

const cases = COMMANDS.flatMap((c) => OUTS.map((o) => ({ ...c, ...o })))

describe('zsnas --out that cannot be a folder: exit 2, one line, no hang, nothing created', () => {
  it.each(cases)('$cmd --out $name', ({ argv, out, fault }) => {
    const r = zsnas(argv(out))
    expect(r.timedOut, `zsnas ${argv(out).join(' ')} hung`).toBe(false)
    expect(r.status, r.stderr).toBe(2)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines, r.stderr).toHaveLength(1)
    expect(lines[0]).toMatch(/^zsnas: error \[INVALID_OPTION\]: --out /)
    expect(lines[0]).toContain(out)
    expect(lines[0]).toMatch(fault)
    expect(lines[0]).not.toMatch(/\bat .*\.ts:\d+/)
    expect(fs.existsSync('/proc/zsnas-out-x')).toBe(false)
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me')
    expect(fs.readdirSync(scratch).sort()).toEqual(['a-file', 'dangling'])
  }, GUARD_MS + 10_000)
})

describe('ensureDir (guarded child process)', () => {
  it('creates missing parents, accepts existing folders and symlinks to folders, refuses the rest within the guard', () => {
    const script = `
      import { ensureDir } from './src/backend/fs-safe.ts'
      const out = []
      for (const d of JSON.parse(process.env.ZSNAS_TEST_DIRS)) {
        try { out.push({ ok: ensureDir(d, 'folder') }) } catch (e) { out.push({ code: e.code, message: e.message, details: e.details }) }
      }
      process.stdout.write(JSON.stringify(out))
    `
    const good = path.join(scratch, 'g', 'h', 'i')
    const link = path.join(os.tmpdir(), `zsnas-badout-link-${process.pid}`)
    fs.rmSync(link, { force: true })
    fs.symlinkSync(scratch, link)
    try {
      const args = [good, good, link, '/proc/zsnas-e', path.join(file, 'x', 'y'), '', 'a\0b']
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: GUARD_MS,
        killSignal: 'SIGKILL',
        env: { ...process.env, ZSNAS_TEST_DIRS: JSON.stringify(args) },
      })
      expect(r.signal, `ensureDir hung: ${r.stderr}`).toBeNull()
      const res = JSON.parse(r.stdout)
      expect(res[0]).toEqual({ ok: good })
      expect(fs.statSync(good).isDirectory()).toBe(true)
      expect(res[1]).toEqual({ ok: good }) // existing: fine, unchanged
      expect(res[2]).toEqual({ ok: link }) // symlink to a folder: followed
      expect(res[3]).toMatchObject({ code: 'INVALID_OPTION', details: { path: '/proc/zsnas-e', component: '/proc/zsnas-e', errno: 'ENOENT' } })
      expect(res[4]).toMatchObject({ code: 'INVALID_OPTION', details: { component: file } })
      expect(res[4].message).toMatch(/is a file, not a folder/)
      expect(res[5]).toMatchObject({ code: 'INVALID_OPTION' })
      expect(res[5].message).toMatch(/empty path/)
      expect(res[6]).toMatchObject({ code: 'INVALID_OPTION' })
      expect(res[6].message).toMatch(/NUL byte/)
    } finally {
      fs.rmSync(link, { force: true })
      fs.rmSync(path.join(scratch, 'g'), { recursive: true, force: true })
    }
  }, GUARD_MS + 10_000)
})
