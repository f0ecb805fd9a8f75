import { join } from 'node:path'
import { ZsnasError } from '../core/errors'
import { checkSizeLimit, listFolder, naturalSort, readFileTyped, shortName, statPath } from './files'
import { IMAGENET16_NORM } from './normalization'
import { checkNdArray, dtypeCode, NdArray, PyBytes, toNumbers, unpickle, type PyValue } from './pickle'
import { U8DatasetSource, type U8Images } from './sampler'

/**
 * ImageNet16-120 from the Downsampled-ImageNet pickles as distributed
 * (`train_data_batch_1` … `train_data_batch_10`, `val_data`): each a dict
 * with `data` = uint8 rows of 3·S·S bytes (R plane, G plane, B plane, like
 * CIFAR; S = 16 → 768-byte rows) and `labels` = 1-based class ids (1..1000).
 *
 * NB201's ImageNet16-120 rule (reference notes §6): keep images whose label
 * is ≤ `classes` (default 120) and use label − 1. `path` is one pickle or a
 * folder: the training batches if present (natural order), else `val_data`.
 * Augmentation: flip + random crop with zero padding S/8 (2 px at 16×16, as
 * in the reference); normalisation with the ImageNet16 mean/std.
 */
/**
 * Largest ImageNet16 pickle read (256 MiB): a Downsampled-ImageNet 16×16
 * training batch holds ≈ 128k rows of 768 bytes (≈ 100 MB with labels),
 * `val_data` 50k rows (≈ 39 MB). Bigger files are refused before reading.
 */
export const IMAGENET16_PICKLE_MAX_BYTES = 256 * 2 ** 20

export function imagenet16Files(path: string): string[] {
  const st = statPath(path, 'ImageNet16 path')
  if (!st.isDirectory()) return [path]
  const names = listFolder(path, 'ImageNet16 folder')
  let chosen = names.filter((n) => /^train_data_batch_\d+$/.test(n))
  if (chosen.length === 0) chosen = names.filter((n) => n === 'val_data')
  if (chosen.length === 0) {
    throw new ZsnasError('EMPTY_DATASET', `no ImageNet16 pickles in folder ${path}; expected train_data_batch_1 … train_data_batch_10 or val_data`, { path })
  }
  return naturalSort(chosen).map((n) => join(path, n))
}

/** Reads one ImageNet16 pickle; returns the rows whose label ≤ classes (labels made 0-based). */
export function readImagenet16File(file: string, classes: number): { data: Uint8Array; labels: number[]; rowBytes: number; total: number } {
  return decodeImagenet16File(readFileTyped(file, 'ImageNet16 pickle', IMAGENET16_PICKLE_MAX_BYTES), file, classes)
}

/** The decoder of `readImagenet16File`, from the pickle's bytes (`file` names it in messages); runtime-neutral. */
export function decodeImagenet16File(buf: Uint8Array, file: string, classes: number): { data: Uint8Array; labels: number[]; rowBytes: number; total: number } {
  const name = shortName(file)
  checkSizeLimit(buf.length, file, 'ImageNet16 pickle', IMAGENET16_PICKLE_MAX_BYTES)
  const root = unpickle(buf, name)
  if (!(root instanceof Map)) throw new ZsnasError('BAD_FORMAT', `${name}: the pickle holds no dict; expected {'data': uint8 array, 'labels': list}`, { path: file })
  const dataV = root.get('data'), labelsV = root.get('labels')
  if (dataV === undefined || labelsV === undefined) {
    throw new ZsnasError('BAD_FORMAT', `${name}: the dict has keys ${[...root.keys()].map(String).join(', ')}; expected 'data' and 'labels'`, { path: file })
  }
  const labels = toNumbers(labelsV as PyValue, name, "'labels'")
  const n = labels.length
  let raw: Uint8Array
  if (dataV instanceof NdArray) {
    checkNdArray(dataV, name, "'data'")
    if (dtypeCode(dataV) !== 'u1') throw new ZsnasError('BAD_FORMAT', `${name}: 'data' has dtype ${dataV.dtype?.code}; expected uint8`, { path: file })
    if (dataV.fortran) throw new ZsnasError('BAD_FORMAT', `${name}: 'data' is Fortran-ordered; expected C order`, { path: file })
    raw = dataV.data!
  } else if (dataV instanceof PyBytes) {
    raw = dataV.bytes
  } else {
    throw new ZsnasError('BAD_FORMAT', `${name}: 'data' is not a uint8 array`, { path: file })
  }
  if (n === 0) return { data: new Uint8Array(0), labels: [], rowBytes: 0, total: 0 }
  const rowBytes = raw.length / n
  const s = Math.round(Math.sqrt(rowBytes / 3))
  if (!Number.isInteger(rowBytes) || 3 * s * s !== rowBytes) {
    throw new ZsnasError('BAD_SHAPE', `${name}: 'data' has ${raw.length} bytes for ${n} labels; expected ${n} rows of 3·S·S bytes (768 for 16×16)`, { path: file, bytes: raw.length, labels: n })
  }
  const keep: number[] = []
  for (let i = 0; i < n; i++) {
    const l = labels[i]
    if (!Number.isInteger(l) || l < 1 || l > 1000) {
      throw new ZsnasError('BAD_LABEL', `${name}: image ${i} has label ${l}; expected a 1-based ImageNet class id in 1..1000`, { path: file, index: i, value: l })
    }
    if (l <= classes) keep.push(i)
  }
  const data = new Uint8Array(keep.length * rowBytes)
  keep.forEach((i, k) => data.set(raw.subarray(i * rowBytes, (i + 1) * rowBytes), k * rowBytes))
  return { data, labels: keep.map((i) => labels[i] - 1), rowBytes, total: n }
}

function checkClasses(classes: number): void {
  if (!Number.isInteger(classes) || classes < 1 || classes > 1000) {
    throw new ZsnasError('INVALID_OPTION', `ImageNet16 classes must be an integer in 1..1000, got ${classes}`, { classes })
  }
}

export function readImagenet16(path: string, classes = 120): { images: U8Images; files: string[] } {
  checkClasses(classes)
  const files = imagenet16Files(path)
  return { files, images: assembleImagenet16(files.map((f) => readImagenet16File(f, classes)), path, classes) }
}

/** `readImagenet16` from the pickles' bytes (`files[i]` names `bufs[i]`); runtime-neutral (data/bytes.ts). */
export function decodeImagenet16(bufs: readonly Uint8Array[], files: readonly string[], path: string, classes = 120): U8Images {
  checkClasses(classes)
  return assembleImagenet16(bufs.map((b, i) => decodeImagenet16File(b, files[i], classes)), path, classes)
}

function assembleImagenet16(parts: Array<{ data: Uint8Array; labels: number[]; rowBytes: number; total: number }>, path: string, classes: number): U8Images {
  const sizes = new Set(parts.filter((p) => p.total > 0).map((p) => p.rowBytes))
  if (sizes.size > 1) throw new ZsnasError('BAD_SHAPE', `ImageNet16 files in ${shortName(path)} mix image sizes (row bytes ${[...sizes].join(', ')}); expected one size`, { path })
  const rowBytes = [...sizes][0] ?? 768
  const count = parts.reduce((s, p) => s + p.labels.length, 0)
  if (count === 0) {
    throw new ZsnasError('EMPTY_DATASET', `${shortName(path)}: no image with label ≤ ${classes}; expected ImageNet16-${classes} images`, { path, classes })
  }
  const data = new Uint8Array(count * rowBytes)
  const labels = new Int32Array(count)
  let k = 0
  for (const p of parts) {
    data.set(p.data, k * rowBytes)
    labels.set(p.labels, k)
    k += p.labels.length
  }
  const size = Math.round(Math.sqrt(rowBytes / 3))
  return { data, count, size, recordBytes: rowBytes, headerBytes: 0, layout: 'planar', labels, numClasses: classes }
}

export function openImagenet16(path: string, classes = 120): U8DatasetSource {
  const { images, files } = readImagenet16(path, classes)
  return imagenet16Source(images, files, classes)
}

/** The `DatasetSource` of decoded ImageNet16 rows (`files`: the pickles read, for the label). */
export function imagenet16Source(images: U8Images, files: readonly string[], classes: number): U8DatasetSource {
  return new U8DatasetSource({
    kind: 'imagenet16',
    label: `ImageNet16-${classes} (${files.length === 1 ? shortName(files[0]) : `${files.length} files`}, ${images.count} images)`,
    images,
    normalization: IMAGENET16_NORM,
    augment: { pad: Math.max(1, Math.round(images.size / 8)), flip: true },
  })
}
