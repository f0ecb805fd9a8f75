import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { acquireDataDirLock } from '../../src/backend/lock'
import { APP_VERSION } from '../../src/backend/version'

describe('data-folder lock', () => {
  it('refuses a second live owner, takes over a dead owner\'s stale lock, releases on request', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-lock-'))
    // a live foreign owner
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'])
    fs.writeFileSync(path.join(dir, 'backend.lock'), String(other.pid))
    expect(() => acquireDataDirLock(dir)).toThrow(expect.objectContaining({ code: 'CONFLICT' }))
    other.kill('SIGKILL')
    await new Promise((r) => other.once('exit', r))
    // its owner is dead now: stale lock taken over
    const release = acquireDataDirLock(dir)
    expect(fs.readFileSync(path.join(dir, 'backend.lock'), 'utf8')).toBe(String(process.pid))
    release()
    expect(fs.existsSync(path.join(dir, 'backend.lock'))).toBe(false)
  })
})

describe('versions', () => {
  it('APP_VERSION matches package.json', () => {
    expect(APP_VERSION).toBe(JSON.parse(fs.readFileSync('package.json', 'utf8')).version)
  })
})
