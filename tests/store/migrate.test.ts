import t from 'tap'
import { sql } from 'drizzle-orm'
import { migrateStore, rows } from '../../lib/store/db.js'
import { dbKind, testStore } from '../helpers/db.js'

t.test(`migrations apply to an empty database, and again with no change (${dbKind})`, async (t) => {
  const store = await testStore(t, { migrate: false })
  await migrateStore(store)
  const tables = async () =>
    (
      await rows<{ name: string }>(
        store.db,
        sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
      )
    ).map((r) => r.name)
  const first = await tables()
  t.same(first, [
    'agent_teams',
    'agents',
    'audit',
    'call_events',
    'callbacks',
    'calls',
    'calls_in_progress',
    'contacts',
    'inbox',
    'number_bindings',
    'queue_entries',
    'routers',
    'schedules',
    'sessions',
    'sms_outbox',
    'teams',
    'users',
    'workflow_versions',
    'workflows',
  ])
  const applied = async () =>
    (await rows<{ n: number }>(store.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0]?.n
  const count = await applied()
  t.ok(count && count > 0, 'migrations are recorded')
  await migrateStore(store)
  await Promise.all([migrateStore(store), migrateStore(store)])
  t.same(await tables(), first)
  t.equal(await applied(), count, 'nothing applied twice')
})
