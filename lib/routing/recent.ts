/**
 * Counts that fade: each event counts 1 when it happens and half as much after every half-life, so a count is
 * "how much lately" without a window to keep. `fewest-calls` and `least-talk-time` compare agents' recent calls
 * and talk; the estimated wait divides a caller's position by the team's recent hand-off rate. The store's SQL
 * takes the same half-lives from here.
 */

/** An agent's calls and talk seconds count half after an hour. */
export const AGENT_HALF_LIFE_SECONDS = 3600
/** A team's hand-offs (callers answered) count half after ten minutes. */
export const TEAM_HALF_LIFE_SECONDS = 600
/** Below this many recent hand-offs the team's rate is not known well enough to estimate a wait. */
export const MIN_HANDOFFS_FOR_ESTIMATE = 2

/** `value`, counted at `atMs`, as it stands at `nowMs`. */
export function faded(value: number, atMs: number | undefined, nowMs: number, halfLifeSeconds: number): number {
  if (atMs === undefined || value === 0) return 0
  return value * 0.5 ** (Math.max(0, nowMs - atMs) / 1000 / halfLifeSeconds)
}

/**
 * The estimated wait of the caller at `position`: with hand-offs at a steady rate r, the faded count settles at
 * r × half-life ÷ ln 2, so r = count × ln 2 ÷ half-life, and the wait is position ÷ r.
 */
export function estimatedWaitSeconds(position: number, handoffs: number): number | undefined {
  if (handoffs < MIN_HANDOFFS_FOR_ESTIMATE) return undefined
  const perSecond = (handoffs * Math.LN2) / TEAM_HALF_LIFE_SECONDS
  return position / perSecond
}
