/**
 * A fresh database per test file, so files run in parallel: on PostgreSQL when TEST_DATABASE_URL
 * (or DATABASE_URL) is set, a database `ivr_test_<random>` created beside the one named and dropped
 * at teardown; otherwise an embedded PGlite (in memory, or in a temporary directory for the CLI).
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Test } from 'tap'
import { MEMORY, type StoreConfig } from '../../lib/store/config.js'
import { migrateStore, openStore, type Store } from '../../lib/store/db.js'

export const serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined

/** The database the tests run on, for test names. */
export const dbKind = serverUrl ? 'postgres' : 'pglite'

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

export type TestDatabase = {
  config: StoreConfig
  /** The environment a CLI subprocess needs to use this database. */
  env: NodeJS.ProcessEnv
  /** On PostgreSQL, the URL of the fresh database. */
  url?: string
}

/** A fresh, empty database nobody holds open yet (PGlite: a temporary directory). */
export async function testDatabase(t: Test): Promise<TestDatabase> {
  if (serverUrl) {
    const name = `ivr_test_${randomBytes(6).toString('hex')}`
    await adminQuery(`CREATE DATABASE ${name}`)
    t.teardown(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    const u = new URL(serverUrl)
    u.pathname = `/${name}`
    const url = u.toString()
    return { config: { kind: 'postgres', url }, env: { DATABASE_URL: url }, url }
  }
  const dir = await mkdtemp(join(tmpdir(), 'ivr-test-db-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const dataDir = join(dir, 'db')
  return { config: { kind: 'pglite', dataDir }, env: { DATABASE_URL: '', IVR_DATA_DIR: dataDir } }
}

/** A fresh, migrated store for this test file, closed at teardown. */
export async function testStore(t: Test, options: { migrate?: boolean } = {}): Promise<Store & TestDatabase> {
  const database: TestDatabase = serverUrl
    ? await testDatabase(t)
    : { config: { kind: 'pglite', dataDir: MEMORY }, env: {} }
  const store = await openStore(database.config)
  t.teardown(() => store.close())
  if (options.migrate !== false) await migrateStore(store)
  return Object.assign(Object.create(null) as object, store, database)
}
