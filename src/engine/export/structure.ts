/**
 * Structure-file exporters: the architecture as the text a researcher (or
 * `zsnas score --arch-file`) reads back. Each writes one file, whose content
 * parses with the space's `fromString` to the same architecture (same hash).
 *
 * - `plainnet` (MobileNetV2): the PlainNet string of the paper's genotype
 *   format (ZenNAS `SuperConvK3BNRELU(…)SuperResIDWE…(…)…`) followed by `@R`,
 *   the input resolution — exactly the engine's canonical string.
 * - `nb201`: the NAS-Bench-201 string `|op~0|+|op~0|op~1|+|…|`.
 * - `nb101-json`: `{"matrix": [[0/1 …]], "ops": ["input", …, "output"]}` of the
 *   pruned cell, NASLib / nasbench `ModelSpec` conventions (upper-triangular
 *   adjacency, row = from, column = to; op names conv3x3-bn-relu,
 *   conv1x1-bn-relu, maxpool3x3), plus the architecture hash.
 */
import { ZsnasError } from '../core/errors'
import type { ExportContext, Exporter, ExportFile } from './types'

function only(ctx: ExportContext, space: string, format: string): void {
  if (ctx.spaceId !== space) {
    throw new ZsnasError('INVALID_OPTION', `format '${format}' is for the ${space} space, not '${ctx.spaceId}'; use pytorch or onnx for any space`)
  }
}

export const plainnetExporter: Exporter = {
  id: 'plainnet',
  label: 'PlainNet string (MobileNetV2)',
  description: 'the PlainNet structure string with @resolution (paper / ZenNAS genotype format)',
  spaces: ['mbv2'],
  usesWeightsOption: false,
  export(ctx): ExportFile[] {
    only(ctx, 'mbv2', 'plainnet')
    return [{ name: 'arch.plainnet.txt', data: `${ctx.arch}\n`, description: 'PlainNet structure string with @R (zsnas score --arch-file reads it)' }]
  },
}

export const nb201Exporter: Exporter = {
  id: 'nb201',
  label: 'NAS-Bench-201 string',
  description: 'the NAS-Bench-201 architecture string',
  spaces: ['nb201'],
  usesWeightsOption: false,
  export(ctx): ExportFile[] {
    only(ctx, 'nb201', 'nb201')
    return [{ name: 'arch.nb201.txt', data: `${ctx.arch}\n`, description: 'NAS-Bench-201 string (zsnas score --arch-file reads it)' }]
  },
}

export const nb101JsonExporter: Exporter = {
  id: 'nb101-json',
  label: 'NAS-Bench-101 JSON',
  description: 'adjacency matrix + ops as JSON (NASLib / nasbench ModelSpec conventions)',
  spaces: ['nb101'],
  usesWeightsOption: false,
  export(ctx): ExportFile[] {
    only(ctx, 'nb101', 'nb101-json')
    const m = /^matrix=([01/]+);ops=(.+)$/.exec(ctx.arch)
    if (!m) throw new ZsnasError('INTERNAL', `nb101-json: canonical string '${ctx.arch}' has an unexpected form`)
    const matrix = m[1].split('/').map((r) => [...r].map(Number))
    const body = `{\n  "matrix": [\n${matrix.map((r) => `    [${r.join(', ')}]`).join(',\n')}\n  ],\n  "ops": ${JSON.stringify(m[2].split(','))},\n  "hash": ${JSON.stringify(ctx.hash)}\n}\n`
    return [{ name: 'arch.nb101.json', data: body, description: 'NB101 cell: adjacency matrix + ops (zsnas score --arch-file reads it)' }]
  },
}
