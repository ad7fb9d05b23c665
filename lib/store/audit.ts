/** The audit trail: every change made in the console or with the CLI's user commands — who, what, when, from where. */
import { desc } from 'drizzle-orm'
import type { Db } from './db.js'
import { audit } from './schema.js'

export type AuditEntry = {
  actor: string
  action: string
  target?: string | null
  detail?: Record<string, unknown>
  origin: string
}
export type AuditRow = Required<AuditEntry> & { id: number; at: Date }

export async function writeAudit(db: Pick<Db, 'insert'>, entry: AuditEntry): Promise<void> {
  await db.insert(audit).values({ ...entry, target: entry.target ?? null, detail: entry.detail ?? {} })
}

/** Newest first. */
export async function listAudit(db: Db, limit = 100): Promise<AuditRow[]> {
  const list = await db.select().from(audit).orderBy(desc(audit.id)).limit(limit)
  return list.map((r) => ({ ...r, target: r.target ?? null }))
}
