/** Console sessions: the SHA-256 of the cookie's token, its user, its CSRF token, when it ends. */
import { and, eq, gt, lt, sql } from 'drizzle-orm'
import type { Db } from './db.js'
import { sessions, users } from './schema.js'
import type { Role } from './users.js'

export type SessionUser = { id: number; name: string; role: Role }
export type ActiveSession = { user: SessionUser; csrfToken: string; expiresAt: Date }

export async function createSession(
  db: Db,
  s: { tokenHash: string; userId: number; csrfToken: string; expiresAt: Date; address: string },
): Promise<void> {
  // Expired sessions go when new ones come: no sweeper to run.
  await db.delete(sessions).where(lt(sessions.expiresAt, sql`now()`))
  await db.insert(sessions).values(s)
}

/** The session of this token hash while it lasts. */
export async function activeSession(db: Db, tokenHash: string): Promise<ActiveSession | undefined> {
  const [row] = await db
    .select({
      id: users.id,
      name: users.name,
      role: users.role,
      csrfToken: sessions.csrfToken,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, sql`now()`)))
  return (
    row && { user: { id: row.id, name: row.name, role: row.role }, csrfToken: row.csrfToken, expiresAt: row.expiresAt }
  )
}

export async function endSession(db: Db, tokenHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash))
}
