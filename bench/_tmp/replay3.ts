import { readFileSync } from 'node:fs'
import { ArenaAllocator } from '../../src/engine/backend/wasm-arena'
type Ev = { m: number; p: number; h: number } | { f: number }
const all: Ev[] = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Ev)
const evs = all.filter((e, i) => { const n = all[i + 1], p = all[i - 1]; if ('m' in e) return !(n !== undefined && 'f' in n && n.f === e.p); return !(p !== undefined && 'm' in p && p.p === e.f) })
const MB = 2 ** 20, minB = 64 * 1024
const A = new ArenaAllocator(2 ** 34)
const at = new Map<number, number>()
let lastHw = 0
const log: string[] = []
evs.forEach((e, i) => {
  if ('m' in e) { if (e.m < minB) return; const o = A.alloc(e.m); at.set(e.p, o)
    if (A.highWater > lastHw + 20 * MB || (A.highWater > lastHw && A.highWater > 700 * MB)) {
      lastHw = A.highWater
      const blocks = [...(A as any).live.entries()].sort((a: number[], b: number[]) => a[0] - b[0]).map(([o, s]: number[]) => `${(o / MB).toFixed(0)}+${(s / MB).toFixed(0)}`).filter((x: string) => !x.endsWith('+0'))
      log.push(`ev ${i} alloc ${(e.m / MB).toFixed(1)} MB → hw ${(A.highWater / MB).toFixed(0)} live ${(A.liveBytes / MB).toFixed(0)}; holes ${A.freeBlocks().filter((b) => b.size > 4 * MB).map((b) => `${(b.off / MB).toFixed(0)}:${(b.size / MB).toFixed(0)}`).join(' ')}; blocks>=1MB ${blocks.join(' ')}`)
    }
  } else { const o = at.get(e.f); if (o !== undefined) { A.free(o); at.delete(e.f) } }
})
console.log(log.slice(-12).join('\n'))
