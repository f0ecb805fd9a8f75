import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { ZsnasError } from '../core/errors'
import { readTabular } from '../benchmarks/tabular'
import { formatBytes, readFileTyped, shortName, statPath } from './files'
import { IMAGENET16_NORM, IMAGENET_NORM } from './normalization'
import { U8DatasetSource } from './sampler'

/**
 * Raw uint8 NHWC image files (the format of `shared/data/imagenet_sample`):
 * no header, image after image, row by row, pixel by pixel, R G B. Labels come
 * from a CSV (`labelsCsv`, default `labels.csv` beside the file) with a
 * `class_idx` (or `label`) column, row i = image i. If the CSV has more rows
 * than the file has images and a column `in_<S>_subset` (e.g. in_224_subset),
 * the rows with a 1 there are used, in order.
 *
 * Normalisation: 'imagenet' (default) or 'imagenet16' (default for S = 16).
 * With 'imagenet16' the ImageNet16-120 subset rule is applied to the labels:
 * only images with class_idx < 120 are kept and there are 120 classes. (The
 * sample is in sorted-wnid order, not the Downsampled-ImageNet order, so this
 * is an approximation of the benchmark's class set — see the data README.)
 * Augmentation: flip + random crop with zero padding S/8 for S ≤ 32 (2 px at
 * 16, 4 px at 32, as the reference does for 16/32-px data); flip only for
 * larger S (the reference's ImageNet-1k pipeline also has colour/AutoAugment
 * steps that are not implemented).
 */
export interface U8Spec {
  path: string
  imageSize: number
  labelsCsv?: string
  normalization?: 'imagenet' | 'imagenet16'
}

/**
 * Largest raw u8 image file read (2 GiB, held in memory whole): the full
 * ImageNet16 training set is 1.28 M × 768 B ≈ 0.98 GB, the shared sample
 * 0.77 MB. Bigger files are refused from their size, before reading.
 */
export const U8_MAX_BYTES = 2 * 2 ** 30

export function openU8(spec: U8Spec): U8DatasetSource {
  const s = spec.imageSize
  if (!Number.isInteger(s) || s < 1 || s > 4096) throw new ZsnasError('INVALID_OPTION', `u8 imageSize must be an integer in [1, 4096], got ${s}`, { imageSize: s })
  const name = shortName(spec.path)
  const st = statPath(spec.path, 'u8 image file')
  if (st.isDirectory()) throw new ZsnasError('FILE_UNREADABLE', `${spec.path} is a folder; expected a raw uint8 NHWC file`, { path: spec.path })
  const per = s * s * 3
  if (st.size > U8_MAX_BYTES) {
    throw new ZsnasError('FILE_UNREADABLE', `cannot read u8 image file ${spec.path}: ${st.size} bytes, over the ${U8_MAX_BYTES}-byte limit for this file (${formatBytes(U8_MAX_BYTES)} for a u8 image file); expected at most ${formatBytes(U8_MAX_BYTES)}`, { path: spec.path, bytes: st.size, max: U8_MAX_BYTES })
  }
  if (st.size === 0) throw new ZsnasError('EMPTY_DATASET', `${name}: the file is empty; expected ${s}×${s}×3-byte images`, { path: spec.path })
  if (st.size % per !== 0) {
    throw new ZsnasError('BAD_SHAPE', `${name}: ${st.size} bytes is not a whole number of ${s}×${s}×3 = ${per}-byte images (${Math.floor(st.size / per)} images + ${st.size % per} bytes); check the image size`, { path: spec.path, bytes: st.size, imageBytes: per })
  }
  const count = st.size / per
  const csv = spec.labelsCsv ?? join(dirname(spec.path), 'labels.csv')
  if (!spec.labelsCsv && !existsSync(csv)) {
    throw new ZsnasError('FILE_NOT_FOUND', `${name}: no labels; expected a labels CSV (class_idx column) at ${csv} or given as labelsCsv`, { path: csv })
  }
  let labels = readLabels(csv, count, s)
  const normName = spec.normalization ?? (s === 16 ? 'imagenet16' : 'imagenet')
  const data = readFileTyped(spec.path, 'u8 image file', U8_MAX_BYTES)
  let images = { data: data as Uint8Array, count, numClasses: Math.max(1000, labels.reduce((m, l) => Math.max(m, l + 1), 0)) }
  if (normName === 'imagenet16') {
    const keep = labels.map((l, i) => (l < 120 ? i : -1)).filter((i) => i >= 0)
    if (keep.length === 0) throw new ZsnasError('EMPTY_DATASET', `${name}: no image with class_idx < 120 for the ImageNet16-120 setting`, { path: spec.path })
    const sub = new Uint8Array(keep.length * per)
    keep.forEach((i, k) => sub.set(data.subarray(i * per, (i + 1) * per), k * per))
    labels = keep.map((i) => labels[i])
    images = { data: sub, count: keep.length, numClasses: 120 }
  }
  return new U8DatasetSource({
    kind: 'u8',
    label: `${name} (${images.count} images ${s}×${s}, ${normName} normalisation)`,
    images: { ...images, size: s, recordBytes: per, headerBytes: 0, layout: 'nhwc', labels: Int32Array.from(labels) },
    normalization: normName === 'imagenet16' ? IMAGENET16_NORM : IMAGENET_NORM,
    augment: s <= 32 ? { pad: Math.max(1, Math.round(s / 8)), flip: true } : { pad: 0, flip: true },
  })
}

function readLabels(csv: string, count: number, size: number): number[] {
  const t = readTabular(csv)
  const col = ['class_idx', 'label', 'labels'].find((c) => t.columns.includes(c))
  if (!col) {
    throw new ZsnasError('MISSING_COLUMN', `${t.file}: missing column "class_idx"; columns found: ${t.columns.join(', ')}`, { file: t.file, missing: 'class_idx', found: t.columns })
  }
  let rows = t.rows.map((r, i) => ({ r, i }))
  const subsetCol = `in_${size}_subset`
  if (rows.length !== count && t.columns.includes(subsetCol)) rows = rows.filter(({ r }) => String(r[subsetCol]).trim() === '1')
  if (rows.length !== count) {
    throw new ZsnasError('BAD_SHAPE', `${t.file}: ${rows.length} label rows for ${count} images; expected one row per image`, { file: t.file, rows: rows.length, images: count })
  }
  return rows.map(({ r, i }) => {
    const v = Number(String(r[col]).trim())
    if (!Number.isInteger(v) || v < 0) throw new ZsnasError('BAD_LABEL', `${t.file}, ${t.where(i)}: ${col} "${r[col]}"; expected a class index ≥ 0`, { file: t.file, where: t.where(i) })
    return v
  })
}
