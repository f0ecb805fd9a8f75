import { join } from 'node:path'
import type { Stats } from 'node:fs'
import { ZsnasError } from '../core/errors'
import { checkSizeLimit, listFolder, naturalSort, readFileTyped, shortName, statPath } from './files'
import { isPickle, readCifarPickle } from './cifar-python'
import { CIFAR100_NORM, CIFAR10_NORM } from './normalization'
import { U8DatasetSource, type U8Images } from './sampler'

/**
 * CIFAR-10 / CIFAR-100 in the official *binary* format.
 * - CIFAR-10: 3073-byte records = 1 label byte (0..9) + 3072 pixel bytes
 *   (R, G, B planes of 32×32, row-major). At most 10,000 records per file.
 * - CIFAR-100: 3074-byte records = coarse label (0..19) + fine label (0..99)
 *   + 3072 pixel bytes; the fine label is used. At most 50,000 per file.
 * `path` is one file or a folder; in a folder the training files are used
 * (`data_batch_*.bin` / `train*.bin`, natural order) and, if there are none,
 * the test files (`test_batch*.bin` / `test*.bin`). The "python version"
 * (pickled `data_batch_1` … / `train`, `test`, see cifar-python.ts) is read
 * too, when a folder has no binary files or a file starts like a pickle.
 * Every byte is validated at open: record length, record count, labels.
 */
export type CifarVariant = 'cifar10' | 'cifar100'

/** Largest CIFAR file read, per variant (see `VariantInfo.maxFileBytes`). */
export function cifarMaxFileBytes(variant: CifarVariant): number {
  return VARIANTS[variant].maxFileBytes
}

interface VariantInfo {
  name: string
  recordBytes: number
  headerBytes: number
  maxRecords: number
  /**
   * Largest file read (binary or python version): maxRecords × 3200 bytes —
   * a full official batch (3073/3074-byte records; the pickles add about 30
   * bytes per image of labels and file names) with a small margin. Bigger
   * files are refused before any byte is read.
   */
  maxFileBytes: number
  numClasses: number
  trainPattern: RegExp
  testPattern: RegExp
}

const VARIANTS: Record<CifarVariant, VariantInfo> = {
  cifar10: { name: 'CIFAR-10', recordBytes: 3073, headerBytes: 1, maxRecords: 10_000, maxFileBytes: 10_000 * 3200, numClasses: 10, trainPattern: /^data_batch_[^.]*(\.bin)?$/, testPattern: /^test_batch[^.]*(\.bin)?$/ },
  cifar100: { name: 'CIFAR-100', recordBytes: 3074, headerBytes: 2, maxRecords: 50_000, maxFileBytes: 50_000 * 3200, numClasses: 100, trainPattern: /^train[^.]*(\.bin)?$/, testPattern: /^test[^.]*(\.bin)?$/ },
}

/** Files a CIFAR path resolves to (one file, or the chosen split of a folder). */
export function cifarFiles(path: string, variant: CifarVariant, st: Stats = statPath(path, `${VARIANTS[variant].name} path`)): string[] {
  if (!st.isDirectory()) return [path]
  const v = VARIANTS[variant]
  const names = listFolder(path, `${v.name} folder`)
  // binary files first; the python-version pickles (no extension) otherwise
  const pick = (re: RegExp, bin: boolean) => names.filter((n) => re.test(n) && n.endsWith('.bin') === bin)
  let chosen = pick(v.trainPattern, true)
  if (chosen.length === 0) chosen = pick(v.trainPattern, false)
  if (chosen.length === 0) chosen = pick(v.testPattern, true)
  if (chosen.length === 0) chosen = pick(v.testPattern, false)
  if (chosen.length === 0) {
    throw new ZsnasError('EMPTY_DATASET', `no ${v.name} binary batch files in folder ${path}; expected ${variant === 'cifar10' ? 'data_batch_1.bin … data_batch_5.bin or test_batch.bin' : 'train.bin or test.bin'} (the binary version, not the Python one)`, { path })
  }
  return naturalSort(chosen).map((n) => join(path, n))
}

/** Validates one CIFAR binary buffer; returns its record count. */
export function validateCifarBuffer(buf: Uint8Array, file: string, variant: CifarVariant): number {
  const v = VARIANTS[variant]
  const name = shortName(file)
  if (buf.length === 0) throw new ZsnasError('EMPTY_DATASET', `${name}: the file is empty; expected ${v.recordBytes}-byte ${v.name} records`, { path: file })
  if (buf.length % v.recordBytes !== 0) {
    const other = variant === 'cifar10' ? VARIANTS.cifar100 : VARIANTS.cifar10
    const hint = buf.length % other.recordBytes === 0 ? ` It divides into ${other.recordBytes}-byte records: is it a ${other.name} file?` : ' The file is truncated or not a CIFAR binary batch.'
    throw new ZsnasError(
      'BAD_FORMAT',
      `${name}: ${buf.length} bytes is not a whole number of ${v.recordBytes}-byte ${v.name} records (${Math.floor(buf.length / v.recordBytes)} records + ${buf.length % v.recordBytes} extra bytes).${hint}`,
      { path: file, bytes: buf.length, recordBytes: v.recordBytes },
    )
  }
  const count = buf.length / v.recordBytes
  if (count > v.maxRecords) {
    throw new ZsnasError('BAD_FORMAT', `${name}: holds ${count} records, more than the ${v.maxRecords} of an official ${v.name} batch file; expected at most ${v.maxRecords}`, { path: file, count, max: v.maxRecords })
  }
  for (let i = 0; i < count; i++) {
    const o = i * v.recordBytes
    if (variant === 'cifar10') {
      if (buf[o] > 9) throw badLabel(name, file, i, 'label', buf[o], 9)
    } else {
      if (buf[o] > 19) throw badLabel(name, file, i, 'coarse label', buf[o], 19)
      if (buf[o + 1] > 99) throw badLabel(name, file, i, 'fine label', buf[o + 1], 99)
    }
  }
  return count
}

function badLabel(name: string, file: string, record: number, what: string, value: number, max: number): ZsnasError {
  return new ZsnasError('BAD_LABEL', `${name}: record ${record} has ${what} ${value}; expected 0..${max}`, { path: file, record, value, max })
}

/** Reads and validates CIFAR records from a file or folder (binary or python version). */
export function readCifar(path: string, variant: CifarVariant): { images: U8Images; files: string[] } {
  const v = VARIANTS[variant]
  const files = cifarFiles(path, variant)
  const bufs = files.map((f) => readFileTyped(f, `${v.name} file`, v.maxFileBytes))
  return { files, images: decodeCifar(bufs, files, variant) }
}

/**
 * The decoder of `readCifar`, from the files' bytes (`files[i]` names `bufs[i]` in messages): validates and
 * gathers the records. Runtime-neutral (no file system): also the GPU worker page's (data/bytes.ts).
 */
export function decodeCifar(bufs: readonly Uint8Array[], files: readonly string[], variant: CifarVariant): U8Images {
  const v = VARIANTS[variant]
  bufs.forEach((b, i) => checkSizeLimit(b.length, files[i], `${v.name} file`, v.maxFileBytes))
  const base = { size: 32, layout: 'planar' as const, numClasses: v.numClasses }
  if (!bufs.some(isPickle)) {
    bufs.forEach((b, i) => validateCifarBuffer(b, files[i], variant))
    const data = bufs.length === 1 ? bufs[0] : concatBytes(bufs)
    const count = data.length / v.recordBytes
    const labels = new Int32Array(count)
    const labelByte = variant === 'cifar10' ? 0 : 1
    for (let i = 0; i < count; i++) labels[i] = data[i * v.recordBytes + labelByte]
    return { ...base, data, count, recordBytes: v.recordBytes, headerBytes: v.headerBytes, labels }
  }
  // at least one python-version file: gather headerless 3072-byte rows
  const parts = bufs.map((b, i) => {
    if (isPickle(b)) return readCifarPickle(b, files[i], variant, v.maxRecords)
    const count = validateCifarBuffer(b, files[i], variant)
    const pixels = new Uint8Array(count * 3072)
    const labels = new Int32Array(count)
    for (let r = 0; r < count; r++) {
      pixels.set(b.subarray(r * v.recordBytes + v.headerBytes, (r + 1) * v.recordBytes), r * 3072)
      labels[r] = b[r * v.recordBytes + v.headerBytes - 1]
    }
    return { pixels, labels }
  })
  const count = parts.reduce((s, p) => s + p.labels.length, 0)
  const data = new Uint8Array(count * 3072)
  const labels = new Int32Array(count)
  let k = 0
  for (const p of parts) {
    data.set(p.pixels, k * 3072)
    labels.set(p.labels, k)
    k += p.labels.length
  }
  return { ...base, data, count, recordBytes: 3072, headerBytes: 0, labels }
}

/** One Uint8Array of the parts in order (Buffer.concat without Node). */
function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0))
  let o = 0
  for (const p of parts) (out.set(p, o), (o += p.length))
  return out
}

/** The `DatasetSource` of decoded CIFAR records (`files`: the files read, for the label; `path`: what the spec named). */
export function cifarSource(images: U8Images, files: readonly string[], path: string, variant: CifarVariant): U8DatasetSource {
  const v = VARIANTS[variant]
  const what = files.length === 1 ? shortName(files[0]) : `${files.length} files in ${shortName(path)}`
  return new U8DatasetSource({
    kind: variant,
    label: `${v.name} (${what}, ${images.count} images)`,
    images,
    normalization: variant === 'cifar10' ? CIFAR10_NORM : CIFAR100_NORM,
    augment: { pad: 4, flip: true },
  })
}

/** Opens CIFAR-10/100 as a `DatasetSource` (pad-4 crop + flip, reference normalisation). */
export function openCifar(path: string, variant: CifarVariant): U8DatasetSource {
  const { images, files } = readCifar(path, variant)
  return cifarSource(images, files, path, variant)
}
