/**
 * Handlers of `models.exporters` / `models.export`: the engine's exporter
 * registry behind the contract. Writes the files of every requested format
 * into one folder: to a temporary folder first, then renamed into place, so
 * an export is never half-written; an existing non-empty folder is refused
 * (CONFLICT) so nothing is overwritten. Default folder:
 * `<dataDir>/exports/models/<space>-<hash prefix>-<UTC stamp>`. With `scoredIn`
 * (run id + evaluation index) the weights are those that evaluation was scored
 * with and classes / input size default to the run's dataset.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ServiceError } from '../shared/client'
import type { ServiceHandlers } from '../shared/contract'
import { getSpace } from '../engine/spaces/registry'
import { exportArchitecture, listExporters, type ExportFile, type ExportRequest } from '../engine/export/registry'
import { datasetShape } from '../engine/export/best-model'
import type { RunStore } from './store'
import { evaluationSeed } from './seeds'
import { ensureDir } from './fs-safe'

export function modelExportHandlers(dataDir: string, store: RunStore): Pick<ServiceHandlers, 'models.exporters' | 'models.export'> {
  return {
    'models.exporters': (q) => listExporters(q?.space).map((e) => ({ ...e, spaces: e.spaces === 'all' ? 'all' : [...e.spaces] })),
    'models.export': (req) => {
      let base: Omit<ExportRequest, 'format'> = { space: req.space, arch: req.arch, weights: req.weights, numClasses: req.numClasses, inputSize: req.inputSize, seed: req.seed }
      if (req.scoredIn) {
        const rec = store.require(req.scoredIn.runId)
        if (rec.config.space !== req.space) {
          throw new ServiceError('INVALID_OPTION', `scoredIn: run '${rec.id}' searched space '${rec.config.space}', not '${req.space}'`, { runId: rec.id })
        }
        const shape = datasetShape(rec.config.dataset)
        base = { ...base, numClasses: req.numClasses ?? shape.numClasses, inputSize: req.inputSize ?? shape.inputSize, seed: evaluationSeed(rec.seed, req.scoredIn.index), init: rec.config.init }
      }
      const files: ExportFile[] = []
      for (const format of req.formats) files.push(...exportArchitecture({ ...base, format }))
      const space = getSpace(req.space)
      const hash = space.hash(space.fromString(req.arch)).replace(/[^A-Za-z0-9]/g, '').slice(0, 12) || 'arch'
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')
      const target = path.resolve(req.dir ?? path.join(dataDir, 'exports', 'models', `${req.space}-${hash}-${stamp}`))
      if (fs.existsSync(target) && fs.readdirSync(target).length > 0) {
        throw new ServiceError('CONFLICT', `export folder ${target} exists and is not empty; choose another folder`, { dir: target })
      }
      const tmp = `${target}.tmp-${process.pid}-${Date.now()}`
      try {
        ensureDir(tmp, 'export folder')
        for (const f of files) {
          ensureDir(path.dirname(path.join(tmp, f.name)), 'export folder')
          fs.writeFileSync(path.join(tmp, f.name), f.data)
        }
        ensureDir(path.dirname(target), 'export folder')
        if (fs.existsSync(target)) fs.rmdirSync(target)
        fs.renameSync(tmp, target)
      } catch (e) {
        fs.rmSync(tmp, { recursive: true, force: true })
        throw e
      }
      return { dir: target, files: files.map((f) => f.name).sort() }
    },
  }
}
