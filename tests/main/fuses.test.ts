/**
 * Electron fuses of the packaged app (electron-fuses.config.ts): the config
 * values, and a real @electron/fuses flip on a synthetic fuse wire laid out as
 * Electron embeds it (sentinel, version byte 1, length, one ASCII '0'/'1' per
 * fuse), checked byte by byte against the values the checklist asks for.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FuseV1Options } from '@electron/fuses'
import { FUSES, flipAppFuses, packagedExecutable } from '../../electron-fuses.config'

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'

describe('Electron fuses', () => {
  it('sets every V1 fuse explicitly with the checklist values', () => {
    expect(FUSES.strictlyRequireAllFuses).toBe(true)
    const f = FUSES as unknown as Record<number, boolean>
    expect(f[FuseV1Options.RunAsNode]).toBe(false)
    expect(f[FuseV1Options.EnableCookieEncryption]).toBe(true)
    expect(f[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false)
    expect(f[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false)
    expect(f[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true)
    expect(f[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true)
    expect(f[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false)
  })

  it('flips a synthetic Electron fuse wire to 0 1 0 0 1 1 0 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-fuses-'))
    const bin = path.join(dir, 'zsnas-studio')
    // Electron's defaults: RunAsNode, NODE_OPTIONS, --inspect on; cookie encryption, asar checks off; file:// privileged
    const wire = Buffer.concat([Buffer.from('ELF-padding'), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from('10110001'), Buffer.from('tail')])
    fs.writeFileSync(bin, wire)
    try {
      expect(await flipAppFuses(bin)).toBe(1)
      const out = fs.readFileSync(bin)
      const at = out.indexOf(SENTINEL) + SENTINEL.length + 2
      expect(out.subarray(at, at + 8).toString()).toBe('01001100')
      expect(out.length).toBe(wire.length)
      expect(out.subarray(out.length - 4).toString()).toBe('tail')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a binary without the fuse sentinel is an error, not a silent success', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-fuses-'))
    const bin = path.join(dir, 'x')
    fs.writeFileSync(bin, 'no fuses here')
    try {
      await expect(flipAppFuses(bin)).rejects.toThrow(/sentinel/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('finds the packaged executable per platform', () => {
    expect(packagedExecutable('/o', 'ZSNAS Studio', 'linux')).toBe(path.join('/o', 'ZSNAS Studio'))
    expect(packagedExecutable('/o', 'ZSNAS Studio', 'win32')).toBe(path.join('/o', 'ZSNAS Studio.exe'))
    expect(packagedExecutable('/o', 'ZSNAS Studio', 'darwin')).toBe(path.join('/o', 'ZSNAS Studio.app'))
  })
})
