/**
 * Pareto fronts for the run-view charts (cost on x: lower is cheaper; value on
 * y: higher is better — every proxy score and accuracy). A point is on the
 * front when no other point has lower-or-equal cost and a strictly higher
 * value; among equal-cost points only the best value stays. Non-finite
 * points are ignored. Returned sorted by cost (ascending).
 */
export interface CostPoint {
  flops: number
  score: number
}

export function paretoFrontBy<P>(points: readonly P[], cost: (p: P) => number, value: (p: P) => number): P[] {
  const finite = points.filter((p) => Number.isFinite(cost(p)) && Number.isFinite(value(p)))
  const sorted = finite.slice().sort((a, b) => cost(a) - cost(b) || value(b) - value(a))
  const front: P[] = []
  let best = -Infinity
  for (const p of sorted) {
    if (value(p) > best) {
      front.push(p)
      best = value(p)
    }
  }
  return front
}

/** Score vs FLOPs front (kept for callers of the original two-field form). */
export function paretoFront<P extends CostPoint>(points: readonly P[]): P[] {
  return paretoFrontBy(points, (p) => p.flops, (p) => p.score)
}
