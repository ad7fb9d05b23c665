/**
 * Which free agents of a team a caller is offered, by the team's strategy (docs/routing.md): every one for
 * `simultaneous`; otherwise one — the first in the team's order (`sequential`), the next after the last one
 * offered (`round-robin`), the one idle longest (`longest-idle`, never called first), the one with the fewest
 * recent calls or the least recent talk (ties: idle longest), or any (`random`). The store's SQL applies the same
 * rules (lib/store/ledger.ts); a shared test runs both.
 */
import type { Strategy } from '../workflow/schema.js'

export type Candidate = {
  name: string
  /** Place in the team's order: the order agents were added. */
  order: number
  /** When the agent's last call ended (ms epoch); undefined: never called. */
  lastCallEnd: number | undefined
  /** Faded counts as of now (recent.ts). */
  recentCalls: number
  recentTalkSeconds: number
}

const idleFirst = (a: Candidate, b: Candidate) =>
  (a.lastCallEnd ?? -Infinity) - (b.lastCallEnd ?? -Infinity) || a.order - b.order

/**
 * `free` holds the team's free agents in the team's order; `cursor` is the order of the agent the team offered
 * last (round-robin). Returns the agents to offer, best first.
 */
export function pickAgents(
  strategy: Strategy,
  free: readonly Candidate[],
  cursor: number | undefined,
  random: () => number = Math.random,
): Candidate[] {
  if (free.length === 0) return []
  const sorted = [...free].sort((a, b) => a.order - b.order)
  switch (strategy) {
    case 'simultaneous':
      return sorted
    case 'sequential':
      return [sorted[0]!]
    case 'round-robin':
      return [sorted.find((c) => cursor === undefined || c.order > cursor) ?? sorted[0]!]
    case 'longest-idle':
      return [sorted.sort(idleFirst)[0]!]
    case 'fewest-calls':
      return [sorted.sort((a, b) => a.recentCalls - b.recentCalls || idleFirst(a, b))[0]!]
    case 'least-talk-time':
      return [sorted.sort((a, b) => a.recentTalkSeconds - b.recentTalkSeconds || idleFirst(a, b))[0]!]
    case 'random':
      return [sorted[Math.floor(random() * sorted.length)]!]
  }
}
