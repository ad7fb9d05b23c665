/**
 * A team's ring order (DESIGN.md, "Agents, teams, queue"): `simultaneous` rings every free agent
 * at once; `sequential` one after another in the order written; `round-robin` like sequential but
 * starting one further each call; `longest-idle` sequential from the agent whose last call ended
 * longest ago.
 */
import type { Agent, Team } from '../workflow/schema.js'

export type RingOrder = {
  agents: Agent[]
  mode: 'simultaneous' | 'sequential'
}

export type StrategyMemory = {
  /** How many calls a round-robin team has started (the rotation). */
  rotation: Map<string, number>
  /** When each agent's last call ended (ms epoch). */
  lastCallEnd: Map<string, number>
}

export function newStrategyMemory(): StrategyMemory {
  return { rotation: new Map(), lastCallEnd: new Map() }
}

/** Orders the free agents of a team; records the round-robin turn. */
export function ringOrder(team: Team | undefined, free: Agent[], memory: StrategyMemory): RingOrder {
  const strategy = team?.strategy ?? 'simultaneous'
  if (strategy === 'simultaneous') return { agents: free, mode: 'simultaneous' }
  if (strategy === 'round-robin' && team && free.length > 0) {
    const turn = memory.rotation.get(team.name) ?? 0
    memory.rotation.set(team.name, turn + 1)
    const start = turn % free.length
    return { agents: [...free.slice(start), ...free.slice(0, start)], mode: 'sequential' }
  }
  if (strategy === 'longest-idle') {
    const idleSince = (a: Agent) => memory.lastCallEnd.get(a.name) ?? 0
    return { agents: [...free].sort((a, b) => idleSince(a) - idleSince(b)), mode: 'sequential' }
  }
  return { agents: free, mode: 'sequential' }
}
