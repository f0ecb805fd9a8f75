/**
 * End-to-end NB201 search bench (not part of CI). Prints numbers.
 *
 *   npx tsx bench/search-nb201.ts [--n 50] [--batch 64] [--workers 1] [--seeds 0] [--configs re:sjw,random:wrcor] [--population 64]
 *
 * For each strategy:proxy config and seed, runs `zsnas search` exactly as a
 * user would (CIFAR-10 input from ../shared/data, the NB201 ground-truth CSV
 * as --table), then prints wall time, evaluations/s, the best architecture
 * and its CIFAR-10 / CIFAR-100 / ImageNet16-120 test accuracy from the table,
 * and a LINEAR EXTRAPOLATION of the wall time to N = 1000 (labelled as such).
 * Paper (N = 1000, V100): RE-SJW 93.76 ± 0.41 on CIFAR-10 in 6,334 s; R-WRCor
 * 91.95 ± 1.84 in 2,412 s; optimum 94.37.
 * Small N is not comparable to the paper's accuracies (RE with N < 64 is random search).
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { main } from '../src/cli/index'

const here = dirname(fileURLToPath(import.meta.url))
const SHARED = process.env.ZSNAS_SHARED_DATA ?? resolve(here, '../../shared/data')
const CIFAR = resolve(SHARED, 'cifar10/data_batch_1_first4000_exact.bin')
const TABLE = resolve(SHARED, 'nb201/nats_bench_tss_test_acc.csv')

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '50' },
    batch: { type: 'string', default: '64' },
    workers: { type: 'string', default: '1' },
    seeds: { type: 'string', default: '0' },
    configs: { type: 'string', default: 're:sjw,random:wrcor' },
    population: { type: 'string', default: '64' },
  },
})

const quietIO = { out: () => {}, err: (t: string) => void (t.startsWith('done') || t.startsWith('zsnas') ? process.stderr.write(t) : 0), errIsTTY: false }

for (const cfg of values.configs.split(',')) {
  const [strategy, proxy] = cfg.split(':')
  for (const seed of values.seeds.split(',')) {
    const out = mkdtempSync(join(tmpdir(), `bench-search-${strategy}-${proxy}-`))
    const t0 = performance.now()
    const code = await main(
      ['search', '--space', 'nb201', '--strategy', strategy, '--proxy', proxy, '--n', values.n, '--seed', seed, '--batch', values.batch,
        '--dataset', `cifar10:${CIFAR}`, '--table', TABLE, '--out', out, '--workers', values.workers,
        ...(strategy === 're' ? ['--population', values.population] : [])],
      quietIO,
    )
    const wall = (performance.now() - t0) / 1000
    if (code !== 0) {
      console.log(`${strategy}-${proxy} seed ${seed}: exit ${code}`)
      continue
    }
    const best = JSON.parse(readFileSync(join(out, 'best.json'), 'utf8'))
    const rows = readFileSync(join(out, 'evaluated.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    const perArch = wall / rows.length
    const maxAcc = Math.max(...rows.map((r) => r.accuracy.cifar10))
    console.log(
      `${strategy.toUpperCase()}-${proxy.toUpperCase()} seed ${seed}: N=${values.n} (${rows.length} evaluations, batch ${values.batch}, workers ${values.workers}` +
        `${strategy === 're' ? `, population ${values.population}` : ''}; load average ${loadavg()[0].toFixed(1)})\n` +
        `  wall ${wall.toFixed(1)} s, ${(rows.length / wall).toFixed(3)} evaluations/s, ${perArch.toFixed(2)} s/evaluation\n` +
        `  best ${best.best.arch}\n` +
        `  best test accuracy: cifar10 ${best.best.accuracy.cifar10.toFixed(2)}, cifar100 ${best.best.accuracy.cifar100.toFixed(2)}, imagenet16-120 ${best.best.accuracy['imagenet16-120'].toFixed(2)}` +
        ` (best cifar10 among the evaluated: ${maxAcc.toFixed(2)})\n` +
        `  EXTRAPOLATION (linear in evaluations, not measured): N=1000 would take ≈ ${((perArch * (strategy === 'rl' ? 1100 : 1000)) / 60).toFixed(0)} min`,
    )
  }
}
