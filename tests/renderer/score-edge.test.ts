/**
 * Non-finite scores are decoded once, at the transport edge (src/shared/client.ts):
 * a row stored with the wire encoding ('-Infinity', 'Infinity', 'NaN', legacy null)
 * reaches the renderer as numbers through the real dispatcher + local transport
 * (JSON round trip, as over IPC/WebSocket), and the table and chart code show it.
 */
import { describe, expect, it } from 'vitest'
import { createClient } from '../../src/shared/client'
import { createEventBus, createLocalTransport } from '../../src/shared/local-transport'
import { encodeScores, decodeWireScores } from '../../src/shared/score-value'
import type { ServiceHandlers } from '../../src/shared/contract'
import { buildColumns, applyView } from '../../src/renderer/lib/columns'
import { toPoints } from '../../src/renderer/lib/points'
import { scoreTruthCorrelation } from '../../src/renderer/lib/chartOptions'
import { row } from './helpers/fixtures'

const stored = [
  row(0, 0, { scores: encodeScores({ wrcor: -Infinity }), groundTruth: 10 }),
  row(1, 0, { scores: encodeScores({ wrcor: 3.5 }), groundTruth: 90 }),
  row(2, 0, { scores: encodeScores({ wrcor: Infinity }), groundTruth: 93 }),
  row(3, 0, { scores: encodeScores({ wrcor: NaN }), groundTruth: 50 }),
  row(4, 0, { scores: { wrcor: null }, groundTruth: 60 }),
  row(5, 0, { scores: encodeScores({ wrcor: 1.25 }), groundTruth: 80 }),
]

function client() {
  const bus = createEventBus()
  const handlers = {
    'runs.evaluations': () => ({ total: stored.length, offset: 0, rows: stored }),
  } as unknown as ServiceHandlers
  return { c: createClient(createLocalTransport(handlers, bus)), bus }
}

describe('non-finite scores: decoded once at the transport edge', () => {
  it('the wire strings are what crosses (the stored rows are encoded)', () => {
    expect(stored.map((r) => r.scores.wrcor)).toEqual(['-Infinity', 3.5, 'Infinity', 'NaN', null, 1.25])
  })

  it('client results carry plain numbers: −∞, +∞, NaN (legacy null ⇒ NaN)', async () => {
    const { c } = client()
    const page = await c.runs.evaluations('r1')
    const got = page.rows.map((r) => r.scores.wrcor)
    expect(got[0]).toBe(-Infinity)
    expect(got[1]).toBe(3.5)
    expect(got[2]).toBe(Infinity)
    expect(got[3]).toBeNaN()
    expect(got[4]).toBeNaN()
    expect(got.every((v) => typeof v === 'number')).toBe(true)
  })

  it('event payloads are decoded too (run.evaluated rows, run.best row)', async () => {
    const { c, bus } = client()
    const seen: unknown[] = []
    c.on('run.evaluated', (p) => seen.push(...p.rows.map((r) => r.scores.wrcor)))
    c.on('run.best', (p) => seen.push(p.row.scores.wrcor))
    bus.emit('run.evaluated', { runId: 'r1', rows: stored.slice(0, 3) })
    bus.emit('run.best', { runId: 'r1', row: stored[2] })
    expect(seen).toEqual([-Infinity, 3.5, Infinity, Infinity])
  })

  it('table and chart code show the decoded values: −∞ sorts lowest, is spelled out, ranks in ρ', async () => {
    const { c } = client()
    const rows = (await c.runs.evaluations('r1')).rows
    const cols = buildColumns(['wrcor'])
    const col = cols.find((k) => k.key === 'score:wrcor')!
    expect(rows.map((r) => col.format(r))).toEqual(['−∞', '3.5000', '+∞', 'NaN', 'NaN', '1.2500'])
    const asc = applyView(rows, cols, {}, { key: 'score:wrcor', dir: 'asc' }).rows.map((r) => r.index)
    expect(asc).toEqual([0, 5, 1, 2, 3, 4]) // −∞ first, NaN with the blanks last
    const pts = toPoints(rows, 'wrcor')
    expect(pts.map((p) => p.score)).toEqual([-Infinity, 3.5, Infinity, 1.25]) // NaN gives no point
    // by hand: scores (−∞, 3.5, +∞, 1.25) vs truth (10, 90, 93, 80) have the same order ⇒ ρ = τ = 1
    const corr = scoreTruthCorrelation(pts)
    expect(corr).toEqual({ n: 4, rho: 1, tau: 1 })
  })

  it('decodeWireScores finds rows at any depth and leaves other fields alone', () => {
    const v = decodeWireScores({ best: { arch: 'a', scores: { x: '-Infinity' as const }, flops: 1 }, n: 2, list: [{ arch: 'b', scores: { y: 'NaN' as const } }] })
    expect(v.best.scores.x).toBe(-Infinity)
    expect(v.list[0].scores.y).toBeNaN()
    expect(v.n).toBe(2)
  })
})
