/**
 * The limit of texts per destination number, against SMS pumping (a caller making the router text premium numbers):
 * written `3/h`, `10/d`, `1/30m`, `5/90s`. Counted in the database over every router: sent and in-flight messages
 * to the number within the window.
 */
export type RateLimit = { count: number; windowSeconds: number }

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/** Undefined when the text is not a limit. */
export function parseRateLimit(text: string): RateLimit | undefined {
  const m = /^(\d{1,6})\/(\d{0,6})([smhd])$/.exec(text.trim())
  if (!m) return undefined
  const count = Number(m[1])
  const windowSeconds = (m[2] === '' ? 1 : Number(m[2])) * UNIT[m[3]!]!
  return count >= 1 && windowSeconds >= 1 ? { count, windowSeconds } : undefined
}
