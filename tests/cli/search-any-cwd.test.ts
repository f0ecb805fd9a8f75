/**
 * `zsnas search --workers 2` (and so `zsnas worker`, which scores in the same
 * pool) started from a folder outside the checkout: its scoring children load
 * tsx by an absolute URL, so every row is scored — before, the children's bare
 * `--import tsx` was resolved against the cwd and each row became
 * WORKER_CRASHED. Expected values: the same command run in-process (no
 * workers) from the repository gives the same scores (seeds are per
 * evaluation, independent of where it runs).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const repo = join(__dirname, '../..')
const args = ['search', '--space', 'nb201', '--strategy', 'random', '--proxy', 'synflow', '--n', '2', '--seed', '5', '--dataset', 'noise:8', '--batch', '4']

function rows(dir: string): { i: number; arch: string; scores?: Record<string, number>; status?: string }[] {
  return readFileSync(join(dir, 'evaluated.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
}

describe('zsnas search from any working directory', () => {
  it('--workers 2 from a temporary folder scores every row, equal to the in-process run', () => {
    const elsewhere = mkdtempSync(join(os.tmpdir(), 'zsnas-cwd-'))
    execFileSync(process.execPath, [join(repo, 'bin/zsnas.mjs'), ...args, '--workers', '2', '--out', 'run'], { cwd: elsewhere, stdio: 'pipe' })
    const local = mkdtempSync(join(os.tmpdir(), 'zsnas-cwd-local-'))
    execFileSync(process.execPath, [join(repo, 'bin/zsnas.mjs'), ...args, '--out', join(local, 'run')], { cwd: repo, stdio: 'pipe' })
    const got = rows(join(elsewhere, 'run'))
    const want = rows(join(local, 'run'))
    expect(got.map((r) => r.status ?? 'ok')).toEqual(['ok', 'ok'])
    expect(got.map((r) => [r.arch, r.scores?.synflow])).toEqual(want.map((r) => [r.arch, r.scores?.synflow]))
  }, 240_000)
})
