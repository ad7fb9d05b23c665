/**
 * What changed between two readings of the live board, per section: the rows added or changed (whole rows) and
 * the keys of the rows gone. With 5,000 callers in line a reading is ~1 MB of JSON while a few callers come and go
 * between two: the page gets the whole board once, then only this.
 */
import type { BoardSnapshot } from './board.js'

export type SectionDelta<T> = { set: T[]; removed: string[] }

type Calls = BoardSnapshot['underWay']['calls']

/** Sections that did not change are absent; `underWay` carries the count of calls whenever it is present. */
export type BoardDelta = {
  serverTime: string
  queue?: SectionDelta<BoardSnapshot['queue'][number]>
  agents?: SectionDelta<BoardSnapshot['agents'][number]>
  teams?: SectionDelta<BoardSnapshot['teams'][number]>
  underWay?: SectionDelta<Calls[number]> & { total: number }
}

/** The same once sent as JSON (rows hold strings, numbers, booleans, null, dates and arrays of names). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]))
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  const keys = Object.keys(a)
  return (
    keys.length === Object.keys(b).length &&
    keys.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  )
}

function section<T>(before: readonly T[], after: readonly T[], key: (row: T) => string): SectionDelta<T> | undefined {
  const old = new Map(before.map((r) => [key(r), r]))
  const set: T[] = []
  for (const row of after) {
    const k = key(row)
    const was = old.get(k)
    old.delete(k)
    if (was === undefined || !same(was, row)) set.push(row)
  }
  return set.length > 0 || old.size > 0 ? { set, removed: [...old.keys()] } : undefined
}

/** The delta from `before` to `after`, or undefined when nothing but the server's clock moved. */
export function boardDelta(before: BoardSnapshot, after: BoardSnapshot): BoardDelta | undefined {
  const queue = section(before.queue, after.queue, (r) => r.callId)
  const agents = section(before.agents, after.agents, (a) => a.name)
  const teams = section(before.teams, after.teams, (t) => t.name)
  const calls = section(before.underWay.calls, after.underWay.calls, (c) => c.callId)
  const total = after.underWay.total
  const underWay =
    calls || total !== before.underWay.total ? { ...(calls ?? { set: [], removed: [] }), total } : undefined
  if (!queue && !agents && !teams && !underWay) return undefined
  return {
    serverTime: after.serverTime,
    ...(queue ? { queue } : {}),
    ...(agents ? { agents } : {}),
    ...(teams ? { teams } : {}),
    ...(underWay ? { underWay } : {}),
  }
}
