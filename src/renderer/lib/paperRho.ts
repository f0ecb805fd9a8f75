/**
 * Formats a catalog entry's paper Spearman ρ values for menus, e.g.
 * "paper ρ: NB201 C10 0.811 · C100 0.846 · IN16 0.822 · NB101 0.534".
 */
const SHORT: Record<string, string> = {
  cifar10: 'C10',
  cifar100: 'C100',
  'imagenet16-120': 'IN16',
  imagenet16: 'IN16',
}

function shortKey(key: string): string {
  const [bench, ...rest] = key.split('-')
  const ds = rest.join('-')
  return `${bench.toUpperCase()} ${SHORT[ds] ?? ds}`.trim()
}

export function formatPaperRho(rho: Record<string, number> | undefined): string {
  if (!rho) return ''
  const parts = Object.entries(rho).map(([k, v]) => `${shortKey(k)} ${v.toFixed(3)}`)
  return parts.length ? `paper ρ: ${parts.join(' · ')}` : ''
}
