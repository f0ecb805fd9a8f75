import { readFileSync } from 'node:fs'
type Ev = { m: number; p: number; h: number } | { f: number }
const all: Ev[] = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Ev)
const evs = all.filter((e, i) => { const n = all[i + 1], p = all[i - 1]; if ('m' in e) return !(n !== undefined && 'f' in n && n.f === e.p); return !(p !== undefined && 'm' in p && p.p === e.f) })
const MB = 2 ** 20
const liveM = new Map<number, number>()
let live = 0
const W = 1000
let best = { live: 0, i: 0, blocks: '' }
evs.forEach((e, i) => {
  if ('m' in e) { liveM.set(e.p, e.m); live += e.m } else { const s = liveM.get(e.f); if (s !== undefined) { live -= s; liveM.delete(e.f) } }
  if (live > best.live) best = { live, i, blocks: [...liveM.values()].filter((s) => s > 4 * MB).sort((a, b) => b - a).map((s) => (s / MB).toFixed(0)).join(' ') + ` | small ${(([...liveM.values()].filter((s) => s <= 4 * MB).reduce((a, b) => a + b, 0)) / MB).toFixed(0)}` }
  if (i % W === W - 1) { console.log(`ev ${i - W + 1}-${i}: peak ${(best.live / MB).toFixed(0)} MB at ${best.i}: ${best.blocks}`); best = { live: 0, i: 0, blocks: '' } }
})
