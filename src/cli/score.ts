import type { CliCommand } from './commands'
import { BATCH_USAGE, INIT_USAGE, MODE_USAGE, batchFlag, datasetFlag, initFlag, intFlag, listFlag, modeFlag, parseFlags, CliUsageError } from './args'
import { scoreArchitecture } from '../engine/score/score'
import { archFromFlags } from './arch-file'
import { proxyOptionFlags, proxyOptionsFromFlags, proxyOptionsUsage } from './proxy-options'
import { nonFiniteReplacer } from '../shared/score-value'
import { getBackendInfo } from '../engine/backend/select'
import { explainBackendError } from '../backend/backend-status'

export const scoreCommand: CliCommand = {
  name: 'score',
  summary: 'score one architecture with zero-shot proxies (JSON on stdout)',
  usage: `zsnas score (--arch STR | --arch-file PATH) [options]
  --arch STR          architecture string, e.g. '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|'
  --arch-file PATH    read the architecture from a structure file (e.g. one written by zsnas export)
  --space ID          search space (default nb201)
  --proxies LIST      comma-separated proxy ids (default wrcor)
  --dataset SPEC      noise[:SIZE[:CLASSES]] | cifar10:PATH | cifar100:PATH (default noise)
  --batch N           ${BATCH_USAGE}
  --seed S            seed of batch sampling and initialisation (default 0)
  --init SCHEME       ${INIT_USAGE}
  --mode MODE         ${MODE_USAGE}
Proxy options (used when the proxy is requested):
${proxyOptionsUsage()}`,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      {
        arch: { type: 'string' },
        'arch-file': { type: 'string' },
        space: { type: 'string' },
        proxies: { type: 'string' },
        dataset: { type: 'string' },
        batch: { type: 'string' },
        seed: { type: 'string' },
        init: { type: 'string' },
        mode: { type: 'string' },
        ...proxyOptionFlags(),
      },
      'score',
    )
    const arch = archFromFlags(values.arch, values['arch-file'], 'score')
    const r = await scoreArchitecture({
      space: values.space ?? 'nb201',
      arch,
      proxies: listFlag(values.proxies, 'proxies', ['wrcor']),
      dataset: datasetFlag(values.dataset),
      batchSize: batchFlag(values.batch),
      seed: intFlag(values.seed, 'seed', 0, 0, 0xffffffff),
      init: initFlag(values.init),
      mode: modeFlag(values.mode),
      proxyOptions: proxyOptionsFromFlags(values),
    })
    // JSON has no ±Infinity: degenerate scores are written as the strings "-Infinity"/"Infinity"
    // why faster backends were passed over (e.g. the native addon npm install never downloads), with the fix
    const notUsed = (getBackendInfo()?.tried ?? [])
      .filter((t) => t.error !== undefined)
      .map((t) => ({ name: t.name, ...explainBackendError(t.name, t.error ?? '') }))
    io.out(`${JSON.stringify({ ...r, backendsNotUsed: notUsed }, nonFiniteReplacer, 2)}\n`)
    return 0
  },
}
