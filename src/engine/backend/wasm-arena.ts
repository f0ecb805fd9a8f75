/**
 * Placement policy of the big-tensor arena (issue #18): offsets inside one
 * region of `capacity` bytes, for allocations whose sizes and order come
 * from the wasm backend's JS-side `malloc`/`free` (backend/wasm-arena-hook.ts
 * routes the big ones here). Pure arithmetic: nothing here touches a heap.
 *
 * Guarantees: every live block lies inside [0, capacity), starts at a
 * multiple of `ARENA_ALIGN`, and overlaps no other live block; a freed
 * block is merged with free neighbours (no two adjacent free blocks
 * remain), and free space at the end lowers `top`; `alloc` returns -1 (and
 * changes nothing) when no placement fits; `free` of an offset that is not
 * live throws. `highWater` = the largest `top` ever (the bytes of the region
 * the policy ever touched), `liveBytes` = the sum of live (aligned) sizes.
 *
 * Policies: 'best-fit' — the smallest free block that fits (ties: lowest
 * address), else the top; 'first-fit' — the lowest free block that fits.
 */
export type ArenaPolicy = 'best-fit' | 'first-fit'
export const ARENA_POLICIES: readonly ArenaPolicy[] = ['best-fit', 'first-fit']
/** Alignment of every block (bytes): a cache line, more than any tfjs wasm kernel needs. */
export const ARENA_ALIGN = 64

const alignUp = (n: number): number => Math.ceil(n / ARENA_ALIGN) * ARENA_ALIGN

export class ArenaAllocator {
  /** free blocks below `top`, sorted by offset, never adjacent */
  private readonly freeList: { off: number; size: number }[] = []
  private readonly live = new Map<number, number>()
  private topOff = 0
  private hw = 0
  private liveSum = 0

  constructor(readonly capacity: number, readonly policy: ArenaPolicy = 'best-fit') {}

  get top(): number { return this.topOff }
  get highWater(): number { return this.hw }
  get liveBytes(): number { return this.liveSum }
  get liveCount(): number { return this.live.size }
  /** a copy of the free blocks below `top` (sorted by offset) */
  freeBlocks(): { off: number; size: number }[] { return this.freeList.map((b) => ({ ...b })) }
  /** live block at `off` → its (aligned) size, else undefined */
  sizeOf(off: number): number | undefined { return this.live.get(off) }

  /** Places `bytes` (> 0) and returns its offset, or -1 when nothing fits. */
  alloc(bytes: number): number {
    if (!(bytes > 0) || !Number.isFinite(bytes)) return -1
    const size = alignUp(bytes)
    let pick = -1
    for (let i = 0; i < this.freeList.length; i++) {
      const b = this.freeList[i]
      if (b.size < size) continue
      if (this.policy === 'first-fit') { pick = i; break }
      if (pick < 0 || b.size < this.freeList[pick].size) pick = i
    }
    let off: number
    if (pick >= 0) {
      const b = this.freeList[pick]
      off = b.off
      if (b.size === size) this.freeList.splice(pick, 1)
      else { b.off += size; b.size -= size }
    } else {
      // the top: extend the last free block if it touches the top
      const last = this.freeList[this.freeList.length - 1]
      const start = last !== undefined && last.off + last.size === this.topOff ? last.off : this.topOff
      if (start + size > this.capacity) return -1
      if (start !== this.topOff) this.freeList.pop()
      off = start
      this.topOff = start + size
      this.hw = Math.max(this.hw, this.topOff)
    }
    this.live.set(off, size)
    this.liveSum += size
    return off
  }

  /** Frees the live block at `off` (throws when there is none). */
  free(off: number): void {
    const size = this.live.get(off)
    if (size === undefined) throw new Error(`wasm arena: free(${off}) of no live block`)
    this.live.delete(off)
    this.liveSum -= size
    // insert sorted, merge with neighbours
    let i = 0
    while (i < this.freeList.length && this.freeList[i].off < off) i++
    let blk = { off, size }
    const prev = this.freeList[i - 1]
    if (prev !== undefined && prev.off + prev.size === off) { prev.size += size; blk = prev; i-- } else this.freeList.splice(i, 0, blk)
    const next = this.freeList[i + 1]
    if (next !== undefined && blk.off + blk.size === next.off) { blk.size += next.size; this.freeList.splice(i + 1, 1) }
    // free space at the top lowers it
    const last = this.freeList[this.freeList.length - 1]
    if (last !== undefined && last.off + last.size === this.topOff) { this.topOff = last.off; this.freeList.pop() }
  }
}
