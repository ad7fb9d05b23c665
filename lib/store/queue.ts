/**
 * The queue in the database (`queue_entries`): who waits for which team or agent, since when and on which
 * router. Agents are offered first come, first served across routers (reservations.ts reads these rows);
 * `queue list` and the metrics read `listQueue`. A router renews its entries' leases while their calls
 * last, so the callers of a router that died stop counting once their lease runs out.
 */
import { sql, type SQL } from 'drizzle-orm'
import type { RingFor } from '../engine/world.js'
import { rows, type Db } from './db.js'
import { AGENT_FREE_CHANNEL } from './notify.js'

const target = (forWhom: RingFor) =>
  'agent' in forWhom ? { team: null, agent: forWhom.agent } : { team: forWhom.team, agent: null }

/** Enters the call in the queue (again: keeps its place, takes the new target). */
export async function joinQueue(
  db: Db,
  entry: { callId: string; forWhom: RingFor; caller: string; router: string; leaseSeconds: number },
): Promise<void> {
  const { team, agent } = target(entry.forWhom)
  await db.execute(
    sql`insert into queue_entries (call_id, team, agent, caller, router, lease_until)
        values (${entry.callId}, ${team}, ${agent}, ${entry.caller}, ${entry.router},
                now() + make_interval(secs => ${entry.leaseSeconds}))
        on conflict (call_id) do update set team = excluded.team, agent = excluded.agent, waiting = true`,
  )
}

/**
 * Wakes the callers queued behind this one when it stops holding agents back: it left, or went into the
 * queued workflow. The names of the free agents it could have taken go out as if they had just been released.
 */
const notifyFreed = (ctes: SQL) =>
  sql`with ${ctes}
      select pg_notify(${AGENT_FREE_CHANNEL}, string_agg(a.name, ','))
      from agents a, gone g
      where g.waiting and a.status = 'available' and (a.reserved_by is null or a.lease_until < now())
        and (a.name = g.agent or exists (
          select 1 from agent_teams x join teams t on t.id = x.team_id where x.agent_id = a.id and t.name = g.team))
      having count(*) > 0`

/** Changes whom the call waits for, and whether it waits (false: in the queued workflow). */
export async function updateQueueEntry(db: Db, callId: string, forWhom: RingFor, waiting: boolean): Promise<void> {
  const { team, agent } = target(forWhom)
  await db.execute(
    notifyFreed(
      sql`old as (select team, agent, waiting from queue_entries where call_id = ${callId}),
          changed as (update queue_entries set team = ${team}, agent = ${agent}, waiting = ${waiting}::boolean
                      where call_id = ${callId} returning 1),
          gone as (select team, agent, waiting and not ${waiting}::boolean as waiting from old)`,
    ),
  )
}

/** Takes the call out of the queue (answered, hung up, or ended by the queued workflow). */
export async function leaveQueue(db: Db, callId: string): Promise<void> {
  await db.execute(
    notifyFreed(sql`gone as (delete from queue_entries where call_id = ${callId} returning team, agent, waiting)`),
  )
}

/** Extends the leases of the calls still queued on this router. */
export async function renewQueueLeases(db: Db, callIds: readonly string[], leaseSeconds: number): Promise<void> {
  if (callIds.length === 0) return
  await db.execute(
    sql`update queue_entries set lease_until = now() + make_interval(secs => ${leaseSeconds})
        where call_id in (${sql.join(
          callIds.map((id) => sql`${id}`),
          sql`, `,
        )})`,
  )
}

/** Deletes the entries of dead routers (a minute past their lease), which nobody else would remove. */
export async function dropExpiredEntries(db: Db): Promise<void> {
  await db.execute(sql`delete from queue_entries where lease_until < now() - interval '1 minute'`)
}

/** The call's place among the live entries waiting for the same team or agent (1 = next), if it is queued. */
export async function queuePosition(db: Db, callId: string): Promise<number | undefined> {
  const [row] = await rows<{ position: number }>(
    db,
    sql`select count(*)::int as position from queue_entries q, queue_entries me
        where me.call_id = ${callId} and q.lease_until > now()
          and q.team is not distinct from me.team and q.agent is not distinct from me.agent
          and (q.enqueued_at, q.call_id) <= (me.enqueued_at, me.call_id)
        having count(*) > 0`,
  )
  return row?.position
}

export type QueueRow = {
  callId: string
  team: string | null
  agent: string | null
  caller: string
  enqueuedAt: Date
  waitSeconds: number
  /** 1 = the next to be offered an agent of that team (or that agent). */
  position: number
  /** `waiting` for an agent, `ringing` (or talking) agents it reserved, `workflow`: in the queued workflow. */
  state: 'waiting' | 'ringing' | 'workflow'
  router: string
}

/** Everyone queued now on any router, oldest first (entries whose lease ran out are left out). */
export async function listQueue(db: Db): Promise<QueueRow[]> {
  const list = await rows<Omit<QueueRow, 'enqueuedAt'> & { enqueuedAt: Date | string }>(
    db,
    sql`select q.call_id as "callId", q.team, q.agent, q.caller, q.enqueued_at as "enqueuedAt",
          round(extract(epoch from now() - q.enqueued_at)::numeric, 1)::float8 as "waitSeconds",
          (row_number() over (partition by q.team, q.agent order by q.enqueued_at, q.call_id))::int as position,
          case when exists (select 1 from agents r where r.reserved_by = q.call_id and r.lease_until > now())
               then 'ringing' when q.waiting then 'waiting' else 'workflow' end as state,
          q.router
        from queue_entries q where q.lease_until > now()
        order by q.enqueued_at, q.call_id`,
  )
  return list.map((r) => ({ ...r, enqueuedAt: new Date(r.enqueuedAt) }))
}
