/**
 * `zsnas export`: writes an architecture as model files (PyTorch model.py +
 * train.py [+ weights], ONNX) or structure files (PlainNet, NB201 string,
 * NB101 JSON) into a folder, through the engine's exporter registry.
 *
 * Guarantees: nothing is overwritten unless --force (an existing file makes
 * the command fail before anything is written); each file is written to a
 * temporary name and renamed, so an interrupted export leaves no truncated
 * file; stdout gets a JSON summary (files, sizes, the architecture hash),
 * stderr one line per file.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CliCommand } from './commands'
import type { CliIO } from './io'
import { CliUsageError, initFlag, intFlag, listFlag, parseFlags } from './args'
import { archFromFlags } from './arch-file'
import { ZsnasError } from '../engine/core/errors'
import { getSpace } from '../engine/spaces/registry'
import { exportArchitecture, getExporter, listExporters, type ExportFile, type ExportRequest } from '../engine/export/registry'
import { ensureDirTracked, removeCreated } from '../backend/fs-safe'

const formats = (): string => listExporters().map((e) => `${e.id}${e.spaces === 'all' ? '' : ` (${e.spaces.join('/')})`}`).join(' | ')

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'export an architecture as a trainable model (PyTorch, ONNX) or structure file',
  usage: `zsnas export --space S (--arch STR | --arch-file PATH) --format LIST --out DIR [options]
  --space ID          search space: nb201 | nb101 | mbv2 (default nb201)
  --arch STR          architecture string (or --arch-file PATH: a structure file)
  --format LIST       comma-separated: ${formats()}
  --out DIR           output folder (created if missing)
  --weights           PyTorch: also write the engine's initial weights (weights.safetensors)
  --classes N         classifier outputs (default 10; mbv2: 1000)
  --input-size N      input H = W (default 32; mbv2: the architecture's R)
  --seed S            weights = those 'zsnas score --seed S' scores with (default 0)
  --init SCHEME       initialisation of the weights (default pytorch)
  --force             overwrite existing files
Exported models take NCHW input; BatchNorm in ONNX is in inference mode (fresh statistics).`,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      {
        space: { type: 'string' },
        arch: { type: 'string' },
        'arch-file': { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        weights: { type: 'boolean' },
        classes: { type: 'string' },
        'input-size': { type: 'string' },
        seed: { type: 'string' },
        init: { type: 'string' },
        force: { type: 'boolean' },
      },
      'export',
    )
    const arch = archFromFlags(values.arch, values['arch-file'], 'export')
    if (values.format === undefined) throw new CliUsageError(`export: --format is required (${formats()})`)
    if (values.out === undefined) throw new CliUsageError('export: --out DIR is required')
    const space = values.space ?? 'nb201'
    getSpace(space)
    const outDir = values.out
    // every flag and format is checked before the first progress line, so a bad one is the only line printed
    const formatList = listFlag(values.format, 'format', [])
    for (const format of formatList) getExporter(format)
    const common = {
      space,
      arch,
      weights: values.weights === true,
      numClasses: values.classes === undefined ? undefined : intFlag(values.classes, 'classes', 0, 1, 100000),
      inputSize: values['input-size'] === undefined ? undefined : intFlag(values['input-size'], 'input-size', 0, 4, 1024),
      seed: intFlag(values.seed, 'seed', 0, 0, 0xffffffff),
      init: initFlag(values.init),
    }
    // the output folder too: a bad --out is the only line printed, and a later failure takes back what was created
    const made = ensureDirTracked(outDir, '--out')
    try {
      return writeExports(io, formatList, common, outDir, values.force === true)
    } catch (e) {
      removeCreated(made.created)
      throw e
    }
  },
}

/** Runs the exporters (pure), refuses to overwrite without --force, writes each file via temp + rename. */
function writeExports(io: CliIO, formatList: string[], common: Omit<ExportRequest, 'format'>, outDir: string, force: boolean): number {
  const files: ExportFile[] = []
  for (const format of formatList) {
    io.err(`exporting ${format}…\n`)
    files.push(...exportArchitecture({ ...common, format }))
  }
  const names = new Set<string>()
  for (const f of files) {
    if (names.has(f.name)) throw new ZsnasError('INTERNAL', `export: two formats write ${f.name}`)
    names.add(f.name)
    if (!force && existsSync(join(outDir, f.name))) {
      throw new ZsnasError('INVALID_OPTION', `export: ${join(outDir, f.name)} exists; use --force to overwrite or choose another --out`)
    }
  }
  for (const f of files) {
    const dest = join(outDir, f.name)
    const tmp = `${dest}.partial-${process.pid}`
    writeFileSync(tmp, f.data)
    renameSync(tmp, dest)
    io.err(`wrote ${dest} (${f.description})\n`)
  }
  const s = getSpace(common.space)
  const a = s.fromString(common.arch)
  io.out(
    `${JSON.stringify({ space: common.space, arch: s.toString(a), hash: s.hash(a), out: outDir, files: files.map((f) => ({ name: f.name, bytes: typeof f.data === 'string' ? Buffer.byteLength(f.data) : f.data.length, description: f.description })) }, null, 2)}\n`,
  )
  return 0
}
