/** Formats a catalog entry's paper Spearman ρ values for menus: "paper ρ 0.811 (nb201-cifar10), …". */
export function formatPaperRho(rho: Record<string, number> | undefined): string {
  if (!rho) return ''
  const parts = Object.entries(rho).map(([k, v]) => `${v.toFixed(3)} (${k})`)
  return parts.length ? `paper ρ ${parts.join(', ')}` : ''
}
