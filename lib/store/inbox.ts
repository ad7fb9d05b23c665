/**
 * The inbox as operators see it: missed calls and voicemail (rows written with the call, records.ts), each with the
 * caller's contact name when the number is a known contact, listed, shown, resolved with a note and reopened.
 * Every new row is announced on `ivr_router_inbox` by a trigger (migration 0003_inbox_notify).
 */
import { sql, type SQL } from 'drizzle-orm'
import { rows, type Db, type Store } from './db.js'
import type { INBOX_REASONS } from './schema.js'

/** Why a call is in the inbox: what the call came to, or `router_lost` (its router died during it). */
export type InboxReason = (typeof INBOX_REASONS)[number]

export const INBOX_CHANNEL = 'ivr_router_inbox'

export type InboxItem = {
  id: number
  callId: string
  reason: InboxReason
  caller: string
  callerName: string
  /** The contact's name when the caller's E.164 number is in `contacts`. */
  contact: string | null
  dialed: string
  team: string | null
  fields: Record<string, string>
  waitSeconds: number
  recording: { path: string; seconds: number } | null
  createdAt: string
  resolvedAt: string | null
  note: string | null
  /** Who resolved it: a console user, or `cli:<os user>`. */
  resolvedBy: string | null
  /** The steps the call went through, in order (the path taken). */
  steps: string[]
}

export type InboxFilter = {
  open?: boolean
  resolved?: boolean
  team?: string
  reason?: InboxReason
  since?: Date
  until?: Date
  limit?: number
}

type Row = {
  id: number
  call_id: string
  reason: InboxReason
  caller: string
  caller_name: string | null
  contact: string | null
  dialed: string
  team: string | null
  fields: Record<string, string>
  wait_seconds: number
  recording_path: string | null
  recording_seconds: number | null
  created_at: Date | string
  resolved_at: Date | string | null
  note: string | null
  resolved_by: string | null
  steps: string[] | null
}

const isoOf = (v: Date | string) => new Date(v).toISOString()

function item(r: Row): InboxItem {
  return {
    id: r.id,
    callId: r.call_id,
    reason: r.reason,
    caller: r.caller,
    callerName: r.caller_name ?? '',
    contact: r.contact,
    dialed: r.dialed,
    team: r.team,
    fields: r.fields,
    waitSeconds: Number(r.wait_seconds),
    recording: r.recording_path === null ? null : { path: r.recording_path, seconds: Number(r.recording_seconds ?? 0) },
    createdAt: isoOf(r.created_at),
    resolvedAt: r.resolved_at === null ? null : isoOf(r.resolved_at),
    note: r.note,
    resolvedBy: r.resolved_by,
    steps: r.steps ?? [],
  }
}

function select(where: SQL, tail: SQL = sql``): SQL {
  return sql`select i.id, i.call_id, i.reason, i.caller, c.caller_name, k.name as contact, i.dialed, i.team, i.fields,
                    i.wait_seconds, i.recording_path, i.recording_seconds, i.created_at, i.resolved_at, i.note,
                    i.resolved_by, c.steps
             from inbox i
             left join calls c on c.id = i.call_id
             left join contacts k on k.number = i.caller
             where ${where} ${tail}`
}

/** Newest first. */
export async function listInbox(db: Pick<Db, 'execute'>, filter: InboxFilter = {}): Promise<InboxItem[]> {
  const conditions: SQL[] = [sql`true`]
  if (filter.open) conditions.push(sql`i.resolved_at is null`)
  if (filter.resolved) conditions.push(sql`i.resolved_at is not null`)
  if (filter.team !== undefined) conditions.push(sql`i.team = ${filter.team}`)
  if (filter.reason !== undefined) conditions.push(sql`i.reason = ${filter.reason}`)
  if (filter.until !== undefined) conditions.push(sql`i.created_at < ${filter.until.toISOString()}::timestamptz`)
  if (filter.since !== undefined) conditions.push(sql`i.created_at >= ${filter.since.toISOString()}::timestamptz`)
  const where = sql.join(conditions, sql` and `)
  const found = await rows<Row>(
    db,
    select(where, sql`order by i.created_at desc, i.id desc limit ${filter.limit ?? 1000}`),
  )
  return found.map(item)
}

export async function getInbox(db: Pick<Db, 'execute'>, id: number): Promise<InboxItem | undefined> {
  const [found] = await rows<Row>(db, select(sql`i.id = ${id}`))
  return found && item(found)
}

/**
 * Marks a row resolved (now, with the note when given; resolving again keeps the first time and replaces the note
 * only when a new one is given), by whom when known. Undefined when there is no such row.
 */
export async function resolveInbox(
  db: Pick<Db, 'execute'>,
  id: number,
  note?: string,
  by?: string,
): Promise<InboxItem | undefined> {
  const updated = await rows<{ id: number }>(
    db,
    sql`update inbox set resolved_at = coalesce(resolved_at, now()), note = coalesce(${note ?? null}::text, note),
          resolved_by = coalesce(${by ?? null}::text, resolved_by)
        where id = ${id} returning id`,
  )
  return updated.length === 0 ? undefined : getInbox(db, id)
}

/** Opens a resolved row again (the note stays, as history). Undefined when there is no such row. */
export async function reopenInbox(db: Pick<Db, 'execute'>, id: number): Promise<InboxItem | undefined> {
  const updated = await rows<{ id: number }>(db, sql`update inbox set resolved_at = null where id = ${id} returning id`)
  return updated.length === 0 ? undefined : getInbox(db, id)
}

export type InboxNotice = { id: number; reason: InboxReason; callId: string }

/** Calls `onRow` for each new inbox row (from any process on PostgreSQL); returns the unlisten. */
export function listenForInbox(store: Store, onRow: (notice: InboxNotice) => void): Promise<() => Promise<void>> {
  return store.listen(INBOX_CHANNEL, {
    onNotify: (payload) => {
      let notice: InboxNotice
      try {
        notice = JSON.parse(payload) as InboxNotice
      } catch {
        return // not a notice of ours: someone else NOTIFYing on the channel
      }
      onRow(notice)
    },
  })
}
