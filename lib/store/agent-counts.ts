/** Agents by status, and how many are reserved for a call now: one query, for the metrics when scraped. */
import { sql } from 'drizzle-orm'
import { rows, type Db } from './db.js'
import { AGENT_STATUSES } from './schema.js'

export type AgentCounts = { byStatus: Record<string, number>; onCall: number }

export async function agentCounts(db: Db): Promise<AgentCounts> {
  const found = await rows<{ status: string; n: number | string; on_call: number | string }>(
    db,
    sql`select status, count(*)::int as n,
          (count(*) filter (where reserved_by is not null and lease_until > now()))::int as on_call
        from agents group by status`,
  )
  // Every status appears, 0 when nobody has it, so a dashboard line does not vanish.
  const byStatus: Record<string, number> = Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0]))
  let onCall = 0
  for (const r of found) {
    byStatus[r.status] = Number(r.n)
    onCall += Number(r.on_call)
  }
  return { byStatus, onCall }
}
