/**
 * The database the benchmarked router runs on, as `serve` would pick it: PostgreSQL when DATABASE_URL is set (a
 * fresh database `ivr_bench_<random>` beside the one named, dropped afterwards, reached through a proxy that
 * counts round trips), otherwise the embedded PGlite in a fresh directory. Seeded with the flows and bindings
 * through the store's own functions, as `apply` and `number bind` do; read back after the run.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { applyDocuments } from '../../lib/store/apply.js'
import { redactUrl, type StoreConfig } from '../../lib/store/config.js'
import { migrateStore, openStore, rows } from '../../lib/store/db.js'
import { bindNumber } from '../../lib/store/numbers.js'
import { loadString } from '../../lib/workflow/load.js'
import { PgWireProxy } from './pg-wire-proxy.js'

export type BenchDatabase = {
  /** What the output says the router ran on. */
  label: string
  config: StoreConfig
  /** The environment of the router's process. */
  env: NodeJS.ProcessEnv
  /** PostgreSQL only: the round trips the router made. */
  wire?: PgWireProxy
  close(): Promise<void>
}

async function admin(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

export async function benchDatabase(varDir: string, name: string): Promise<BenchDatabase> {
  const spool = join(varDir, `spool-${name}`)
  rmSync(spool, { recursive: true, force: true })
  const server = process.env.DATABASE_URL?.trim()
  if (server) {
    const db = `ivr_bench_${randomBytes(5).toString('hex')}`
    await admin(server, `CREATE DATABASE ${db}`)
    const direct = new URL(server)
    direct.pathname = `/${db}`
    const wire = await PgWireProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) })
    const proxied = new URL(direct)
    proxied.hostname = '127.0.0.1'
    proxied.port = String(wire.port)
    return {
      label: `PostgreSQL (DATABASE_URL ${redactUrl(server)}, fresh database ${db})`,
      config: { kind: 'postgres', url: direct.toString() },
      env: { DATABASE_URL: proxied.toString(), IVR_SPOOL_DIR: spool },
      wire,
      close: async () => {
        await wire.close()
        await admin(server, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)
      },
    }
  }
  const dataDir = join(varDir, `db-${name}`)
  rmSync(dataDir, { recursive: true, force: true })
  return {
    label: `embedded PGlite in ${dataDir} (DATABASE_URL not set)`,
    config: { kind: 'pglite', dataDir },
    env: { DATABASE_URL: '', IVR_DATA_DIR: dataDir, IVR_SPOOL_DIR: spool },
    close: async () => rmSync(dataDir, { recursive: true, force: true }),
  }
}

/** Migrates, applies the flows file and binds each number (`number=workflow`), then lets go of the database. */
export async function seed(config: StoreConfig, flowsPath: string, bindings: [string, string][]): Promise<void> {
  const store = await openStore(config)
  try {
    await migrateStore(store)
    const applied = await applyDocuments(store, loadString(readFileSync(flowsPath, 'utf8'), 'flows.yaml'), {
      region: 'KR',
      importedBy: 'bench',
      note: 'npm run bench',
    })
    if (!applied.ok) throw new Error(`bench flows refused: ${applied.reasons.join('; ')}`)
    for (const [number, workflow] of bindings) {
      const bound = await bindNumber(store, number, workflow, 'KR')
      if (!bound.ok) throw new Error(`bench binding ${number} refused: ${JSON.stringify(bound)}`)
    }
  } finally {
    await store.close()
  }
}

export type StoredCall = {
  id: string
  outcome: string
  team: string | null
  agent: string | null
  fields: Record<string, string>
}

export type StoredFigures = {
  calls: StoredCall[]
  /** Rows in the tables a call writes, by table. */
  rows: Record<'calls' | 'call_events' | 'inbox' | 'sms_outbox', number>
  /** PostgreSQL only (PGlite keeps no table statistics): rows updated, e.g. agents reserved and released. */
  updated?: number
}

/** Reads what the router wrote (after it stopped: PGlite lets one process at a time open it). */
export async function readBack(config: StoreConfig): Promise<StoredFigures> {
  const store = await openStore(config)
  try {
    const calls = await rows<StoredCall>(store.db, sql`select id, outcome, team, agent, fields from calls`)
    const [counts] = await rows<StoredFigures['rows']>(
      store.db,
      sql`select (select count(*) from calls)::int as calls, (select count(*) from call_events)::int as call_events,
                 (select count(*) from inbox)::int as inbox, (select count(*) from sms_outbox)::int as sms_outbox`,
    )
    let updated: number | undefined
    if (store.kind === 'postgres') {
      const [u] = await rows<{ n: number }>(store.db, sql`select sum(n_tup_upd)::int as n from pg_stat_user_tables`)
      updated = u?.n ?? 0
    }
    return { calls, rows: counts!, ...(updated === undefined ? {} : { updated }) }
  } finally {
    await store.close()
  }
}
