/** What the queue looks like now, per team, for the metrics: the world's `queueStats()`. */
import type { RingFor } from '../engine/world.js'

export type QueueStat = { team: string; length: number; oldestWaitSeconds: number }

/** The label of callers queued for one assigned agent rather than a team (agent names stay out of labels). */
export const AGENT_QUEUE = '(agent)'

/**
 * Every team in `teams` (0 when nobody waits, so dashboards show a line), plus any other queue found.
 * `since` is when the caller entered the queue (ms epoch), not when its current wait began.
 */
export function queueStatsOf(
  teams: Iterable<string>,
  waiting: Iterable<{ forWhom: RingFor; since: number }>,
  now: number,
): QueueStat[] {
  const stats = new Map<string, QueueStat>()
  for (const team of teams) stats.set(team, { team, length: 0, oldestWaitSeconds: 0 })
  for (const w of waiting) {
    const team = 'team' in w.forWhom ? w.forWhom.team : AGENT_QUEUE
    let s = stats.get(team)
    if (!s) stats.set(team, (s = { team, length: 0, oldestWaitSeconds: 0 }))
    s.length++
    s.oldestWaitSeconds = Math.max(s.oldestWaitSeconds, Math.max(0, now - w.since) / 1000)
  }
  return [...stats.values()]
}
