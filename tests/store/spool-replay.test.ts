import t from 'tap'
import { sql } from 'drizzle-orm'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { migrateStore, openStore, rows, type Store } from '../../lib/store/db.js'
import type { ReplayResult } from '../../lib/store/spool.js'
import { StoreWorld } from '../../lib/store/world.js'
import { dbKind, serverUrl, testDatabase } from '../helpers/db.js'
import { callRecord, tempDir } from '../helpers/store.js'
import { tcpProxy } from '../helpers/tcp-proxy.js'

async function stored(store: Store) {
  const [counts] = await rows<{ calls: number; events: number; inbox: number; ids: string[] }>(
    store.db,
    sql`select (select count(*)::int from calls) as calls, (select count(*)::int from call_events) as events,
          (select count(*)::int from inbox) as inbox,
          (select coalesce(array_agg(id order by id), '{}') from calls) as ids`,
  )
  return counts!
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `call-${String(i).padStart(3, '0')}`)
const withInbox = (id: string) =>
  callRecord(id, { outcome: 'missed', inbox: { reason: 'queue_abandoned' }, team: null })

t.test(`the database goes away and comes back with a new process: every call once (${dbKind})`, async (t) => {
  const database = await testDatabase(t)
  const spoolDir = join(await tempDir(t, 'ivr-spool-'), 'spool')
  const first = await openStore(database.config)
  await migrateStore(first)
  const world1 = await StoreWorld.open(first, { region: 'KR', spoolDir })
  const all = ids(10)
  for (const id of all.slice(0, 5)) await world1.record(withInbox(id))
  await first.close()
  const spooled: string[] = []
  world1.on('spooled', (item) => spooled.push(item.kind === 'call' ? item.record.id : item.sms.id))
  for (const id of all.slice(5)) await world1.record(withInbox(id))
  await world1.sendSms({ callId: 'call-009', to: '+821012345678', text: 'later' })
  t.same(spooled.slice(0, 5), all.slice(5), 'the calls after the outage went to the spool')
  t.equal(spooled.length, 6, 'and the SMS')
  await world1.close()

  const second = await openStore(database.config)
  t.teardown(() => second.close())
  const world2 = await StoreWorld.open(second, { region: 'KR', spoolDir })
  t.teardown(() => world2.close())
  await world2.replaySpool()
  t.same(await stored(second), { calls: 10, events: 30, inbox: 10, ids: all })
  t.same(await rows(second.db, sql`select call_id, text from sms_outbox`), [{ call_id: 'call-009', text: 'later' }])
  t.same(await readdir(spoolDir), [], 'the spool is empty')
  t.same(await world2.replaySpool(), { replayed: 0, rejected: 0, remaining: 0 }, 'nothing replays twice')
})

t.test(
  'PostgreSQL unreachable mid-way through concurrent calls, then back: every call exactly once',
  { skip: serverUrl ? false : 'needs PostgreSQL (TEST_DATABASE_URL): the embedded database cannot go away alone' },
  async (t) => {
    const database = await testDatabase(t)
    const direct = await openStore(database.config)
    t.teardown(() => direct.close())
    await migrateStore(direct)
    const target = new URL(database.url!)
    const proxy = await tcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    t.teardown(() => proxy.close())
    const proxied = new URL(database.url!)
    proxied.hostname = '127.0.0.1'
    proxied.port = String(proxy.port)
    const store = await openStore({ kind: 'postgres', url: proxied.toString() }, { poolSize: 5 })
    t.teardown(() => store.close())
    const world = await StoreWorld.open(store, {
      region: 'KR',
      spoolDir: join(await tempDir(t, 'ivr-spool-'), 'spool'),
      spoolRetryMs: 20,
      writeTimeoutMs: 2000,
    })
    t.teardown(() => world.close())

    const all = ids(60)
    let done = 0
    let spooled = 0
    world.on('spooled', () => spooled++)
    const replayedAll = new Promise<ReplayResult>((resolve) =>
      world.on('replayed', (r) => {
        if (r.remaining === 0 && r.replayed > 0) resolve(r)
      }),
    )
    await Promise.all(
      all.map((id) =>
        world.record(withInbox(id)).then(() => {
          if (++done === 15) proxy.cut()
        }),
      ),
    )
    t.ok(spooled > 0, `${spooled} calls spooled while the database was unreachable`)
    const before = await stored(direct)
    t.ok(before.calls < all.length, `${before.calls} calls written before the cut`)

    proxy.restore()
    const result = await replayedAll
    t.ok(result.replayed >= spooled, 'the spool was replayed by itself once the database was back')
    t.same(await stored(direct), { calls: 60, events: 180, inbox: 60, ids: all })
    // After the replay, new calls go straight in again.
    await world.record(withInbox('call-late'))
    t.equal((await stored(direct)).calls, 61)
  },
)
