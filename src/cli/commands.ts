import type { CliIO } from './io'
import { scoreCommand } from './score'
import { evaluateCommand } from './evaluate'
import { searchCommand } from './search'
import { optionsCommand } from './options'
import { exportCommand } from './export'
import { backendsCommand } from './backends'
import { workerCommand } from './worker'

/**
 * A `zsnas` subcommand. `run` receives the arguments after the subcommand
 * name and returns the exit code (0 ok). Bad user input should throw a
 * `ZsnasError` (or `CliUsageError`); `main` prints one line and exits with 2.
 */
export interface CliCommand {
  name: string
  summary: string
  usage: string
  run(argv: string[], io: CliIO): Promise<number>
}

/**
 * Subcommand registry: one file per command + one line here. The `search`
 * command (src/cli/search.ts, owned by the search developer) plugs in with
 * `import { searchCommand } from './search'` and one more entry.
 */
export const COMMANDS: CliCommand[] = [scoreCommand, evaluateCommand, searchCommand, optionsCommand, exportCommand, workerCommand, backendsCommand]

export function findCommand(name: string): CliCommand | undefined {
  return COMMANDS.find((c) => c.name === name)
}
