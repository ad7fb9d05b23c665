/** Schedules as stored (`apply` writes them): list with whether each is open now, and one document. */
import { asc, eq } from 'drizzle-orm'
import { isOpen, nextChange } from '../schedule/open.js'
import { Schedule } from '../workflow/schema.js'
import type { Db } from './db.js'
import { refusal, type Refusal } from './refusal.js'
import { schedules } from './schema.js'

export type ScheduleRow = {
  name: string
  title: string | null
  timezone: string
  open: boolean
  /** When it next opens or closes (ms epoch), if it ever does. */
  nextChange: number | null
  document: Schedule
}

export async function listSchedules(db: Db, at: number): Promise<ScheduleRow[]> {
  const list = await db.select().from(schedules).orderBy(asc(schedules.name))
  return list.flatMap((row) => {
    const parsed = Schedule.safeParse(row.document)
    if (!parsed.success) return []
    const s = parsed.data
    return [
      {
        name: s.name,
        title: s.title ?? null,
        timezone: s.timezone,
        open: isOpen(s, at),
        nextChange: nextChange(s, at) ?? null,
        document: s,
      },
    ]
  })
}

export async function showSchedule(db: Db, name: string, at: number): Promise<(ScheduleRow & { ok: true }) | Refusal> {
  const [row] = await db.select({ name: schedules.name }).from(schedules).where(eq(schedules.name, name))
  if (!row) return refusal(`no schedule named "${name}"`)
  const found = (await listSchedules(db, at)).find((s) => s.name === name)
  if (!found) return refusal(`schedule "${name}" no longer passes the schedule schema`)
  return { ok: true, ...found }
}
