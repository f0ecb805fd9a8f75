import { readFileSync } from 'node:fs'
import { ArenaAllocator } from '../../src/engine/backend/wasm-arena'
type Ev = { m: number; p: number; h: number } | { f: number }
const all: Ev[] = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Ev)
const evs = all.filter((e, i) => { const n = all[i + 1], p = all[i - 1]; if ('m' in e) return !(n !== undefined && 'f' in n && n.f === e.p); return !(p !== undefined && 'm' in p && p.p === e.f) })
const MB = 2 ** 20
const minB = 64 * 1024
let live = 0, peak = 0
const sz = new Map<number, number>()
for (const e of evs) { if ('m' in e) { if (e.m >= minB) { sz.set(e.p, e.m); live += e.m; peak = Math.max(peak, live) } } else { const s = sz.get(e.f); if (s !== undefined) { live -= s; sz.delete(e.f) } } }
console.log('live peak (>=64K)', (peak / MB).toFixed(0), 'MB')
for (const T of [Infinity, 4, 8, 16, 32, 64, 100]) {
  const A = new ArenaAllocator(2 ** 34), B = new ArenaAllocator(2 ** 34)
  const at = new Map<number, [ArenaAllocator, number]>()
  let touched = 0
  for (const e of evs) {
    if ('m' in e) { if (e.m < minB) continue; const X = e.m >= T * MB ? B : A; const o = X.alloc(e.m); at.set(e.p, [X, o]) }
    else { const r = at.get(e.f); if (r) { r[0].free(r[1]); at.delete(e.f) } }
    touched = Math.max(touched, A.highWater + B.highWater)
  }
  console.log(`T=${T} MB: A hw ${(A.highWater / MB).toFixed(0)} B hw ${(B.highWater / MB).toFixed(0)} sum ${((A.highWater + B.highWater) / MB).toFixed(0)} = ${((A.highWater + B.highWater) / peak).toFixed(2)}x`)
}
