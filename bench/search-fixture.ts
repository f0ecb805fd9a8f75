/**
 * Records the rows of a `zsnas search` run into a JSON fixture, so a refactor
 * of the search loop can be checked against the behaviour of an older commit:
 *
 *   git archive ccc4dae | tar -x -C /tmp/before && ln -s $PWD/node_modules /tmp/before/
 *   npx tsx bench/search-fixture.ts --root /tmp/before --preset small --out tests/fixtures/search/re-sjw-small.json
 *   npx tsx bench/search-fixture.ts --root /tmp/before --preset readme100 --out bench/output/re-sjw-100-before.json
 *   npx tsx bench/search-fixture.ts --preset readme100 --compare bench/output/re-sjw-100-before.json   (this tree)
 *
 * `--root` is the checkout whose `bin/zsnas.mjs` runs (default: this tree).
 * Presets:
 *  - readme100: the README's "1000-architecture NB201 search, RE-SJW" command
 *    with --n 100 (its first 100 evaluations: RE's budget only stops the loop);
 *  - small: the same command at --n 16 --population 6 --tournament 3 --batch 8
 *    (fast enough for CI; still reaches the mutation phase with 2 parallel children).
 * Rows keep everything but `seconds` (timing is not behaviour).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const SHARED = resolve(process.env.ZSNAS_SHARED_DATA ?? join(import.meta.dirname, '../../shared/data'))

/** The search arguments of each preset (without --out). */
export function presetArgs(preset: string): string[] {
  const base = ['search', '--space', 'nb201', '--strategy', 're', '--proxy', 'sjw', '--seed', '0', '--parallel-children', '2',
    '--dataset', `cifar10:${join(SHARED, 'cifar10/data_batch_1_first4000_exact.bin')}`,
    '--table', join(SHARED, 'nb201/nats_bench_tss_test_acc.csv')]
  if (preset === 'readme100') return [...base, '--n', '100', '--workers', '2']
  if (preset === 'small') return [...base, '--n', '16', '--population', '6', '--tournament', '3', '--batch', '8']
  throw new Error(`unknown --preset '${preset}' (readme100 | small)`)
}

function main(): void {
  const { values } = parseArgs({ options: { root: { type: 'string' }, preset: { type: 'string' }, out: { type: 'string' }, compare: { type: 'string' } } })
  const root = resolve(values.root ?? join(import.meta.dirname, '..'))
  const args = presetArgs(values.preset ?? 'small')
  const dir = mkdtempSync(join(tmpdir(), 'zsnas-fixture-'))
  const t0 = Date.now()
  const r = spawnSync(process.execPath, [join(root, 'bin/zsnas.mjs'), ...args, '--out', dir], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.status !== 0) throw new Error(`search exited with ${r.status}`)
  const seconds = (Date.now() - t0) / 1000
  const rows = readFileSync(join(dir, 'evaluated.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const { seconds: _s, ...row } = JSON.parse(l) as Record<string, unknown>
    return row
  })
  const best = JSON.parse(readFileSync(join(dir, 'best.json'), 'utf8')) as { best: unknown }
  console.error(`${rows.length} rows in ${seconds.toFixed(1)} s (${root})`)
  if (values.compare) {
    const want = JSON.parse(readFileSync(values.compare, 'utf8')) as { rows: unknown[]; best: unknown }
    const same = JSON.stringify(want.rows) === JSON.stringify(rows) && JSON.stringify(want.best) === JSON.stringify(best.best)
    console.log(same ? `IDENTICAL: ${rows.length} rows and the best equal ${values.compare}` : `DIFFERENT from ${values.compare}`)
    if (!same) process.exitCode = 1
  }
  if (values.out) {
    mkdirSync(dirname(values.out), { recursive: true })
    const fixture = { generatedBy: 'bench/search-fixture.ts', root, args: args.map((a) => a.replace(SHARED, '$SHARED')), rows, best: best.best }
    writeFileSync(values.out, `${JSON.stringify(fixture, null, 1)}\n`)
  }
}

// run only as a script (tests import presetArgs)
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
