/**
 * Main's side of the datasets of a sandboxed GPU worker window: the page has no file system, so the files a
 * job's dataset names are read HERE (Node) and their bytes travel with the job (gpu-window-channel.ts,
 * `datasetFiles`); the page decodes them with the engine's bytes entry (src/engine/data/bytes.ts).
 *
 * `datasetBytesSender(window)` wraps one window's `send`:
 *  - the first `score` message of each dataset (keyed by its spec) gets the bytes of the files `datasetReads`
 *    lists for it (the path loader's own list, order and per-format size limits; regular files only, read
 *    asynchronously — the event loop turns between 4 MiB chunks); later jobs of the same dataset go without
 *    (the page keeps the opened source for the window's life);
 *  - a file that cannot be read (missing, a folder, a FIFO, over its format's limit) fails THAT job with the
 *    loader's typed error (`fail(jobId, errorData)`, as the worker would answer) and nothing is sent; the next
 *    job of that dataset tries again;
 *  - noise and the kinds without a bytes decoder are sent as they are (the page answers them: noise needs no
 *    files; the others get the bytes entry's typed INVALID_OPTION);
 *  - messages leave in the order given (a job waiting for its files holds back the ones after it).
 * Paths are the job's own: the run manager and service admitted them through the path policy
 * (src/backend/path-policy.ts) before any job was made; the page receives base names only.
 */
import type { DatasetSpec } from '../engine/core/data'
import { BYTES_DATASET_KINDS, type DatasetFileBytes } from '../engine/data/bytes'
import { readFileTyped, shortName } from '../engine/data/files'
import { datasetReads, openDataset } from '../engine/data/open'
import { readRegularAsync } from '../engine/data/read-ahead'
import { errorToData } from '../shared/dispatch'
import type { ServiceErrorData } from '../shared/schemas'

export type ReadDatasetFiles = (spec: DatasetSpec) => Promise<DatasetFileBytes[]>

/** Reads the files `openDataset(spec)` would read (`datasetReads`), with the loader's checks and typed errors. */
export async function readDatasetFiles(spec: DatasetSpec): Promise<DatasetFileBytes[]> {
  const out: DatasetFileBytes[] = []
  for (const f of datasetReads(spec)) {
    let buf: Uint8Array
    try {
      buf = (await readRegularAsync(f.path, f.what, f.maxBytes)).buf
    } catch {
      // the synchronous reader reports it with the loader's typed error (FILE_NOT_FOUND / FILE_UNREADABLE)
      buf = readFileTyped(f.path, f.what, f.maxBytes)
    }
    out.push({ name: shortName(f.path), bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) })
  }
  if (out.length === 0 && spec.kind !== 'noise') {
    // datasetReads lists nothing for a path it cannot list: the path loader's own error says why
    openDataset(spec)
  }
  return out
}

export interface DatasetBytesSenderOptions {
  /** delivers one message to the window */
  send(msg: unknown): void
  /** answers a job as failed without sending it (the message a worker would post) */
  fail(msg: { type: 'error'; jobId: number; error: ServiceErrorData }): void
  /** reads a dataset's files (default `readDatasetFiles`) */
  read?: ReadDatasetFiles
}

/** One window's `send` with dataset bytes attached (see the module comment). */
export function datasetBytesSender(o: DatasetBytesSenderOptions): (msg: unknown) => void {
  const read = o.read ?? readDatasetFiles
  const sent = new Set<string>()
  let chain: Promise<void> = Promise.resolve()
  return (msg) => {
    const m = msg as { type?: unknown; jobId?: unknown; job?: { dataset?: DatasetSpec } } | null
    const spec = m?.type === 'score' ? m.job?.dataset : undefined
    const needsFiles = spec !== undefined && spec.kind !== 'noise' && BYTES_DATASET_KINDS.includes(spec.kind)
    const key = needsFiles ? JSON.stringify(spec) : ''
    chain = chain.then(async () => {
      if (!needsFiles || sent.has(key)) return o.send(msg)
      let files: DatasetFileBytes[]
      try {
        files = await read(spec)
      } catch (e) {
        return o.fail({ type: 'error', jobId: m!.jobId as number, error: errorToData(e) })
      }
      sent.add(key)
      o.send({ ...m, datasetFiles: files })
    })
  }
}
