import { VOTING_PROXIES } from '../proxies/voting'

/**
 * Member lists of the voting proxies (notes §2): a search with one of these
 * ids scores every candidate with all members (each already sign-adjusted,
 * higher = better) and compares candidates with the majority comparator; RL
 * rewards use the sum of the members' z-scores. Any other proxy id (or a
 * comma-separated list of ids) is used as given.
 * The definitions live in the proxy registry's voting table
 * (src/engine/proxies/voting/definitions.ts); this is a view of it.
 * A frozen null-prototype record, read only through own-property checks, so a
 * user string such as `__proto__` or `constructor` is simply not a voting set
 * (never an inherited Object property).
 */
export const VOTING_SETS: Readonly<Record<string, readonly string[]>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, readonly string[]>, Object.fromEntries(VOTING_PROXIES.map((v) => [v.id, v.members]))),
)

/** Member proxy ids of a `--proxy` value: a voting set id, one proxy id, or a comma-separated list. */
export function proxyMembers(proxy: string): string[] {
  const key = proxy.toLowerCase()
  if (Object.hasOwn(VOTING_SETS, key)) return [...VOTING_SETS[key]]
  return proxy.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
}
