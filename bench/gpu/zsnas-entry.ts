/** The zsnas CLI as one bundle entry (bench/gpu/pack.mjs): `bin/node app/zsnas.js score …` in the GPU pack. */
import { main } from '../../src/cli/index'

const code = await main(process.argv.slice(2))
// tfjs backends may keep handles open; leave once stdout/stderr are flushed
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)))
