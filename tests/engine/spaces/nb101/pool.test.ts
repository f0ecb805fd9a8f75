import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { encodeTfRecord } from '../../../../src/engine/benchmarks/tfrecord'
import { nb101Hash } from '../../../../src/engine/spaces/nb101/hash'
import { loadNb101Pool } from '../../../../src/engine/spaces/nb101/pool'
import { sharedPath } from '../../../helpers/shared-data'

describe('NB101 sampling pool', () => {
  it('loads the 292 distinct cells of the shared NASLib sample, pruned, in file order', () => {
    const pool = loadNb101Pool(sharedPath('nb101', 'nb101_naslib_zc_500.csv'))
    expect(pool.length).toBe(292)
    expect(nb101Hash(pool[0])).toBe('4a0ab8bbe2441a002e07b0f445ec2d63') // first row of the file
  })

  it('reads nasbench tfrecord rows and de-duplicates by hash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nb101pool-'))
    const rec = (adj: string, ops: string) => encodeTfRecord(new TextEncoder().encode(JSON.stringify(['0'.repeat(32), 108, adj, ops, ''])))
    const a = rec('011001000', 'input,conv3x3-bn-relu,output')
    const b = rec('0110000100010000', 'input,conv1x1-bn-relu,maxpool3x3,output')
    const file = join(dir, 'tiny.tfrecord')
    writeFileSync(file, Buffer.concat([a, b, a]))
    const pool = loadNb101Pool(file)
    expect(pool.length).toBe(2)
    expect(pool[1].ops).toEqual(['input', 'conv1x1-bn-relu', 'maxpool3x3', 'output'])
    writeFileSync(file, rec('0110', 'input,conv3x3-bn-relu,output'))
    expect(() => loadNb101Pool(file)).toThrowError(/4 0\/1 entries for 3 ops/)
  })
})
