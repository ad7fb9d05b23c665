/**
 * Agent reservations shared by every router on the database: an agent is reserved for a call
 * while it rings or talks, by one UPDATE whose subquery locks the free agents with
 * `FOR UPDATE SKIP LOCKED`, so two calls (in any process) never get the same agent. A reservation
 * has a lease: a live router renews its leases, and a router that dies leaves leases that expire,
 * after which the agent counts as free again.
 *
 * First come, first served across routers: an agent is reserved for a call only when no caller queued
 * earlier (queue_entries, any router) still waits for that agent or one of its teams. A call not queued
 * yet counts as the newest. Callers ringing agents or in the queued workflow hold nobody back.
 */
import { sql } from 'drizzle-orm'
import type { RingFor } from '../engine/world.js'
import { newStrategyMemory, ringOrder, type RingOrder } from '../routing/strategy.js'
import type { Agent, Team } from '../workflow/schema.js'
import { rows, type Db } from './db.js'
import { AGENT_FREE_CHANNEL } from './notify.js'

type Reserved = { id: number; name: string; dial: string; lastCallEnd: Date | string | null }

/** Reserves the free agents for the call and orders them by the team's strategy. */
export async function reserveAgents(
  db: Db,
  callId: string,
  forWhom: RingFor,
  team: Team | undefined,
  leaseSeconds: number,
): Promise<RingOrder> {
  const free = sql`a.status = 'available' and (a.reserved_by is null or a.lease_until < now())
    and (a.rest_until is null or a.rest_until <= now())
    and not exists (
      select 1 from queue_entries q
      where q.waiting and q.lease_until > now() and q.call_id <> ${callId}
        and (q.enqueued_at, q.call_id) < (coalesce(
              (select m.enqueued_at from queue_entries m where m.call_id = ${callId}), 'infinity'::timestamptz), ${callId}::text)
        and (q.agent = a.name or q.team in (
              select t2.name from agent_teams x2 join teams t2 on t2.id = x2.team_id where x2.agent_id = a.id))
        and not exists (select 1 from agents r where r.reserved_by = q.call_id and r.lease_until > now()))`
  const pick =
    'agent' in forWhom
      ? sql`select a.id from agents a where a.name = ${forWhom.agent} and ${free} for update skip locked`
      : sql`select a.id from agents a
            join agent_teams x on x.agent_id = a.id join teams t on t.id = x.team_id
            where t.name = ${forWhom.team} and ${free}
            order by a.id for update of a skip locked`
  const reserved = await rows<Reserved>(
    db,
    sql`update agents set reserved_by = ${callId}, lease_until = now() + make_interval(secs => ${leaseSeconds})
        where id in (${pick})
        returning id, name, dial, last_call_end as "lastCallEnd"`,
  )
  reserved.sort((a, b) => a.id - b.id)
  const memory = newStrategyMemory()
  for (const r of reserved)
    if (r.lastCallEnd !== null) memory.lastCallEnd.set(r.name, new Date(r.lastCallEnd).getTime())
  if (team?.strategy === 'round-robin' && reserved.length > 0) {
    const [turn] = await rows<{ turn: number }>(
      db,
      sql`update teams set rr_cursor = rr_cursor + 1 where name = ${team.name} returning rr_cursor - 1 as turn`,
    )
    memory.rotation.set(team.name, turn?.turn ?? 0)
  }
  const agents: Agent[] = reserved.map((r) => ({
    kind: 'agent',
    name: r.name,
    dial: r.dial,
    teams: [],
    status: 'available',
  }))
  return 'agent' in forWhom ? { agents, mode: 'simultaneous' } : ringOrder(team, agents, memory)
}

/**
 * Ends the call's reservations (all of them, or all but `keep`: the agent who answered) and tells
 * the queued callers which agents are free.
 */
export async function releaseAgents(db: Db, callId: string, keep?: string, restSeconds = 0): Promise<void> {
  const others = keep === undefined ? sql`` : sql` and name <> ${keep}`
  const rest = restSeconds > 0 ? sql`, rest_until = now() + make_interval(secs => ${restSeconds})` : sql``
  await db.execute(
    sql`with released as (
          update agents set reserved_by = null, lease_until = null${rest} where reserved_by = ${callId}${others} returning name
        )
        select pg_notify(${AGENT_FREE_CHANNEL}, string_agg(name, ',')) from released having count(*) > 0`,
  )
}

/** Extends the leases of the calls still ringing or talking. */
export async function renewLeases(db: Db, callIds: readonly string[], leaseSeconds: number): Promise<void> {
  if (callIds.length === 0) return
  await db.execute(
    sql`update agents set lease_until = now() + make_interval(secs => ${leaseSeconds})
        where reserved_by in (${sql.join(
          callIds.map((id) => sql`${id}`),
          sql`, `,
        )})`,
  )
}
