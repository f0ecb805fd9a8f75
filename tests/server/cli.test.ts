import { spawnSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseArgs } from '../../src/server/args'

describe('serve command line', () => {
  it('parses the documented options with their defaults', () => {
    expect(parseArgs([])).toEqual({ dataDir: path.join(os.homedir(), '.zsnas-studio'), port: 0, staticDir: path.resolve('out/renderer'), allow: [] })
    expect(parseArgs(['--data-dir', 'd', '--port', '8765', '--static', 's', '--workers', '2'])).toEqual({
      dataDir: path.resolve('d'),
      port: 8765,
      staticDir: path.resolve('s'),
      workers: 2,
      allow: [],
    })
    expect(() => parseArgs(['--port', '70000'])).toThrow('--port must be an integer 0..65535')
    expect(() => parseArgs(['--workers', '0'])).toThrow('--workers must be an integer 1..64')
    expect(() => parseArgs(['--data-dir'])).toThrow('--data-dir needs a value')
    expect(() => parseArgs(['--host', '0.0.0.0'])).toThrow("unknown argument '--host'")
  })

  it('exits with code 2 and a one-line message on bad arguments', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', '--port', 'abc'], { encoding: 'utf8', timeout: 60_000 })
    expect(r.status).toBe(2)
    expect(r.stderr.trim()).toBe('zsnas serve: --port must be an integer 0..65535')
  })
})
