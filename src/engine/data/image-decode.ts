import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import { ZsnasError } from '../core/errors'
import { readFileTyped, shortName } from './files'

/** An RGB uint8 image, interleaved row-major (NHWC without N). */
export interface RgbImage {
  width: number
  height: number
  data: Uint8Array
}

/**
 * Decodes a PNG or JPEG file (by content, not extension) to RGB with the
 * maintained pure-JS decoders pngjs / jpeg-js. Anything else, or a corrupt
 * file, → ZsnasError('BAD_FORMAT') naming the file; a missing/unreadable file
 * → FILE_NOT_FOUND / FILE_UNREADABLE.
 */
export function decodeImageFile(path: string, maxBytes?: number): RgbImage {
  const buf = readFileTyped(path, 'image', maxBytes)
  return decodeImage(buf, path)
}

export function decodeImage(buf: Uint8Array, path: string): RgbImage {
  const name = shortName(path)
  const isPng = buf.length >= 8 && buf[0] === 0x89 && buf[1] === 0x50 && buf[2] === 0x4e && buf[3] === 0x47
  const isJpeg = buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff
  let rgba: { width: number; height: number; data: Uint8Array }
  try {
    if (isPng) rgba = PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength))
    else if (isJpeg) rgba = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 })
    else throw new ZsnasError('BAD_FORMAT', `${name}: not a PNG or JPEG image (unrecognised header); expected .png or .jpg content`, { path })
  } catch (e) {
    if (e instanceof ZsnasError) throw e
    throw new ZsnasError('BAD_FORMAT', `${name}: cannot decode ${isPng ? 'PNG' : 'JPEG'} image: ${(e as Error).message}`, { path })
  }
  if (!(rgba.width > 0 && rgba.height > 0) || rgba.data.length < rgba.width * rgba.height * 4) {
    throw new ZsnasError('BAD_FORMAT', `${name}: decoded image has no pixels`, { path })
  }
  const n = rgba.width * rgba.height
  const data = new Uint8Array(n * 3)
  for (let p = 0; p < n; p++) {
    data[p * 3] = rgba.data[p * 4]
    data[p * 3 + 1] = rgba.data[p * 4 + 1]
    data[p * 3 + 2] = rgba.data[p * 4 + 2]
  }
  return { width: rgba.width, height: rgba.height, data }
}

/** Per output sample: first source index and its normalised weights. */
interface Taps {
  first: Int32Array
  count: Int32Array
  weights: Float64Array[]
}

/**
 * Antialiased linear (triangle-filter) resampling weights, PIL-style: the
 * filter is stretched by the scale factor when downsampling, so every source
 * pixel contributes (no aliasing); pixel centres at half-integers.
 */
function taps(srcLen: number, dstLen: number): Taps {
  const scale = srcLen / dstLen
  const support = Math.max(scale, 1)
  const first = new Int32Array(dstLen), count = new Int32Array(dstLen)
  const weights: Float64Array[] = []
  for (let i = 0; i < dstLen; i++) {
    const center = (i + 0.5) * scale
    const lo = Math.max(0, Math.floor(center - support))
    const hi = Math.min(srcLen, Math.ceil(center + support))
    const w = new Float64Array(hi - lo)
    let sum = 0
    for (let j = lo; j < hi; j++) {
      const v = Math.max(0, 1 - Math.abs((j + 0.5 - center) / support))
      w[j - lo] = v
      sum += v
    }
    for (let k = 0; k < w.length; k++) w[k] /= sum
    first[i] = lo
    count[i] = hi - lo
    weights.push(w)
  }
  return { first, count, weights }
}

/** Resizes an RGB image to width × height (antialiased linear filter, rounded to uint8). */
export function resizeRgb(img: RgbImage, width: number, height: number): RgbImage {
  if (img.width === width && img.height === height) return img
  const tx = taps(img.width, width), ty = taps(img.height, height)
  const tmp = new Float64Array(img.height * width * 3)
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < width; x++) {
      const w = tx.weights[x], f = tx.first[x]
      let r = 0, g = 0, b = 0
      for (let k = 0; k < w.length; k++) {
        const p = (y * img.width + f + k) * 3
        r += w[k] * img.data[p]
        g += w[k] * img.data[p + 1]
        b += w[k] * img.data[p + 2]
      }
      const o = (y * width + x) * 3
      tmp[o] = r
      tmp[o + 1] = g
      tmp[o + 2] = b
    }
  }
  const out = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    const w = ty.weights[y], f = ty.first[y]
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let v = 0
        for (let k = 0; k < w.length; k++) v += w[k] * tmp[((f + k) * width + x) * 3 + c]
        out[(y * width + x) * 3 + c] = Math.min(255, Math.max(0, Math.round(v)))
      }
    }
  }
  return { width, height, data: out }
}

/** Resizes so the shorter side is `shorter` (aspect kept, longer side rounded). */
export function resizeShorterSide(img: RgbImage, shorter: number): RgbImage {
  if (img.width <= img.height) return resizeRgb(img, shorter, Math.max(shorter, Math.round((img.height * shorter) / img.width)))
  return resizeRgb(img, Math.max(shorter, Math.round((img.width * shorter) / img.height)), shorter)
}
