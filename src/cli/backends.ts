import type { CliCommand } from './commands'
import { CliUsageError, intFlag, listFlag, parseFlags } from './args'
import { PROBE_ORDER, formatReport, probeBackends } from '../backend/backend-status'

/**
 * `zsnas backends`: every tfjs backend of the engine, probed in its own process: available (with the WebGPU
 * adapter) or why not and how to fix it (e.g. the native TensorFlow addon that `npm install` never downloads:
 * `npm run setup:native`). Exit 0 when every backend named by `--only` loads (without `--only`: when any loads),
 * else 1.
 */
export const backendsCommand: CliCommand = {
  name: 'backends',
  summary: 'list the tfjs backends: available (adapter) or why not and how to fix it',
  usage: `zsnas backends [--json] [--only LIST] [--timeout S]
  --json          the report as JSON on stdout (selected, forcedByEnv, backends[].candidates[].reason/hint/error)
  --only LIST     comma-separated subset of ${PROBE_ORDER.join(', ')}; exit 1 unless all of them load
  --timeout S     seconds each probe process may take (default 60)
Each backend is initialised in its own process, forced the way ZSNAS_BACKEND=NAME forces it; one more
process runs the automatic order (tensorflow → webgpu on a hardware adapter → wasm → cpu) to show what
scoring would use.`,
  async run(argv, io) {
    const { values } = parseFlags(argv, { json: { type: 'boolean' }, only: { type: 'string' }, timeout: { type: 'string' } }, 'backends')
    const only = values.only === undefined ? undefined : listFlag(values.only, 'only', [])
    for (const b of only ?? []) {
      if (!(PROBE_ORDER as readonly string[]).includes(b)) {
        throw new CliUsageError(`--only: unknown backend '${b}'; expected one of ${PROBE_ORDER.join(', ')}`)
      }
    }
    const timeoutMs = intFlag(values.timeout, 'timeout', 60, 1, 3600) * 1000
    if (!values.json) io.err(`probing ${(only ?? PROBE_ORDER).length} backends, one process each…\n`)
    const report = await probeBackends({ backends: only, timeoutMs })
    io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report))
    const ok = only !== undefined ? report.backends.every((b) => b.available) : report.backends.some((b) => b.available)
    return ok ? 0 : 1
  },
}
