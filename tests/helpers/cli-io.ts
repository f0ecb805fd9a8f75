import type { CliIO } from '../../src/cli/io'

/** A non-TTY `CliIO` that keeps everything the CLI writes, for assertions on stdout and stderr. */
export function capture(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    errIsTTY: false,
    out(t: string) {
      io.stdout += t
    },
    err(t: string) {
      io.stderr += t
    },
  }
  return io
}
