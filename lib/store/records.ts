/**
 * Writes a finished call in one statement (one round trip, atomic): its `calls` row, all its
 * `call_events` (passed as one JSON array, so a long call costs no more statements), its `inbox`
 * row when it has one, and the agent's last call end (for `longest-idle`); its row of calls under way
 * goes. Writing the same call again changes nothing (`ON CONFLICT` on the call id), which makes spool
 * replay safe — except over a call another router closed as `failed` because this one seemed dead
 * (calls-in-progress.ts): the real record replaces that closure, and its open `router_lost` inbox row.
 * Also queues SMS the same way, idempotent by the message id.
 */
import { sql } from 'drizzle-orm'
import type { CallRecord } from '../engine/record.js'
import { rows, type Db } from './db.js'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * PostgreSQL refuses U+0000 in text and JSONB, and JSONB a lone surrogate escape: anything from
 * outside may carry them, and a record the database refuses would be lost.
 */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD') as T
  if (Array.isArray(value)) return value.map(storable) as T
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)])) as T
  return value
}

const INT_MAX = 2_147_483_647
const iso = (ms: number) => new Date(ms).toISOString()
const finite = (n: number) => (Number.isFinite(n) ? n : 0)

/** Writes the call; false when it was there already. */
export async function writeRecord(db: Pick<Db, 'execute'>, call: CallRecord): Promise<boolean> {
  const r = storable(call)
  const events = r.events.map(({ at, type, ...data }, seq) => ({
    seq,
    at: Math.min(INT_MAX, Math.max(0, Math.round(finite(at)))),
    type,
    data,
  }))
  const inbox = r.inbox
  const [result] = await rows<{ inserted: number }>(
    db,
    sql`with p as (
          delete from calls_in_progress where id = ${r.id}
        ),
        c as (
          insert into calls (id, caller, caller_name, dialed, workflow, workflow_version, started_at, answered_at,
                             ended_at, outcome, inbox_reason, team, agent, tags, fields, steps, queue_seconds, talk_seconds)
          values (${r.id}, ${r.caller}, ${r.callerName}, ${r.dialed}, ${r.workflow}, ${r.version ?? null},
                  ${iso(r.startedAt)}::timestamptz,
                  ${r.answeredAt === null ? null : iso(r.answeredAt)}::timestamptz,
                  ${iso(r.endedAt)}::timestamptz, ${r.outcome}, ${inbox?.reason ?? null}, ${r.team}, ${r.agent},
                  array(select jsonb_array_elements_text(${JSON.stringify(r.tags)}::jsonb)),
                  ${JSON.stringify(r.fields)}::jsonb,
                  array(select jsonb_array_elements_text(${JSON.stringify(r.steps)}::jsonb)),
                  ${finite(r.queueSeconds)}, ${finite(r.talkSeconds)})
          on conflict (id) do update set caller = excluded.caller, caller_name = excluded.caller_name,
            dialed = excluded.dialed, workflow = excluded.workflow, workflow_version = excluded.workflow_version,
            started_at = excluded.started_at, answered_at = excluded.answered_at, ended_at = excluded.ended_at,
            outcome = excluded.outcome, inbox_reason = excluded.inbox_reason, team = excluded.team,
            agent = excluded.agent, tags = excluded.tags, fields = excluded.fields, steps = excluded.steps,
            queue_seconds = excluded.queue_seconds, talk_seconds = excluded.talk_seconds, recorded_at = now()
          where calls.outcome = 'failed' and calls.inbox_reason = 'router_lost'
          returning id
        ),
        e as (
          insert into call_events (call_id, seq, at_ms, type, data)
          select c.id, x.seq, x.at, x.type, x.data
          from c, jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as x(seq int, at int, type text, data jsonb)
        ),
        i as (
          insert into inbox (call_id, reason, caller, dialed, team, fields, wait_seconds, recording_path,
                             recording_seconds, created_at)
          select c.id, ${inbox?.reason ?? null}, ${r.caller}, ${r.dialed}, ${r.team}, ${JSON.stringify(r.fields)}::jsonb,
                 ${finite(r.queueSeconds)}, ${inbox?.recording?.path ?? null},
                 ${inbox?.recording ? finite(inbox.recording.seconds) : null}::float8, ${iso(r.endedAt)}::timestamptz
          from c where ${inbox?.reason ?? null}::text is not null
          on conflict (call_id) do update set reason = excluded.reason, caller = excluded.caller,
            dialed = excluded.dialed, team = excluded.team, fields = excluded.fields,
            wait_seconds = excluded.wait_seconds, recording_path = excluded.recording_path,
            recording_seconds = excluded.recording_seconds, created_at = excluded.created_at
          where inbox.reason = 'router_lost'
        ),
        x as (
          delete from inbox
          where call_id in (select id from c) and reason = 'router_lost' and resolved_at is null
            and ${inbox?.reason ?? null}::text is null
        ),
        a as (
          update agents set last_call_end = ${iso(r.endedAt)}::timestamptz
          where name = ${r.agent}::text and exists (select 1 from c)
            and (last_call_end is null or last_call_end < ${iso(r.endedAt)}::timestamptz)
        )
        select count(*)::int as inserted from c`,
  )
  return (result?.inserted ?? 0) > 0
}

export type SmsMessage = { id: string; callId: string; to: string; text: string; createdAt: number }

/** Queues an SMS in the outbox; false when that message id was queued already. */
export async function writeSms(db: Pick<Db, 'execute'>, sms: SmsMessage): Promise<boolean> {
  const m = storable(sms)
  const inserted = await rows<{ id: string }>(
    db,
    sql`insert into sms_outbox (id, call_id, to_number, text, created_at)
        values (${m.id}, ${m.callId}, ${m.to}, ${m.text}, ${iso(m.createdAt)}::timestamptz)
        on conflict (id) do nothing returning id`,
  )
  return inserted.length > 0
}
