/**
 * The line as `queue list` and the console read it (`queue_entries`, written by the ledger's SQL: ledger.ts):
 * who waits for which team or agent, with what priority, since when and on which router. Callers of a router
 * that stopped beating are left out.
 */
import { sql } from 'drizzle-orm'
import { rows, type Db } from './db.js'

export type QueueRow = {
  callId: string
  team: string | null
  agent: string | null
  caller: string
  enqueuedAt: Date
  waitSeconds: number
  priority: number
  /** 1 = the next to be offered an agent of that team (or that agent), among those not ringing. */
  position: number | null
  /**
   * `waiting` for an agent, `ringing` (or talking to) the agent offered, `workflow`: in the queued workflow,
   * `callback`: a callback keeping its place (callbacks.ts says whether it is waiting or between attempts).
   */
  state: 'waiting' | 'ringing' | 'workflow' | 'callback'
  router: string
  /** A live caller, or a callback keeping a caller's place (`caller` is then the number called back). */
  kind: 'call' | 'callback'
}

/** Everyone in line now on any live router, in the order agents are offered (priority, then arrival). */
export async function listQueue(db: Db): Promise<QueueRow[]> {
  const list = await rows<Omit<QueueRow, 'enqueuedAt'> & { enqueuedAt: Date | string }>(
    db,
    sql`with live as (
          select q.*, exists (select 1 from agents r where r.reserved_by = q.call_id and r.lease_until > now()) as ringing
          from queue_entries q
          where q.callback or exists (select 1 from routers rt where rt.id = q.router and rt.seen_until > now())
        )
        select call_id as "callId", team, agent, caller, enqueued_at as "enqueuedAt", priority,
          round(extract(epoch from now() - enqueued_at)::numeric, 1)::float8 as "waitSeconds",
          case when ringing then null else (row_number() over (partition by team, agent, ringing
            order by priority desc, enqueued_at, call_id))::int end as position,
          case when ringing then 'ringing' when callback then 'callback' when waiting then 'waiting'
            else 'workflow' end as state,
          router, case when callback then 'callback' else 'call' end as kind
        from live
        order by ringing desc, priority desc, enqueued_at, call_id`,
  )
  return list.map((r) => ({ ...r, enqueuedAt: new Date(r.enqueuedAt) }))
}
