import { ZsnasError } from '../core/errors'
import { shortName } from './files'
import { checkNdArray, dtypeCode, NdArray, PyBytes, toNumbers, unpickle, type PyValue } from './pickle'

/**
 * The "python version" of CIFAR-10/100 (`cifar-10-batches-py/data_batch_1`,
 * `cifar-100-python/train`): a pickled dict with `data` = uint8 array
 * (N, 3072), rows = R, G, B planes of 32×32 (the same pixel layout as the
 * binary version), and `labels` (CIFAR-10) or `fine_labels` (CIFAR-100).
 * Read with the safe unpickler (nothing is executed).
 */
export interface CifarPicklePart {
  /** N rows of 3072 bytes, planar RGB */
  pixels: Uint8Array
  labels: Int32Array
}

/** True when the buffer starts like a binary pickle (PROTO 2..5). */
export function isPickle(buf: Uint8Array): boolean {
  return buf.length > 2 && buf[0] === 0x80 && buf[1] >= 2 && buf[1] <= 5
}

export function readCifarPickle(buf: Uint8Array, file: string, variant: 'cifar10' | 'cifar100', maxRecords: number): CifarPicklePart {
  const name = shortName(file)
  const what = variant === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'
  const labelKey = variant === 'cifar10' ? 'labels' : 'fine_labels'
  const root = unpickle(buf, name)
  if (!(root instanceof Map) || !root.has('data') || !root.has(labelKey)) {
    const keys = root instanceof Map ? [...root.keys()].map(String).join(', ') : 'no dict'
    throw new ZsnasError('BAD_FORMAT', `${name}: a pickle with ${keys}; expected a ${what} python-version batch with 'data' and '${labelKey}'`, { path: file })
  }
  const labels = toNumbers(root.get(labelKey) as PyValue, name, `'${labelKey}'`)
  const data = root.get('data')
  let pixels: Uint8Array
  if (data instanceof NdArray) {
    checkNdArray(data, name, "'data'")
    if (dtypeCode(data) !== 'u1' || data.fortran) throw new ZsnasError('BAD_FORMAT', `${name}: 'data' is not a C-ordered uint8 array`, { path: file })
    pixels = data.data!
  } else if (data instanceof PyBytes) {
    pixels = data.bytes
  } else {
    throw new ZsnasError('BAD_FORMAT', `${name}: 'data' is not a uint8 array`, { path: file })
  }
  const n = labels.length
  if (pixels.length !== n * 3072) {
    throw new ZsnasError('BAD_SHAPE', `${name}: 'data' holds ${pixels.length} bytes for ${n} labels; expected ${n} rows of 3072 bytes (32×32×3)`, { path: file, bytes: pixels.length, labels: n })
  }
  if (n === 0) throw new ZsnasError('EMPTY_DATASET', `${name}: the batch holds no images`, { path: file })
  if (n > maxRecords) throw new ZsnasError('BAD_FORMAT', `${name}: holds ${n} images, more than the ${maxRecords} of an official ${what} batch file`, { path: file, count: n })
  const max = variant === 'cifar10' ? 9 : 99
  labels.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 0 || l > max) {
      throw new ZsnasError('BAD_LABEL', `${name}: image ${i} has ${variant === 'cifar10' ? 'label' : 'fine label'} ${l}; expected 0..${max}`, { path: file, index: i, value: l })
    }
  })
  return { pixels, labels: Int32Array.from(labels) }
}
