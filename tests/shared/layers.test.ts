/**
 * Compile-time layer boundaries (docs/ARCHITECTURE.md): `npm run typecheck`
 * compiles each runtime with its own tsconfig — tsconfig.web.json (renderer +
 * shared: DOM, no Node), tsconfig.engine.json (no DOM, no Electron),
 * tsconfig.node.json (shells, backend, worker: Node, no DOM). Each case
 * compiles one small file with a runtime's real compiler options (a temporary
 * tsconfig extending it) and expects the cross-layer use to be rejected with
 * the named TypeScript error, and the same harness to accept a legal file.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc')

/** Compiles `source` with the options of tsconfig.<layer>.json; returns tsc's exit code and output. */
function compile(layer: 'web' | 'engine' | 'node', source: string): { code: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), `zsnas-layer-${layer}-`))
  writeFileSync(join(dir, 'probe.ts'), source)
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: join(ROOT, `tsconfig.${layer}.json`), include: [], files: ['probe.ts'] }))
  const r = spawnSync(process.execPath, [TSC, '--noEmit', '-p', dir], { encoding: 'utf8', cwd: ROOT })
  return { code: r.status, out: `${r.stdout}${r.stderr}` }
}

describe('one tsconfig per runtime', () => {
  it('the renderer/shared layer rejects a Node import and accepts DOM code', () => {
    const bad = compile('web', "import fs from 'node:fs'\nexport const x = fs.existsSync('/')\n")
    expect(bad.code).not.toBe(0)
    expect(bad.out).toMatch(/TS2307: Cannot find module 'node:fs'/)
    const good = compile('web', 'export const title = (): string => document.title\n')
    expect(good).toEqual({ code: 0, out: '' })
  }, 60_000)

  it('the engine layer rejects DOM globals and Electron imports and accepts Node code', () => {
    const dom = compile('engine', 'export const title = (): string => document.title\n')
    expect(dom.code).not.toBe(0)
    expect(dom.out).toMatch(/Cannot find name 'document'/)
    const electron = compile('engine', "import { app } from 'electron'\nexport const v = app.getVersion()\n")
    expect(electron.code).not.toBe(0)
    expect(electron.out).toMatch(/TS2305: Module '"electron"' has no exported member 'app'/)
    const good = compile('engine', "import fs from 'node:fs'\nexport const x = fs.existsSync('/')\n")
    expect(good).toEqual({ code: 0, out: '' })
  }, 60_000)

  it('npm run typecheck compiles every runtime config, and each covers its folders', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    for (const c of ['tsconfig.engine.json', 'tsconfig.web.json', 'tsconfig.node.json', 'tsconfig.json']) expect(pkg.scripts.typecheck).toContain(`-p ${c}`)
    const include = (c: string) => (JSON.parse(readFileSync(join(ROOT, c), 'utf8')) as { include: string[] }).include
    expect(include('tsconfig.web.json')).toEqual(expect.arrayContaining(['src/renderer/**/*.ts', 'src/renderer/**/*.vue', 'src/shared/**/*.ts']))
    expect(include('tsconfig.engine.json')).toEqual(['src/engine/**/*.ts'])
    for (const d of ['main', 'preload', 'backend', 'server', 'cli', 'worker']) expect(include('tsconfig.node.json')).toContain(`src/${d}/**/*.ts`)
  })
})
