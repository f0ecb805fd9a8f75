/**
 * Data-source and benchmark-table timing bench (not part of CI). Prints numbers.
 *
 *   npx tsx bench/data.ts [--reps 20]
 *
 * For each dataset source: time to open, then median / max time to draw one
 * 64-image augmented batch (target < 50 ms after opening). Image folders are
 * decoded lazily, so their first (cold) batch is reported separately from the
 * warm median (wall clock, plus the process CPU time per batch, which is what counts when
 * another process shares the cores), and the median when drawing into one reused `out` buffer (the gap is
 * the page-fault cost of a fresh output array). Then ground-truth tables: cold import vs cached re-open, and
 * the TFRecord reader's throughput on a generated NB101-style file.
 * Shared real data is read from ../shared/data (ZSNAS_SHARED_DATA); generated
 * inputs go to a temp folder that is removed at the end.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import type { DatasetSource, DatasetSpec } from '../src/engine/core/data'
import { Rng } from '../src/engine/core/rng'
import { openDataset } from '../src/engine/data/open'
import { loadNb201Table } from '../src/engine/benchmarks/nb201-csv'
import { loadNb101Table, loadNb101Tfrecord } from '../src/engine/benchmarks/nb101'
import { sharedPath } from '../tests/helpers/shared-data'
import { pickleImagenet16 } from '../tests/fixtures/pickle-writer'
import { nb101Tfrecord, type Nb101Row } from '../tests/fixtures/nb101-tfrecord'

const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 20
const tmp = mkdtempSync(join(tmpdir(), 'zsnas-bench-data-'))
const ms = (t0: number) => performance.now() - t0
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function benchSource(name: string, spec: DatasetSpec): void {
  let t0 = performance.now()
  const src: DatasetSource = openDataset(spec)
  const open = ms(t0)
  const rng = new Rng(1)
  t0 = performance.now()
  src.sampleBatch(64, rng)
  const first = ms(t0)
  const times: number[] = [], cpu: number[] = []
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage()
    t0 = performance.now()
    src.sampleBatch(64, rng)
    times.push(ms(t0))
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  // the same draws into one reused caller buffer (SampleOptions.out): the difference to the median above is
  // the cost of a freshly allocated output array (first-touch page faults), not data work
  const out = new Float32Array(64 * src.imageSize * src.imageSize * 3)
  const reused: number[] = []
  for (let r = 0; r < reps; r++) {
    t0 = performance.now()
    src.sampleBatch(64, rng, { out })
    reused.push(ms(t0))
  }
  console.log(`${name.padEnd(34)} images ${String(src.count).padStart(7)}  open ${open.toFixed(1).padStart(8)} ms  first batch ${first.toFixed(1).padStart(7)} ms  batch-64 median ${median(times).toFixed(2).padStart(6)} ms  max ${Math.max(...times).toFixed(2).padStart(6)} ms  cpu median ${median(cpu).toFixed(2)} ms  (into a reused out buffer: ${median(reused).toFixed(2)} ms)`)
}

try {
  console.log(`node ${process.version}, ${reps} batches of 64 per source (augment on)`)
  // machine baseline: allocating + writing the float32 output of one batch, no data work at all
  // (fill = page faults of the fresh array + memset; loop = the same written by a JS loop; reused = loop, no faults)
  for (const s of [32, 224]) {
    const fill: number[] = [], loop: number[] = [], reused: number[] = []
    const keep = new Float32Array(64 * s * s * 3)
    for (let r = 0; r < reps; r++) {
      let t0 = performance.now()
      new Float32Array(64 * s * s * 3).fill(1)
      fill.push(ms(t0))
      t0 = performance.now()
      const x = new Float32Array(64 * s * s * 3)
      for (let i = 0; i < x.length; i++) x[i] = i * 0.5
      loop.push(ms(t0))
      t0 = performance.now()
      for (let i = 0; i < keep.length; i++) keep[i] = i * 0.5
      reused.push(ms(t0))
    }
    console.log(`${`baseline: 64×${s}×${s}×3 f32`.padEnd(34)} new+fill ${median(fill).toFixed(2)} ms  new+JS loop ${median(loop).toFixed(2)} ms  reused+JS loop ${median(reused).toFixed(2)} ms`)
  }
  benchSource('noise 32×32', { kind: 'noise', imageSize: 32, numClasses: 10 })
  benchSource('noise 224×224', { kind: 'noise', imageSize: 224, numClasses: 1000 })
  benchSource('CIFAR-10 test file (10k)', { kind: 'cifar10', path: sharedPath('cifar10', 'test_batch_10000_reconstructed.bin') })
  benchSource('CIFAR-10 folder (train 4k)', { kind: 'cifar10', path: sharedPath('cifar10') })
  benchSource('CIFAR-100 test (916)', { kind: 'cifar100', path: sharedPath('cifar100', 'test_first916_exact.bin') })
  benchSource('u8 ImageNet 16×16 (120-class)', { kind: 'u8', path: sharedPath('imagenet_sample', 'imagenet1k_sample_1000x16x16x3.u8'), imageSize: 16 })
  benchSource('u8 ImageNet 32×32', { kind: 'u8', path: sharedPath('imagenet_sample', 'imagenet1k_sample_1000x32x32x3.u8'), imageSize: 32 })
  benchSource('u8 ImageNet 224×224', { kind: 'u8', path: sharedPath('imagenet_sample', 'imagenet1k_sample_100x224x224x3.u8'), imageSize: 224 })

  // ImageNet16: one generated 20,000-image training batch (real files hold ~128k each)
  const in16 = join(tmp, 'in16')
  mkdirSync(in16)
  const rows = 20_000
  const data = new Uint8Array(rows * 768)
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24
  const labels = Array.from({ length: rows }, (_, i) => 1 + (i % 1000))
  writeFileSync(join(in16, 'train_data_batch_1'), pickleImagenet16({ data, rows, rowBytes: 768, labels, protocol: 2 }))
  benchSource('ImageNet16-120 pickle (20k rows)', { kind: 'imagenet16', path: in16 })

  // image folder: 200 generated 320×240 images (half PNG, half JPEG) in 10 classes
  const root = join(tmp, 'folder')
  for (let c = 0; c < 10; c++) {
    mkdirSync(join(root, `class${c}`), { recursive: true })
    for (let k = 0; k < 20; k++) {
      const w = 320, h = 240, rgba = Buffer.alloc(w * h * 4)
      for (let p = 0; p < w * h; p++) (rgba[p * 4] = (p * 7 + c) & 255, rgba[p * 4 + 1] = (p >> 5) & 255, rgba[p * 4 + 2] = k * 10, rgba[p * 4 + 3] = 255)
      if (k % 2) writeFileSync(join(root, `class${c}`, `${k}.jpg`), jpeg.encode({ width: w, height: h, data: rgba }, 90).data)
      else {
        const png = new PNG({ width: w, height: h })
        rgba.copy(png.data)
        writeFileSync(join(root, `class${c}`, `${k}.png`), PNG.sync.write(png))
      }
    }
  }
  benchSource('image folder 200×(320×240) → 32', { kind: 'folder', path: root, imageSize: 32 })
  benchSource('image folder 200×(320×240) → 224', { kind: 'folder', path: root, imageSize: 224 })

  console.log('\nground-truth tables (cold import → cached re-open)')
  const cacheDir = join(tmp, 'cache')
  const table = (name: string, load: () => { size: number }) => {
    let t0 = performance.now()
    const a = load()
    const cold = ms(t0)
    t0 = performance.now()
    load()
    console.log(`${name.padEnd(34)} rows ${String(a.size).padStart(7)}  cold ${cold.toFixed(1).padStart(8)} ms  cached ${ms(t0).toFixed(1).padStart(8)} ms`)
  }
  table('NB201 CSV (15,625)', () => loadNb201Table(sharedPath('nb201', 'nats_bench_tss_test_acc.csv'), { cacheDir }))
  table('NB101 CSV (500)', () => loadNb101Table(sharedPath('nb101', 'nb101_naslib_zc_500.csv'), { cacheDir }))
  const n = 60_000
  const recs: Nb101Row[] = Array.from({ length: n }, (_, i) => ({
    hash: (i >> 1).toString(16).padStart(32, '0'), epochs: 108, adjacency: '0100110001000000010010000010000001000000010000000',
    ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'output'], final: { valid: 0.9, test: 0.9 },
  }))
  const tf = join(tmp, 'nb101.tfrecord')
  writeFileSync(tf, nb101Tfrecord(recs))
  const mb = statSync(tf).size / 1e6
  let t0 = performance.now()
  loadNb101Tfrecord(tf, { cacheDir })
  const cold = ms(t0)
  t0 = performance.now()
  loadNb101Tfrecord(tf, { cacheDir })
  console.log(`NB101 TFRecord (${n} records, ${mb.toFixed(1)} MB)`.padEnd(34) + `  cold ${cold.toFixed(0)} ms (${(n / (cold / 1000)).toFixed(0)} records/s, ${(mb / (cold / 1000)).toFixed(1)} MB/s)  cached ${ms(t0).toFixed(1)} ms`)
  console.log(`  → extrapolated cold import of nasbench_only108 (1,270,872 records): ${((1_270_872 / n) * cold / 1000).toFixed(0)} s`)
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
