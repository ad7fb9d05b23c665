/**
 * Opens the store: PostgreSQL through a pg Pool when a URL is configured, else the embedded PGlite
 * in a directory (or in memory), both through drizzle with the same schema and migrations.
 */
import { PGlite } from '@electric-sql/pglite'
import { sql, type SQL } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { packageRoot } from '../paths.js'
import { MEMORY, redactUrl, type StoreConfig } from './config.js'
import { lockDirectory } from './lock.js'
import { PgListener, type NotifyHandler } from './pg-listener.js'
import * as schema from './schema.js'

export type Schema = typeof schema
export type Db = PgDatabase<PgQueryResultHKT, Schema>
export type StoreKind = 'postgres' | 'pglite'

export type Store = {
  readonly db: Db
  /**
   * The distributor's connections (lib/store/ledger.ts): on PostgreSQL a pool of its own, so that handing an agent
   * to the next caller never queues behind record writes when many calls end at once; on PGlite the same as `db`.
   */
  readonly routingDb: Db
  readonly kind: StoreKind
  /** Which database, for the start-up line: `PostgreSQL postgres://app@db:5432/ivr` (no password) or `embedded PGlite in /srv/ivr/var/db`. */
  readonly description: string
  /** Calls the handler for each NOTIFY on `channel` (from any process on PostgreSQL; this one on PGlite). Returns the unlisten. */
  listen(channel: string, handler: NotifyHandler): Promise<() => Promise<void>>
  close(): Promise<void>
}

/** The distributor's operations all wait for one lock: more connections than this only wait longer. */
export const ROUTING_POOL_SIZE = 4

export const MIGRATIONS_FOLDER = join(packageRoot, 'sql', 'migrations')

export type OpenOptions = {
  /** Connections in the pool (PostgreSQL). */
  poolSize?: number
  /** Errors that happen away from any query (idle connections dropped, the listener reconnecting). */
  onBackgroundError?: (err: Error) => void
}

/** Opens the store and checks that the database answers. */
export async function openStore(config: StoreConfig, options: OpenOptions = {}): Promise<Store> {
  const onError = options.onBackgroundError ?? (() => {})
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
      keepAlive: true,
    })
    // A dropped idle connection is reported here; without a listener it would end the process.
    pool.on('error', onError)
    const routingPool = new pg.Pool({
      connectionString: config.url,
      max: ROUTING_POOL_SIZE,
      connectionTimeoutMillis: 5000,
      keepAlive: true,
    })
    routingPool.on('error', onError)
    const listener = new PgListener(config.url, onError)
    const db = drizzlePg({ client: pool, schema }) as unknown as Db
    const store: Store = {
      db,
      routingDb: drizzlePg({ client: routingPool, schema }) as unknown as Db,
      kind: 'postgres',
      description: `PostgreSQL ${redactUrl(config.url)}`,
      listen: (channel, handler) => listener.listen(channel, handler),
      close: async () => {
        await listener.close()
        await Promise.all([pool.end(), routingPool.end()])
      },
    }
    try {
      await pool.query('select 1')
    } catch (err) {
      await store.close()
      throw err
    }
    return store
  }
  const memory = config.dataDir === MEMORY
  const release = memory
    ? () => {}
    : lockDirectory(
        config.dataDir,
        (pid) =>
          `the embedded database in ${config.dataDir} is in use by process ${pid} (a running serve?): stop it first, or use PostgreSQL (DATABASE_URL) to change things while serve runs`,
      )
  try {
    if (!memory) mkdirSync(config.dataDir, { recursive: true })
    const client = await PGlite.create(memory ? undefined : config.dataDir)
    return pgliteStore(client, memory ? 'embedded PGlite in memory' : `embedded PGlite in ${config.dataDir}`, release)
  } catch (err) {
    release()
    throw err
  }
}

/** A store on a PGlite instance already open (in memory from a dump, in tests); `release` runs after it closes. */
export function pgliteStore(client: PGlite, description: string, release: () => void = () => {}): Store {
  const db = drizzlePglite({ client, schema }) as unknown as Db
  return {
    db,
    routingDb: db,
    kind: 'pglite',
    description,
    listen: async (channel, handler) => {
      const unlisten = await client.listen(channel, (payload) => handler.onNotify(payload))
      return () => unlisten()
    },
    close: async () => {
      try {
        await client.close()
      } finally {
        release()
      }
    },
  }
}

/** Brings the schema up to date; does nothing when it is. Safe to run from several processes at once. */
export async function migrateStore(store: Store): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER }
  if (store.kind === 'pglite') {
    await migratePglite(store.db as never, config)
    return
  }
  // One connection holds an advisory lock around the migrator, so two routers starting together
  // do not both apply the same migration.
  const pool = (store.db as unknown as { $client: pg.Pool }).$client
  const client = await pool.connect()
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', ['ivr-router migrations'])
    await migratePg(drizzlePg({ client }), config)
  } finally {
    await client.query('select pg_advisory_unlock(hashtext($1))', ['ivr-router migrations']).catch(() => {})
    client.release()
  }
}

/** The rows of a raw query, whichever driver ran it. */
export async function rows<T>(db: Pick<Db, 'execute'>, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] }
  return result.rows
}

/** True when the database answers now. */
export async function reachable(store: Store): Promise<boolean> {
  try {
    await store.db.execute(sql`select 1`)
    return true
  } catch {
    return false
  }
}
