#!/usr/bin/env node
// `npx zsnas …`: runs the TypeScript CLI (src/cli/index.ts) through tsx's ESM loader.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/cli/index.ts')
const code = await main(process.argv.slice(2))
// tfjs backends may keep handles open; leave once stdout/stderr are flushed
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)))
