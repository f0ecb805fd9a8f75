/**
 * The exported weights as a PyTorch `state_dict` file in the safetensors
 * format (an 8-byte little-endian header length, a JSON header mapping each
 * key to dtype/shape/byte range, then the raw little-endian tensor data).
 * `safetensors.torch.load_file(path)` reads it, and so does the
 * `engine_weights.py` helper written next to `model.py` (torch + the Python
 * standard library only); the resulting dict is accepted by
 * `model.load_state_dict(sd)` with strict key checking.
 *
 * Guarantees: keys, order and shapes are `stateTensors(graph)`; values are the
 * given engine weights converted to PyTorch layouts (`weights.ts`); BN running
 * statistics are a fresh layer's (mean 0, var 1, num_batches_tracked 0);
 * the header is padded with spaces to a multiple of 8 bytes.
 */
import { ZsnasError } from '../core/errors'
import type { ExportGraph } from './graph'
import { stateTensors } from './layers'
import { checkWeights, toTorchLayout, type WeightMap } from './weights'

/** Torch-layout float32 values of every state tensor (BN buffers filled), keyed like the state_dict. */
export function torchStateValues(g: ExportGraph, weights: WeightMap): Map<string, Float32Array | BigInt64Array> {
  checkWeights(g.params, weights)
  const spec = new Map(g.params.map((p) => [p.name, p]))
  const out = new Map<string, Float32Array | BigInt64Array>()
  for (const t of stateTensors(g)) {
    if (t.param !== undefined) out.set(t.key, toTorchLayout(spec.get(t.param)!, weights.get(t.param)!))
    else if (t.dtype === 'int64') out.set(t.key, new BigInt64Array(1))
    else out.set(t.key, new Float32Array(t.shape.reduce((a, b) => a * b, 1)).fill(t.fill ?? 0))
  }
  return out
}

/** The safetensors bytes of the model's state_dict (see the module comment). */
export function stateDictSafetensors(g: ExportGraph, weights: WeightMap, metadata: Record<string, string> = {}): Uint8Array {
  const values = torchStateValues(g, weights)
  const header: Record<string, unknown> = { __metadata__: metadata }
  let offset = 0
  const chunks: Uint8Array[] = []
  for (const t of stateTensors(g)) {
    const v = values.get(t.key)!
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
    header[t.key] = { dtype: t.dtype === 'int64' ? 'I64' : 'F32', shape: t.shape, data_offsets: [offset, offset + bytes.length] }
    chunks.push(bytes)
    offset += bytes.length
  }
  const enc = new TextEncoder()
  let json = JSON.stringify(header)
  while ((8 + enc.encode(json).length) % 8 !== 0) json += ' '
  const head = enc.encode(json)
  const out = new Uint8Array(8 + head.length + offset)
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true)
  out.set(head, 8)
  let p = 8 + head.length
  for (const c of chunks) {
    out.set(c, p)
    p += c.length
  }
  if (p !== out.length) throw new ZsnasError('INTERNAL', 'safetensors writer: size mismatch')
  return out
}

/** `engine_weights.py`: loads a safetensors state_dict with torch + the standard library only. */
export const ENGINE_WEIGHTS_PY = `"""Load a state_dict written by ZSNAS Studio (safetensors format) with torch only.

    from model import build_model
    from engine_weights import load_state_dict_file
    model = build_model()
    model.load_state_dict(load_state_dict_file("weights.safetensors"))

(safetensors.torch.load_file reads the same file when that package is installed.)
"""
import json
import struct

import torch

_DTYPES = {"F32": torch.float32, "I64": torch.int64}


def load_state_dict_file(path):
    """Returns {key: tensor} in the file's order; raises ValueError on a malformed file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    base = 8 + n
    out = {}
    for key, info in header.items():
        begin, end = info["data_offsets"]
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: tensor {key} has unsupported dtype {info['dtype']}")
        buf = bytearray(data[base + begin:base + end])
        t = torch.frombuffer(buf, dtype=dtype) if len(buf) else torch.empty(0, dtype=dtype)
        out[key] = t.reshape(info["shape"]).clone()
    return out
`
