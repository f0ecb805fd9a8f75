/**
 * Replays an allocation trace (bench/mbv2-alloc-trace.ts) against
 * allocator policies offline and prints each policy's high-water mark next
 * to the live peak (not part of CI).
 *
 *   npx tsx bench/mbv2-alloc-replay.ts /tmp/c18/trace-320-8.jsonl [--big-mb 1]
 *
 * Policies: `recorded` (what the real allocator's heap reached), `live`
 * (peak of live bytes: the floor), and the arena policies of
 * backend/wasm-arena.ts applied to allocations ≥ --big-mb (small ones are
 * counted as live bytes on top).
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ArenaAllocator, ARENA_POLICIES, type ArenaPolicy } from '../src/engine/backend/wasm-arena'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'big-mb': { type: 'string', default: '1' } } })
const big = Number(values['big-mb']) * 2 ** 20
type Ev = { m: number; p: number; h: number } | { f: number }
const all: Ev[] = readFileSync(positionals[0], 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Ev)
// a malloc freed by the very next event is the heap reservation (backend/wasm-heap.ts) or a probe: not a tensor
const evs: Ev[] = all.filter((e, i) => {
  const n = all[i + 1], p = all[i - 1]
  if ('m' in e) return !(n !== undefined && 'f' in n && n.f === e.p)
  return !(p !== undefined && 'm' in p && p.p === e.f)
})
const gb = (b: number): string => `${(b / 2 ** 30).toFixed(3)} GiB`

// live peak and recorded heap
let live = 0, livePeak = 0, bigLive = 0, bigPeak = 0, heap = 0, firstHeap = 0
const sizeAt = new Map<number, number>()
for (const e of evs) {
  if ('m' in e) {
    if (firstHeap === 0) firstHeap = e.h
    sizeAt.set(e.p, e.m); live += e.m; livePeak = Math.max(livePeak, live); heap = Math.max(heap, e.h)
    if (e.m >= big) { bigLive += e.m; bigPeak = Math.max(bigPeak, bigLive) }
  } else {
    const s = sizeAt.get(e.f)
    if (s === undefined) continue // allocated before the trace
    sizeAt.delete(e.f); live -= s
    if (s >= big) bigLive -= s
  }
}
const sizes = new Map<number, number>()
for (const e of evs) if ('m' in e && e.m >= big) sizes.set(e.m, (sizes.get(e.m) ?? 0) + 1)
console.log(`${evs.length} events; ${sizes.size} distinct big sizes; live peak ${gb(livePeak)} (big ${gb(bigPeak)}); recorded heap ${gb(firstHeap)} → ${gb(heap)}`)

function replay(policy: ArenaPolicy): number {
  const arena = new ArenaAllocator(2 ** 34, policy)
  const at = new Map<number, number>() // recorded addr → arena offset
  let small = 0, peak = 0
  const smallSize = new Map<number, number>()
  for (const e of evs) {
    if ('m' in e) {
      if (e.m >= big) { const o = arena.alloc(e.m); if (o < 0) throw new Error('arena full'); at.set(e.p, o) }
      else { small += e.m; smallSize.set(e.p, e.m) }
    } else {
      const o = at.get(e.f)
      if (o !== undefined) { arena.free(o); at.delete(e.f) }
      else { const s = smallSize.get(e.f); if (s !== undefined) { small -= s; smallSize.delete(e.f) } }
    }
    peak = Math.max(peak, arena.highWater + small)
  }
  return arena.highWater
}
for (const p of ARENA_POLICIES) {
  const hw = replay(p)
  console.log(`${p.padEnd(12)} arena high-water ${gb(hw)} = ${(hw / bigPeak).toFixed(2)} × big live peak`)
}
