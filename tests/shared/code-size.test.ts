/**
 * Issue #16's size clauses, measured on the source with the TypeScript parser: no file over 400 lines in
 * src/backend and src/cli (the shells and the shared backend), and no function over 80 lines in the search loop and
 * the files around it (search session, scorer, engine adapter, the `zsnas search` command and its flag parsers).
 * A function is every function-like node with a body (declarations, methods, arrows, function expressions);
 * its length is from its first to its last line.
 */
import { describe, expect, it } from 'vitest'
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const ROOT = path.resolve(__dirname, '../..')
const FILE_LIMIT = 400
const FUNCTION_LIMIT = 80
const FUNCTION_FILES = [
  'src/backend/search-session.ts',
  'src/backend/scorer.ts',
  'src/backend/engine-adapter.ts',
  'src/cli/search.ts',
  'src/cli/options.ts',
  'src/cli/args.ts',
  'src/cli/proxy-options.ts',
  'src/cli/space-flags.ts',
]

function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f))
}

/** [name@line, lines] of every function-like node with a body longer than `limit` lines. */
function longFunctions(file: string, text: string, limit: number): [string, number][] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const out: [string, number][] = []
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) && 'body' in n && n.body !== undefined) {
      const a = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line
      const b = sf.getLineAndCharacterOfPosition(n.getEnd()).line
      const name = 'name' in n && n.name !== undefined ? (n.name as ts.Node).getText(sf) : '(anonymous)'
      if (b - a + 1 > limit) out.push([`${name}@${a + 1}`, b - a + 1])
    }
    ts.forEachChild(n, visit)
  }
  visit(sf)
  return out
}

describe('code size (issue #16)', () => {
  it('the measure sees a long function and ignores a short one', () => {
    const long = `export function f() {\n${'  g()\n'.repeat(FUNCTION_LIMIT)}}\nconst h = () => 1\n`
    expect(longFunctions('x.ts', long, FUNCTION_LIMIT)).toEqual([['f@1', FUNCTION_LIMIT + 2]])
    expect(longFunctions('x.ts', 'class A { m() {\n return 1\n} }', FUNCTION_LIMIT)).toEqual([])
  })

  it(`no file in src/backend or src/cli has more than ${FILE_LIMIT} lines`, () => {
    const files = [...tsFiles('src/backend'), ...tsFiles('src/cli')]
    expect(files.length).toBeGreaterThan(20)
    const over = files
      .map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > FILE_LIMIT)
    expect(over).toEqual([])
  })

  it(`no function in the search loop's files has more than ${FUNCTION_LIMIT} lines`, () => {
    const over = FUNCTION_FILES.flatMap((f) =>
      longFunctions(f, fs.readFileSync(path.join(ROOT, f), 'utf8'), FUNCTION_LIMIT).map(([n, l]) => `${f} ${n}: ${l} lines`),
    )
    expect(over).toEqual([])
  })
})
