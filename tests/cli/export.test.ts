/**
 * `zsnas export` end to end: every structure format and the model formats
 * write their files; the structure file read back by `zsnas score
 * --arch-file` gives the same architecture hash as scoring the string; bad
 * input exits 2 with one line naming the problem; existing files are not
 * overwritten without --force.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../../src/cli/index'
import { capture } from '../helpers/cli-io'
import { TABLE11_ARCH } from '../../src/engine/spaces/mbv2/arch'

const tmp = mkdtempSync(join(tmpdir(), 'zsnas-cli-export-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const NB201 = '|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|none~2|'
// an unpruned NB101 spec: vertex 5 is dangling, so export writes the pruned (canonical) cell
const NB101 = 'matrix=0110010/0001000/0000010/0000001/0000001/0000001/0000000;ops=input,conv3x3-bn-relu,maxpool3x3,conv1x1-bn-relu,conv3x3-bn-relu,maxpool3x3,output'

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = capture()
  const code = await main(argv, io)
  return { code, stdout: io.stdout, stderr: io.stderr }
}

/** hash printed by zsnas score (cheap proxy: params) */
async function scoreHash(space: string, archArgs: string[]): Promise<string> {
  const r = await run(['score', '--space', space, ...archArgs, '--proxies', 'params', '--batch', '2', '--dataset', 'noise:8:10'])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return (JSON.parse(r.stdout) as { hash: string }).hash
}

describe('zsnas export → zsnas score --arch-file round trip (same architecture hash)', () => {
  const cases: [string, string, string, string][] = [
    ['nb201', NB201, 'nb201', 'arch.nb201.txt'],
    ['nb101', NB101, 'nb101-json', 'arch.nb101.json'],
    ['mbv2', TABLE11_ARCH, 'plainnet', 'arch.plainnet.txt'],
  ]
  it.each(cases)('%s via %s', async (space, arch, format, file) => {
    const out = join(tmp, `rt-${format}`)
    const r = await run(['export', '--space', space, '--arch', arch, '--format', format, '--out', out])
    expect(r.code).toBe(0)
    const summary = JSON.parse(r.stdout) as { hash: string; files: { name: string }[] }
    expect(summary.files.map((f) => f.name)).toEqual([file])
    const fromString = await scoreHash(space, ['--arch', arch])
    const fromFile = await scoreHash(space, ['--arch-file', join(out, file)])
    expect(fromFile).toBe(fromString)
    expect(summary.hash).toBe(fromString)
  })

  it('NB101 JSON follows the nasbench ModelSpec conventions (upper-triangular 0/1 matrix, ops with input/output)', () => {
    const j = JSON.parse(readFileSync(join(tmp, 'rt-nb101-json', 'arch.nb101.json'), 'utf8')) as { matrix: number[][]; ops: string[] }
    const n = j.matrix.length
    expect(j.ops.length).toBe(n)
    expect(j.ops[0]).toBe('input')
    expect(j.ops[n - 1]).toBe('output')
    for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) expect(j.matrix[i][k]).toBe(0)
    // the dangling vertex of the input spec was pruned: 6 vertices remain
    expect(n).toBe(6)
  })

  it('pytorch + onnx with --weights write model.py, train.py, engine_weights.py, weights.safetensors, model.onnx', async () => {
    const out = join(tmp, 'models')
    const r = await run(['export', '--space', 'nb201', '--arch', NB201, '--format', 'pytorch,onnx', '--weights', '--out', out, '--seed', '3'])
    expect(r.code).toBe(0)
    expect(readdirSync(out).sort()).toEqual(['engine_weights.py', 'model.onnx', 'model.py', 'train.py', 'weights.safetensors'])
    expect(readFileSync(join(out, 'model.py'), 'utf8')).toContain(`Architecture (nb201): ${NB201}`)
    expect(r.stderr.split('\n').filter((l) => l.startsWith('wrote ')).length).toBe(5)
    expect(r.stderr).toMatch(/^exporting pytorch…\nexporting onnx…\n/)
    // no overwrite without --force; nothing written by the refused run
    writeFileSync(join(out, 'train.py'), 'mine')
    const again = await run(['export', '--space', 'nb201', '--arch', NB201, '--format', 'pytorch', '--out', out])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/exists; use --force/)
    expect(readFileSync(join(out, 'train.py'), 'utf8')).toBe('mine')
    expect((await run(['export', '--space', 'nb201', '--arch', NB201, '--format', 'pytorch', '--out', out, '--force'])).code).toBe(0)
    expect(readFileSync(join(out, 'train.py'), 'utf8')).toContain('RECIPES')
  })

  it('--arch-file also reads a best.json of zsnas search (best.arch) and of a run folder (arch)', async () => {
    const search = join(tmp, 'search-best.json')
    writeFileSync(search, JSON.stringify({ space: 'nb201', status: 'done', best: { i: 3, arch: NB201, hash: 'x', scores: { wrcor: 1 } } }))
    const runBest = join(tmp, 'run-best.json')
    writeFileSync(runBest, JSON.stringify({ index: 3, arch: NB201, hash: NB201, status: 'ok', scores: {} }))
    const want = await scoreHash('nb201', ['--arch', NB201])
    expect(await scoreHash('nb201', ['--arch-file', search])).toBe(want)
    expect(await scoreHash('nb201', ['--arch-file', runBest])).toBe(want)
  })

  const bad: [string, string[], RegExp][] = [
    ['format for another space', ['export', '--space', 'nb201', '--arch', NB201, '--format', 'plainnet', '--out', tmp], /'plainnet' is for the mbv2 space/],
    ['unknown format', ['export', '--arch', NB201, '--format', 'keras', '--out', tmp], /unknown export format 'keras'/],
    ['no --out', ['export', '--arch', NB201, '--format', 'onnx'], /--out DIR is required/],
    ['no --format', ['export', '--arch', NB201, '--out', tmp], /--format is required/],
    ['both --arch and --arch-file', ['score', '--arch', NB201, '--arch-file', '/x'], /not both/],
    ['missing --arch-file', ['score', '--arch-file', '/nonexistent/arch.txt'], /FILE_NOT_FOUND.*\/nonexistent\/arch.txt/],
    ['bad classes', ['export', '--arch', NB201, '--format', 'onnx', '--out', tmp, '--classes', '0'], /--classes must be an integer in 1..100000/],
  ]
  it.each(bad)('bad input: %s → exit 2, one line', async (_, argv, msg) => {
    const r = await run(argv)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(msg)
    expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('exporting ')).length).toBe(1)
  })
})
