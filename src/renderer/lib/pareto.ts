/**
 * Pareto front for "score vs FLOPs": a point is on the front when no other
 * point has lower-or-equal FLOPs and a strictly higher score (higher score is
 * better for every proxy, lower FLOPs is cheaper). Returned sorted by FLOPs.
 */
export interface CostPoint {
  flops: number
  score: number
}

export function paretoFront<P extends CostPoint>(points: readonly P[]): P[] {
  const finite = points.filter((p) => Number.isFinite(p.flops) && Number.isFinite(p.score))
  const sorted = finite.slice().sort((a, b) => a.flops - b.flops || b.score - a.score)
  const front: P[] = []
  let best = -Infinity
  for (const p of sorted) {
    if (p.score > best) {
      front.push(p)
      best = p.score
    }
  }
  return front
}
