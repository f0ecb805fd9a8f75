/**
 * Packaging wiring of the Electron fuses (issue #22): electron-builder.config.ts
 * loads through electron-builder's own config reader and schema, packs the
 * app as app.asar, and its afterPack hook flips electron-fuses.config.ts's
 * FUSES in the packaged executable.
 *
 * The Electron binary cannot be downloaded here, so the end-to-end case packs a
 * tiny app with the real electron-builder against a fake "unpacked Electron"
 * (`electronDist`) whose executable is a synthetic fuse wire laid out as
 * Electron embeds it (sentinel, version 1, length 8, one ASCII '0'/'1' per
 * fuse, Electron's defaults 10110001); the packaged binary must come out as
 * 01001100 (RunAsNode off, cookie encryption on, NODE_OPTIONS off, --inspect
 * off, ASAR integrity on, only-load-from-ASAR on, V8 snapshot off, file://
 * privileges off).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

const flips: { path: string; config: Record<string | number, unknown> }[] = []
vi.mock('@electron/fuses', async (importOriginal) => {
  const real = await importOriginal<typeof import('@electron/fuses')>()
  return { ...real, flipFuses: vi.fn(async (p: string, config: Record<string | number, unknown>) => (flips.push({ path: p, config }), 1)) }
})

const { FuseV1Options, FuseVersion } = await import('@electron/fuses')
const { default: config } = await import('../../electron-builder.config')
const { FUSES } = await import('../../electron-fuses.config')

const ROOT = path.resolve(__dirname, '../..')
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'

describe('electron-builder config', () => {
  it('packs into app.asar and hooks afterPack (not electron-builder’s own electronFuses: one declaration)', () => {
    expect(config.asar).toBe(true)
    expect(typeof config.afterPack).toBe('function')
    expect(config.electronFuses).toBeUndefined()
    expect(config.files).toEqual(expect.arrayContaining(['out/**/*', 'package.json']))
  })

  it('the hook calls @electron/fuses on the packaged executable of each platform with every checklist fuse', async () => {
    flips.length = 0
    const hook = config.afterPack as (ctx: unknown) => Promise<void>
    const packager = { appInfo: { productFilename: 'ZSNAS Studio' } }
    await hook({ appOutDir: '/o/linux-unpacked', electronPlatformName: 'linux', packager: { ...packager, executableName: 'zsnas-studio' } })
    await hook({ appOutDir: '/o/win-unpacked', electronPlatformName: 'win32', packager })
    await hook({ appOutDir: '/o/mac', electronPlatformName: 'darwin', packager })
    expect(flips.map((f) => f.path)).toEqual([
      path.join('/o/linux-unpacked', 'zsnas-studio'),
      path.join('/o/win-unpacked', 'ZSNAS Studio.exe'),
      path.join('/o/mac', 'ZSNAS Studio.app'),
    ])
    for (const { config: c } of flips) {
      expect(c).toBe(FUSES)
      expect(c.version).toBe(FuseVersion.V1)
      expect(c.strictlyRequireAllFuses).toBe(true)
      expect(c[FuseV1Options.RunAsNode]).toBe(false)
      expect(c[FuseV1Options.EnableCookieEncryption]).toBe(true)
      expect(c[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false)
      expect(c[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false)
      expect(c[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true)
      expect(c[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true)
      expect(c[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false)
    }
  })
})

describe('electron-builder end to end (fake Electron dist, real packager)', () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-eb-'))
    fs.mkdirSync(path.join(dir, 'out/main'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'out/main/index.js'), "console.log('zsnas')\n")
    fs.writeFileSync(path.join(dir, 'out/main/index.js.map'), '{}\n')
    fs.writeFileSync(path.join(dir, 'notes.md'), 'not packed\n')
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'zsnas-studio', version: '0.1.0', main: 'out/main/index.js', description: 'fixture', author: 'zsnas', license: 'MIT' }))
    const dist = path.join(dir, 'fake-electron')
    fs.mkdirSync(path.join(dist, 'resources'), { recursive: true })
    fs.writeFileSync(path.join(dist, 'electron'), Buffer.concat([Buffer.from('ELF-padding'), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from('10110001'), Buffer.from('tail')]), { mode: 0o755 })
    fs.writeFileSync(path.join(dist, 'LICENSE'), '')
    fs.writeFileSync(path.join(dist, 'version'), '41.7.1')
    // the project's config file, read by electron-builder's own loader (jiti), with only the fixture's paths overridden
    fs.writeFileSync(
      path.join(dir, 'eb.config.ts'),
      `import base from ${JSON.stringify(path.join(ROOT, 'electron-builder.config.ts'))}\n` +
        `export default { ...base, extends: null, npmRebuild: false, electronVersion: '41.7.1', electronDist: ${JSON.stringify(dist)}, directories: { ...base.directories, output: ${JSON.stringify(path.join(dir, 'dist'))} } }\n`,
    )
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('packs app.asar and the packaged binary carries the flipped fuses', async () => {
    // electron-builder imports the config (and through it @electron/fuses) with its own loader: the real library flips
    const { build, Platform } = await import('electron-builder')
    await build({ projectDir: dir, config: path.join(dir, 'eb.config.ts'), targets: Platform.LINUX.createTarget('dir') })
    const out = path.join(dir, 'dist', 'linux-unpacked')
    const bin = fs.readFileSync(path.join(out, 'zsnas-studio'))
    const at = bin.indexOf(SENTINEL) + SENTINEL.length + 2
    expect(bin.subarray(at, at + 8).toString()).toBe('01001100')
    const asar = fs.readFileSync(path.join(out, 'resources', 'app.asar'))
    expect(asar.includes(Buffer.from('index.js'))).toBe(true)
    expect(asar.includes(Buffer.from('index.js.map'))).toBe(false)
    expect(asar.includes(Buffer.from('notes.md'))).toBe(false)
  }, 240_000)
})
