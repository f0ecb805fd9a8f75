/**
 * Member lists of the voting proxies (notes §2): a search with one of these
 * ids scores every candidate with all members (each already sign-adjusted,
 * higher = better) and compares candidates with the majority comparator; RL
 * rewards use the sum of the members' z-scores. Any other proxy id (or a
 * comma-separated list of ids) is used as given.
 * Temporary home: the proxy registry will own voting proxies later.
 */
export const VOTING_SETS: Readonly<Record<string, readonly string[]>> = {
  sjw: ['synflow', 'jaccor', 'wrcor'],
  spw: ['synflow', 'pnorm', 'wrcor'],
  zerocost: ['synflow', 'jaccor', 'snip'],
}

/** Member proxy ids of a `--proxy` value: a voting set id, one proxy id, or a comma-separated list. */
export function proxyMembers(proxy: string): string[] {
  const v = VOTING_SETS[proxy.toLowerCase()]
  if (v) return [...v]
  return proxy.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
}
