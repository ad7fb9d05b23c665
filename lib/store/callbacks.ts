/**
 * Callbacks in the store (issue 15): a caller who asks to be called back leaves the line but its place (arrival
 * and priority) stays there under the callback's id, in the same `queue_entries` the distributor serves, so a
 * callback asked at 10:00 is offered an agent before a caller who arrived at 10:05. Every open callback is held by
 * one router (`callbacks.router`); when that router stops beating, another adopts it, under the distributor's lock
 * so that exactly one does (migration 0018). An attempt is begun only by the router holding the callback and only
 * while it waits, so two routers never call the same customer for it.
 */
import { sql } from 'drizzle-orm'
import type { AttemptEnd } from '../routing/callback-runner.js'
import { rows, type Db } from './db.js'
import type { CALLBACK_STATUSES, CallbackAttempt } from './schema.js'

export type CallbackStatus = (typeof CALLBACK_STATUSES)[number]

/** The distributor's advisory lock (migration 0008): callbacks change the line only under it. */
const DISTRIBUTOR_LOCK = 7365021

export type CallbackRequest = {
  /** The callback's id: its place in `queue_entries` while it waits. */
  id: string
  /** The call asking. */
  callId: string
  router: string
  forWhom: { team: string } | { agent: string }
  priority: number
  /** The number to call back (E.164), the caller's, and the number the caller dialled (the callback's caller ID). */
  number: string
  caller: string
  dialed: string
  fields: Record<string, string>
  maxAttempts: number
  retrySeconds: number
  /** Callbacks open (waiting or being served) for that team or agent beyond which no more are taken. */
  limit?: number
  /** `router` serves callbacks and holds this one; false: nobody holds it until a router that serves them adopts it. */
  hold?: boolean
}

export type CallbackRequested =
  { ok: true; requestedAt: Date; open: number } | { ok: false; reason: 'full'; open: number }

/** Takes a callback in the caller's place, unless its line already holds `limit` open callbacks. */
export async function requestCallback(db: Pick<Db, 'execute'>, r: CallbackRequest): Promise<CallbackRequested> {
  const team = 'team' in r.forWhom ? r.forWhom.team : null
  const agent = 'agent' in r.forWhom ? r.forWhom.agent : null
  const [row] = await rows<{ status: string; requestedAt: Date | string | null; open: number }>(
    db,
    sql`select o_status as status, o_requested_at as "requestedAt", o_open as open from ivr_callback_request(
      ${r.id}, ${r.callId}, ${r.router}, ${team}, ${agent}, ${r.priority}::int,
      ${r.number}, ${r.caller}, ${r.dialed}, ${JSON.stringify(r.fields)}::jsonb,
      ${r.maxAttempts}::int, ${r.retrySeconds}::int, ${r.limit ?? null}::int, ${r.hold ?? true})`,
  )
  if (!row) throw new Error('ivr_callback_request returned nothing')
  return row.status === 'full'
    ? { ok: false, reason: 'full', open: row.open }
    : { ok: true, requestedAt: new Date(row.requestedAt!), open: row.open }
}

/**
 * Adopts the open callbacks of routers not seen for `goneSeconds`, and sets back to waiting this router's own
 * callbacks marked serving that it is not serving (`serving`: it restarted under the same id); returns every open
 * callback `router` holds (the adopted ones flagged), so a router learns of its callbacks whatever it missed.
 */
export async function adoptCallbacks(
  db: Pick<Db, 'execute'>,
  router: string,
  goneSeconds: number,
  serving: readonly string[] = [],
): Promise<{ id: string; adopted: boolean }[]> {
  const ids = serving.length
    ? sql`array[${sql.join(
        serving.map((id) => sql`${id}`),
        sql`, `,
      )}]::text[]`
    : null
  return rows<{ id: string; adopted: boolean }>(
    db,
    sql`select o_id as id, o_adopted as adopted from ivr_callback_adopt(${router}, ${goneSeconds}::int, ${ids})`,
  )
}

/** The open callbacks `router` holds, in the order they are offered agents. */
export async function heldCallbacks(db: Pick<Db, 'execute'>, router: string): Promise<CallbackRow[]> {
  const list = await rows<Raw>(
    db,
    sql`select ${COLUMNS} from callbacks where router = ${router} and status in ('waiting', 'serving')
        order by priority desc, requested_at, id`,
  )
  return list.map(typed)
}

export type CallbackRow = {
  id: string
  callId: string
  team: string | null
  agent: string | null
  number: string
  caller: string
  dialed: string
  fields: Record<string, string>
  priority: number
  requestedAt: Date
  status: CallbackStatus
  attempts: number
  maxAttempts: number
  retrySeconds: number
  nextAttemptAt: Date | null
  router: string | null
  agentServed: string | null
  lastCause: string | null
  endedAt: Date | null
  cancelledBy: string | null
  /** Each offer's end, in order. */
  attemptsLog: CallbackAttempt[]
}

type Raw = Omit<CallbackRow, 'requestedAt' | 'nextAttemptAt' | 'endedAt'> & {
  requestedAt: Date | string
  nextAttemptAt: Date | string | null
  endedAt: Date | string | null
}

const COLUMNS = sql`id, call_id as "callId", team, agent, number, caller, dialed, fields, priority,
  requested_at as "requestedAt", status, attempts, max_attempts as "maxAttempts", retry_seconds as "retrySeconds",
  next_attempt_at as "nextAttemptAt", router, agent_served as "agentServed", last_cause as "lastCause",
  ended_at as "endedAt", cancelled_by as "cancelledBy", attempts_log as "attemptsLog"`

const date = (v: Date | string | null) => (v === null ? null : new Date(v))
const typed = (r: Raw): CallbackRow => ({
  ...r,
  requestedAt: new Date(r.requestedAt),
  nextAttemptAt: date(r.nextAttemptAt),
  endedAt: date(r.endedAt),
})

/** Open callbacks (waiting or being served) in the order they are offered agents; with `all`, ended ones after. */
export async function listCallbacks(db: Pick<Db, 'execute'>, o: { all?: boolean } = {}): Promise<CallbackRow[]> {
  const list = await rows<Raw>(
    db,
    sql`select ${COLUMNS} from callbacks
        ${o.all ? sql`` : sql`where status in ('waiting', 'serving')`}
        order by status not in ('waiting', 'serving'), priority desc, requested_at, id`,
  )
  return list.map(typed)
}

export async function getCallback(db: Pick<Db, 'execute'>, id: string): Promise<CallbackRow | undefined> {
  const [row] = await rows<Raw>(db, sql`select ${COLUMNS} from callbacks where id = ${id}`)
  return row && typed(row)
}

export type CancelResult = { cancelled: CallbackRow } | { notOpen: CallbackRow } | undefined

/**
 * Cancels an open callback: it leaves the line and any agent reserved for it is given back. One being served
 * cannot be stopped mid-call from here; it is marked cancelled and its router does not try it again.
 */
export async function cancelCallback(db: Db, id: string, by: string): Promise<CancelResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${DISTRIBUTOR_LOCK})`)
    const [row] = await rows<Raw>(
      tx,
      sql`update callbacks set status = 'cancelled', cancelled_by = ${by}, ended_at = now(), router = null
          where id = ${id} and status in ('waiting', 'serving') returning ${COLUMNS}`,
    )
    if (!row) {
      const existing = await getCallback(tx, id)
      return existing && { notOpen: existing }
    }
    await tx.execute(
      sql`update agents set reserved_by = null, lease_until = null, reservation = null where reserved_by = ${id}`,
    )
    await tx.execute(sql`delete from queue_entries where call_id = ${id}`)
    return { cancelled: typed(row) }
  })
}

/**
 * The router holding a waiting callback begins serving it (an agent is reserved for it and about to be rung);
 * false when it no longer may: cancelled, ended, adopted by another router, or already being served.
 */
export async function beginAttempt(db: Pick<Db, 'execute'>, id: string, router: string): Promise<boolean> {
  const list = await rows<{ id: string }>(
    db,
    sql`update callbacks set status = 'serving'
        where id = ${id} and router = ${router} and status = 'waiting' returning id`,
  )
  return list.length === 1
}

/**
 * The agent answered and the customer is about to be called: the attempt counts from now, so a router that dies
 * during the call leaves it counted and a customer is never called more than `max_attempts` times.
 */
export async function countAttempt(db: Pick<Db, 'execute'>, id: string, router: string): Promise<boolean> {
  const list = await rows<{ id: string }>(
    db,
    sql`update callbacks set attempts = attempts + 1
        where id = ${id} and router = ${router} and status = 'serving' returning id`,
  )
  return list.length === 1
}

/**
 * Ends what `router` began, noting it in the callback's log: served; waiting again (at once, or `retry_seconds`
 * from now after an unreached customer); or failed once the attempts are used up. A callback that ended gets its
 * own record in the same statement (`calls` under its id: outcome `connected` or `callback_failed`, the log as
 * its events after one naming the call that asked, and for a failure an inbox row, reason `callback_failed`),
 * so it is never lost between the two. The callback as it is now, or undefined when `router` no longer held it.
 * Its place in line is the distributor's to give up (the ledger's `leave`), or the sweep's.
 */
export async function endAttempt(
  db: Pick<Db, 'execute'>,
  id: string,
  router: string,
  end: AttemptEnd,
): Promise<CallbackRow | undefined> {
  const entry: CallbackAttempt = {
    at: Date.now(),
    router,
    outcome: end.outcome,
    ...(end.outcome === 'unserved'
      ? { ...(end.agents.length ? { agent: end.agents.join(',') } : {}), ...(end.cause ? { cause: end.cause } : {}) }
      : end.outcome === 'served'
        ? { agent: end.agent }
        : { agent: end.agent, cause: end.cause }),
  }
  const log = sql`attempts_log = attempts_log || ${JSON.stringify([entry])}::jsonb`
  const mine = sql`where id = ${id} and router = ${router} and status = 'serving' returning *`
  const update =
    end.outcome === 'served'
      ? sql`update callbacks set status = 'served', agent_served = ${end.agent}, ended_at = now(), router = null, ${log}
            ${mine}`
      : end.outcome === 'unserved'
        ? sql`update callbacks set status = 'waiting', ${log} ${mine}`
        : sql`update callbacks set last_cause = ${end.cause}, ${log},
              status = case when attempts >= max_attempts then 'failed' else 'waiting' end,
              next_attempt_at = case when attempts >= max_attempts then null
                                     else now() + make_interval(secs => retry_seconds) end,
              ended_at = case when attempts >= max_attempts then now() end,
              router = case when attempts >= max_attempts then null else router end ${mine}`
  const talk = end.outcome === 'served' ? end.talkSeconds : 0
  const lastAgent = end.outcome === 'unserved' ? null : end.agent
  const [row] = await rows<Raw>(
    db,
    sql`with u as (${update}),
        c as (
          insert into calls (id, caller, caller_name, dialed, workflow, started_at, answered_at, ended_at, outcome,
                             inbox_reason, team, agent, fields, queue_seconds, talk_seconds)
          select u.id, u.number, '', u.dialed, 'callback', u.created_at,
                 case when u.status = 'served' then u.ended_at - make_interval(secs => ${talk}::float8) end,
                 u.ended_at, case when u.status = 'served' then 'connected' else 'callback_failed' end,
                 case when u.status = 'failed' then 'callback_failed' end, u.team,
                 coalesce(u.agent_served, ${lastAgent}::text), u.fields,
                 extract(epoch from u.ended_at - u.requested_at)::float8, ${talk}::float8
          from u where u.status in ('served', 'failed')
          on conflict (id) do nothing
          returning id, started_at
        ),
        e as (
          insert into call_events (call_id, seq, at_ms, type, data)
          select c.id, 0, 0, 'callback', jsonb_build_object('of', u.call_id, 'number', u.number,
                   'requestedAt', floor(extract(epoch from u.requested_at) * 1000)::bigint)
          from c, u
          union all
          select c.id, x.n::int, greatest(0, least(2147483647,
                   (x.a->>'at')::bigint - floor(extract(epoch from c.started_at) * 1000)::bigint))::int,
                 'callback-attempt', x.a - 'at'
          from c, u, jsonb_array_elements(u.attempts_log) with ordinality as x(a, n)
        ),
        i as (
          insert into inbox (call_id, reason, caller, dialed, team, fields, wait_seconds, created_at)
          select c.id, 'callback_failed', u.number, u.dialed, u.team, u.fields,
                 extract(epoch from u.ended_at - u.requested_at)::float8, u.ended_at
          from c, u where u.status = 'failed'
        )
        select ${COLUMNS} from u`,
  )
  return row && typed(row)
}

/** Open callbacks by status (waiting, serving), for the metrics when scraped: every status appears, 0 when none. */
export async function callbackCounts(db: Pick<Db, 'execute'>): Promise<Record<'waiting' | 'serving', number>> {
  const found = await rows<{ status: string; n: number }>(
    db,
    sql`select status, count(*)::int as n from callbacks where status in ('waiting', 'serving') group by status`,
  )
  const counts = { waiting: 0, serving: 0 }
  for (const r of found) if (r.status === 'waiting' || r.status === 'serving') counts[r.status] = Number(r.n)
  return counts
}
