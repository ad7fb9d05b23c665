/**
 * The console's accounts: a name, a role and an argon2id hash (hashed by the caller: lib/console/password.ts).
 * Removing a user or changing the password ends their sessions.
 */
import { asc, eq, sql } from 'drizzle-orm'
import type { Db } from './db.js'
import { refusal, type Refusal } from './refusal.js'
import { sessions, USER_ROLES, users } from './schema.js'

export type Role = (typeof USER_ROLES)[number]
export type UserRow = { id: number; name: string; role: Role; createdAt: Date }
export type UserWithHash = UserRow & { passwordHash: string }

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/

/** Lower-case letters, digits, `.`, `_`, `-`; at most 64. */
export function userNameProblem(name: string): string | undefined {
  return NAME.test(name)
    ? undefined
    : `user name ${JSON.stringify(name.slice(0, 70))}: lower-case letters, digits, ".", "_" or "-", at most 64`
}

export function roleProblem(role: string): string | undefined {
  return (USER_ROLES as readonly string[]).includes(role)
    ? undefined
    : `role ${JSON.stringify(role.slice(0, 40))}: use ${USER_ROLES.join(', ')}`
}

/** True when `role` may do what `needed` may (viewer < supervisor < admin). */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return USER_ROLES.indexOf(role) >= USER_ROLES.indexOf(needed)
}

export async function addUser(
  db: Db,
  input: { name: string; role: string; passwordHash: string },
): Promise<{ ok: true; name: string; role: Role } | Refusal> {
  const problem = userNameProblem(input.name) ?? roleProblem(input.role)
  if (problem) return refusal(problem)
  const [row] = await db
    .insert(users)
    .values({ name: input.name, role: input.role as Role, passwordHash: input.passwordHash })
    .onConflictDoNothing()
    .returning({ id: users.id })
  if (!row) return refusal(`user "${input.name}" exists (ivr-router user passwd ${input.name} changes the password)`)
  return { ok: true, name: input.name, role: input.role as Role }
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db
    .select({ id: users.id, name: users.name, role: users.role, createdAt: users.createdAt })
    .from(users)
    .orderBy(asc(users.name))
}

export async function findUser(db: Db, name: string): Promise<UserWithHash | undefined> {
  const [row] = await db.select().from(users).where(eq(users.name, name))
  return row && { id: row.id, name: row.name, role: row.role, createdAt: row.createdAt, passwordHash: row.passwordHash }
}

export async function removeUser(db: Db, name: string): Promise<{ ok: true; name: string } | Refusal> {
  const [gone] = await db.delete(users).where(eq(users.name, name)).returning({ id: users.id })
  return gone ? { ok: true, name } : refusal(`no user named "${name}"`)
}

/** Sets the password hash and ends the user's sessions (a changed password logs everyone out). */
export async function setPassword(
  db: Db,
  name: string,
  passwordHash: string,
): Promise<{ ok: true; name: string } | Refusal> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ passwordHash, updatedAt: sql`now()` })
      .where(eq(users.name, name))
      .returning({ id: users.id })
    if (!row) return refusal(`no user named "${name}"`)
    await tx.delete(sessions).where(eq(sessions.userId, row.id))
    return { ok: true as const, name }
  })
}

/** Gives the user another role; their sessions go on with it (the role is read with each request). */
export async function setRole(
  db: Db,
  name: string,
  role: Role,
): Promise<{ ok: true; name: string; role: Role } | Refusal> {
  const [row] = await db
    .update(users)
    .set({ role, updatedAt: sql`now()` })
    .where(eq(users.name, name))
    .returning({ id: users.id })
  return row ? { ok: true, name, role } : refusal(`no user named "${name}"`)
}
