/**
 * A binary file given as a benchmark table (issue #21 defect 11): refused as
 * BAD_FORMAT before parsing, and no message echoes raw bytes — checked on the
 * shared CIFAR-10 binary (named .bin and .csv) and on text with a stray quote.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readTabular } from '../../../src/engine/benchmarks/tabular'
import { sharedPath } from '../../helpers/shared-data'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-bintable-'))
/** printable ASCII, tab/newline and ordinary Unicode text only: no control bytes, no U+FFFD */
const clean = (s: string) => !/[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f\uFFFD]/.test(s)

describe('binary data as a table', () => {
  const bin = sharedPath('cifar10', 'data_batch_1_first4000_exact.bin')
  it.skipIf(!fs.existsSync(bin))('CIFAR-10 binary (as .bin and renamed .csv): BAD_FORMAT naming the file and the first binary byte', () => {
    const asCsv = path.join(tmp, 'renamed.csv')
    fs.writeFileSync(asCsv, fs.readFileSync(bin).subarray(0, 30_000))
    for (const f of [bin, asCsv]) {
      let err: any
      try {
        readTabular(f)
      } catch (e) {
        err = e
      }
      expect(err?.code).toBe('BAD_FORMAT')
      expect(err.message).toContain(path.basename(f))
      // the first record's label byte of the shared file is 6 (frog): a C0 control byte at offset 0
      expect(err.message).toMatch(/binary data \(byte 0x06 at offset 0\)/)
      expect(clean(err.message)).toBe(true)
    }
  })

  it('invalid UTF-8 in otherwise printable bytes is binary too; a text CSV parse error never echoes control characters', () => {
    const latin = path.join(tmp, 'latin.csv')
    fs.writeFileSync(latin, Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xe9, 0xff, 0xfe]), Buffer.from('\n')]))
    expect(() => readTabular(latin)).toThrow(/binary data \(byte 0xe9 at offset 6\)/)
    const quote = path.join(tmp, 'quote.csv')
    fs.writeFileSync(quote, 'a,b\n1,x"y\tz' + '\u00e9'.repeat(400) + '\n')
    let err: any
    try {
      readTabular(quote)
    } catch (e) {
      err = e
    }
    expect(err?.code).toBe('BAD_FORMAT')
    expect(err.message).toMatch(/^quote\.csv: not a valid CSV table: /)
    expect(err.message.length).toBeLessThan(400)
  })
})
