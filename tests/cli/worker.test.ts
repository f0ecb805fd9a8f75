/**
 * `zsnas worker` and `zsnas search --redis` bad input (issue #19): exit 2 with
 * one line naming the flag, before anything connects; the password never
 * appears in what is printed.
 */
import { describe, expect, it } from 'vitest'
import { main } from '../../src/cli/index'
import { capture } from '../helpers/cli-io'

const run = async (argv: string[]) => {
  const io = capture()
  const code = await main(argv, io)
  return { code, err: io.stderr }
}

describe('zsnas worker: bad input', () => {
  it.each([
    ['no --redis', ['worker'], /--redis URL is required/],
    ['not a URL', ['worker', '--redis', 'localhost'], /\[INVALID_OPTION\].*--redis 'localhost' is not a URL/],
    ['wrong scheme', ['worker', '--redis', 'http://:hunter2@h:1'], /\[INVALID_OPTION\].*scheme 'http:'/],
    ['bad db', ['worker', '--redis', 'redis://h/16'], /database '16' must be an integer 0\.\.15/],
    ['bad concurrency', ['worker', '--redis', 'redis://h', '--concurrency', '0'], /--concurrency must be an integer in 1\.\.256, got '0'/],
    ['missing data root', ['worker', '--redis', 'redis://h', '--data-root', '/nonexistent/zsnas-data'], /\[FILE_NOT_FOUND\].*--data-root \/nonexistent\/zsnas-data: not a folder/],
    ['password file without --redis', ['worker', '--redis-password-file', '/x'], /need --redis URL/],
    ['unreadable password file', ['worker', '--redis', 'redis://h', '--redis-password-file', '/nonexistent/pw'], /\[FILE_UNREADABLE\].*--redis-password-file \/nonexistent\/pw/],
  ])('%s: exit 2, one line', async (_name, argv, pattern) => {
    const { code, err } = await run(argv)
    expect(code).toBe(2)
    expect(err.trim().split('\n')).toHaveLength(1)
    expect(err).toMatch(pattern)
    expect(err).not.toContain('hunter2')
  })
})

describe('zsnas search --redis: bad input', () => {
  it('a bad Redis URL exits 2 naming --redis, without the password', async () => {
    const { code, err } = await run(['search', '--proxy', 'params', '--n', '2', '--dataset', 'noise:8:10', '--batch', '4', '--redis', 'ftp://u:hunter2@h'])
    expect(code).toBe(2)
    expect(err).toMatch(/--redis 'ftp:\/\/u:\*\*\*@h'/)
    expect(err).not.toContain('hunter2')
  })
})
