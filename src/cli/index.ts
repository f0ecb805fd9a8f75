import { ZsnasError } from '../engine/core/errors'
import { CliUsageError } from './args'
import { COMMANDS, findCommand } from './commands'
import { processIO, type CliIO } from './io'

function help(io: CliIO): void {
  io.out(`zsnas — zero-shot neural architecture search (WRCor and friends)

Usage: zsnas <command> [options]     (zsnas help <command> for its options)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}
`)
}

/**
 * CLI entry. Returns the exit code: 0 ok, 2 bad input (usage error or any
 * `ZsnasError` a user can cause: missing file, truncated CIFAR batch, wrong
 * CSV columns, invalid arch string, …) with ONE line on stderr naming the
 * problem, 1 for internal errors.
 */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const sub = name === 'help' ? findCommand(rest[0] ?? '') : undefined
    if (sub) io.out(`${sub.usage}\n`)
    else help(io)
    return 0
  }
  const cmd = findCommand(name)
  if (!cmd) {
    io.err(`zsnas: unknown command '${name}'; expected one of ${COMMANDS.map((c) => c.name).join(', ')}\n`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${cmd.usage}\n`)
    return 0
  }
  try {
    return await cmd.run(rest, io)
  } catch (e) {
    if (e instanceof CliUsageError) {
      io.err(`zsnas: ${e.message}\n`)
      return 2
    }
    if (e instanceof ZsnasError && e.code !== 'INTERNAL') {
      io.err(`zsnas: error [${e.code}]: ${e.message.split('\n')[0]}\n`)
      return 2
    }
    io.err(`zsnas: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    return 1
  }
}
