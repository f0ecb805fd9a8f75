/**
 * Cost of each proxy on the Table 2 protocol, one line per proxy: mean wall
 * seconds per architecture when that proxy is scored ALONE (CIFAR-10 batch 64
 * from the shared images, PyTorch init, per-architecture seed as
 * `zsnas evaluate --paper`), over a few NB201 benchmark indices. Used to
 * choose `--cap PROXY=N` for a long `zsnas evaluate --paper` run. Proxies
 * that share the response pass (WRCor, RCor, ACor, GCor, NASWOT, …) cost
 * less together than the sum of their lines. Never asserted.
 *
 *   nice npx tsx bench/table2-proxy-cost.ts [--indices 100,200] [--proxies all] [--dataset cifar10]
 */
import { scoreArchitecture } from '../src/engine/score/score'
import { loadNb201Table } from '../src/engine/benchmarks/nb201-csv'
import { nb201Space } from '../src/engine/spaces/nb201'
import { fnv1a, listProxies } from '../src/engine/proxies'
import { getTable2Dataset, datasetProxyOptions } from '../src/cli/evaluate-table2'

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : def
}
const root = arg('data-root', '../shared/data')
const indices = arg('indices', '100,200').split(',').map(Number)
const proxies = arg('proxies', 'all') === 'all' ? listProxies().map((p) => p.id) : arg('proxies', '').split(',')
const ds = getTable2Dataset(arg('dataset', 'cifar10'))
if (ds === undefined) throw new Error('unknown --dataset')
const keys = loadNb201Table(`${root}/nb201/nats_bench_tss_test_acc.csv`).keys()

// warm-up (backend start, dataset open) so the first proxy is not charged for it
await scoreArchitecture({ space: 'nb201', arch: keys[indices[0]], proxies: ['params'], dataset: ds.spec(root), batchSize: 64, seed: 0, init: 'pytorch' })
console.log(`proxy       s/arch   (NB201 indices ${indices.join(', ')}, ${ds.label}, batch 64, each proxy alone)`)
let total = 0
for (const p of proxies) {
  let s = 0
  for (const i of indices) {
    const arch = nb201Space.fromString(keys[i])
    const r = await scoreArchitecture({
      space: 'nb201',
      arch: nb201Space.toString(arch),
      proxies: [p],
      dataset: ds.spec(root),
      batchSize: 64,
      seed: (0 ^ fnv1a(nb201Space.hash(arch))) >>> 0,
      init: 'pytorch',
      proxyOptions: datasetProxyOptions(ds, {}),
    })
    s += r.seconds
  }
  total += s / indices.length
  console.log(`${p.padEnd(10)} ${(s / indices.length).toFixed(2).padStart(7)}`)
}
console.log(`${'sum'.padEnd(10)} ${total.toFixed(2).padStart(7)}`)
