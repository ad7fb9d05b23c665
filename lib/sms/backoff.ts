/** When to try a message again: exponential from `baseMs`, doubled each attempt, at most `maxMs`. */
export type Backoff = { baseMs: number; maxMs: number; maxAttempts: number }

export const DEFAULT_BACKOFF: Backoff = { baseMs: 5_000, maxMs: 15 * 60_000, maxAttempts: 6 }

/** The wait after the `attempt`-th attempt failed (1-based); a provider's Retry-After wins when longer. */
export function retryDelayMs(b: Backoff, attempt: number, retryAfterMs = 0): number {
  const exp = b.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30))
  return Math.max(Math.min(exp, b.maxMs), Math.min(retryAfterMs, b.maxMs))
}
