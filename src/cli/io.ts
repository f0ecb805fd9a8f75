/** Where a command writes: JSON/CSV results to `out` (stdout), messages and progress to `err` (stderr). */
export interface CliIO {
  out(text: string): void
  err(text: string): void
  /** stderr is an interactive terminal (progress redraws in place) */
  errIsTTY: boolean
}

export const processIO: CliIO = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  errIsTTY: process.stderr.isTTY === true,
}
