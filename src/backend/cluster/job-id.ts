/**
 * Deterministic BullMQ job ids: the sha256 of (run, evaluation index,
 * architecture, proxies, scoring options, seed, dataset content hash).
 * Re-adding the same evaluation gives the same id, so BullMQ deduplicates it;
 * any change of what is scored gives another id. Path names never enter the
 * id (only the dataset's content hash), so two machines with the data in
 * different folders agree on it.
 */
import { createHash } from 'node:crypto'
import type { ScoreRequest } from '../../engine/score/score'
import type { DatasetRef } from './protocol'

/** JSON with object keys sorted (canonical: the id never depends on key order). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`
  }
  return JSON.stringify(v)
}

/** `e<index>-<40 hex>`; the index is kept in clear for people reading the queue. No ':' (BullMQ refuses it). */
export function clusterJobId(run: string, index: number, req: ScoreRequest, dataset: DatasetRef): string {
  const { arch, proxies, seed, dataset: spec, ...options } = req
  // the dataset's kind and shape options count, its paths do not (the content hash stands for them)
  const { path: _p, labelsCsv: _l, ...datasetOptions } = spec as Record<string, unknown>
  const key = canonicalJson({ run, index, arch, proxies, options, seed, dataset, datasetOptions })
  return `e${index}-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`
}
