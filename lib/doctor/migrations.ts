/**
 * Which migrations the database has, compared with the ones this router ships (sql/migrations), the way drizzle's
 * migrator decides: a shipped migration is pending when it is newer than the newest one recorded in
 * `drizzle.__drizzle_migrations`; a recorded one whose hash is not shipped came from another (newer) version.
 */
import { sql } from 'drizzle-orm'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { MIGRATIONS_FOLDER, rows, type Store } from '../store/db.js'

export type MigrationState = {
  /** Shipped migration names (sql/migrations/meta/_journal.json tags). */
  shipped: string[]
  /** Shipped but not applied, oldest first. */
  pending: string[]
  /** How many applied migrations this router does not ship. */
  unknown: number
  applied: number
}

type Journal = { entries: { tag: string; when: number }[] }

export async function migrationState(store: Store, folder = MIGRATIONS_FOLDER): Promise<MigrationState> {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as Journal
  const files = readMigrationFiles({ migrationsFolder: folder })
  const shipped = journal.entries.map((e) => e.tag)
  const recorded = await appliedMigrations(store)
  const newest = Math.max(-1, ...recorded.map((r) => Number(r.created_at)))
  const known = new Set(files.map((f) => f.hash))
  return {
    shipped,
    pending: journal.entries.filter((e) => e.when > newest).map((e) => e.tag),
    unknown: recorded.filter((r) => !known.has(r.hash)).length,
    applied: recorded.length,
  }
}

type Applied = { hash: string; created_at: string | number }

async function appliedMigrations(store: Store): Promise<Applied[]> {
  const [exists] = await rows<{ table: string | null }>(
    store.db,
    sql`select to_regclass('drizzle.__drizzle_migrations')::text as table`,
  )
  if (!exists?.table) return []
  return rows<Applied>(store.db, sql`select hash, created_at from drizzle.__drizzle_migrations order by created_at`)
}
