import type { CliCommand } from './commands'
import { parseFlags } from './args'
import { describeAccepted } from '../engine/core/options'
import { BATCH_SIZE_OPTION, SEED_OPTION } from '../engine/score/request-spec'
import { flagsUsage, proxyFlags, spaceFlags, strategyFlags, type OptionFlag } from './proxy-options'

/**
 * `zsnas options`: every option every registry entry declares (proxies,
 * search spaces, strategies, the scoring request), with its flag, what it
 * accepts and its default — generated from the declarations, never a copy.
 * `--json` prints the same as one JSON array (for scripts and exports).
 */
export const optionsCommand: CliCommand = {
  name: 'options',
  summary: 'list every declared option of proxies, spaces and strategies (flags, bounds, defaults)',
  usage: `zsnas options [--json]
  --json   one JSON array of { kind, owner, flag (score/evaluate), key, type, default, min, max, multipleOf, choices, accepts }`,
  async run(argv, io) {
    const { values } = parseFlags(argv, { json: { type: 'boolean' } }, 'options')
    const request: OptionFlag[] = [
      { flag: 'batch', owner: 'score', spec: BATCH_SIZE_OPTION },
      { flag: 'seed', owner: 'score', spec: SEED_OPTION },
    ]
    const groups: [string, OptionFlag[]][] = [
      ['request', request],
      ['proxy', proxyFlags()],
      ['space', spaceFlags()],
      ['strategy', strategyFlags()],
    ]
    if (values.json) {
      const rows = groups.flatMap(([kind, flags]) =>
        flags.map(({ flag, owner, spec }) => ({
          kind,
          owner,
          ...(kind === 'request' || kind === 'proxy' ? { flag: `--${flag}` } : {}),
          ...spec,
          accepts: describeAccepted(spec),
        })),
      )
      io.out(`${JSON.stringify(rows, null, 2)}\n`)
      return 0
    }
    const title: Record<string, string> = {
      request: 'Scoring request (zsnas score / evaluate / search)',
      proxy: 'Proxy options (zsnas score / evaluate; used when the proxy is requested)',
      space: 'Search-space options (run config spaceOptions; zsnas search has its own flags, see zsnas help search)',
      strategy: 'Strategy options (run config strategyOptions; zsnas search has its own flags, see zsnas help search)',
    }
    const configKey = (e: OptionFlag) => `${e.owner}: ${e.spec.key}`
    const text = groups.map(([kind, flags]) => `${title[kind]}:\n${flagsUsage(flags, kind === 'space' || kind === 'strategy' ? configKey : undefined)}`)
    io.out(`${text.join('\n\n')}\n`)
    return 0
  },
}
