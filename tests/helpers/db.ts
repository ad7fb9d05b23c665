/**
 * A fresh database per test file, so files run in parallel: on PostgreSQL when TEST_DATABASE_URL
 * (or DATABASE_URL) is set, a database `ivr_test_<random>` created beside the one named and dropped
 * at teardown; otherwise an embedded PGlite (in memory, or in a temporary directory for the CLI).
 *
 * A fresh PGlite spends seconds in initdb; the in-memory ones start from a migrated copy kept in
 * the temporary directory, named by the migrations it holds, made by the first test that needs it.
 */
import { PGlite } from '@electric-sql/pglite'
import { createHash, randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Test } from 'tap'
import { MEMORY, type StoreConfig } from '../../lib/store/config.js'
import { MIGRATIONS_FOLDER, migrateStore, openStore, pgliteStore, type Store } from '../../lib/store/db.js'

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

function templateFile(): string {
  const hash = createHash('sha256')
  for (const name of readdirSync(MIGRATIONS_FOLDER, { recursive: true, encoding: 'utf8' }).sort())
    if (name.endsWith('.sql') || name.endsWith('.json'))
      hash.update(name).update(readFileSync(join(MIGRATIONS_FOLDER, name)))
  return join(tmpdir(), `ivr-router-test-pglite-${hash.digest('hex').slice(0, 16)}.tar.gz`)
}

/** An in-memory PGlite with the migrations applied, from the cached copy (made on first use). */
async function migratedPglite(): Promise<Store> {
  const file = templateFile()
  const cached = await readFile(file).catch(() => undefined)
  if (cached) return pgliteStore(await PGlite.create({ loadDataDir: new Blob([cached]) }), 'embedded PGlite in memory')
  const store = await openStore({ kind: 'pglite', dataDir: MEMORY })
  await migrateStore(store)
  const dump = (await (store.db as unknown as { $client: PGlite }).$client.dumpDataDir('gzip')) as Blob
  const part = `${file}.${process.pid}`
  await writeFile(part, Buffer.from(await dump.arrayBuffer()))
  await rename(part, file)
  return store
}

/** A fresh, migrated store for this test file (`migrate: false`: an empty one), closed at teardown. */
export async function testStore(t: Test, options: { migrate?: boolean } = {}): Promise<Store & TestDatabase> {
  const migrate = options.migrate !== false
  const database: TestDatabase = serverUrl
    ? await testDatabase(t)
    : { config: { kind: 'pglite', dataDir: MEMORY }, env: {} }
  const store = !serverUrl && migrate ? await migratedPglite() : await openStore(database.config)
  t.teardown(() => store.close())
  if (migrate) await migrateStore(store)
  return Object.assign(Object.create(null) as object, store, database)
}
