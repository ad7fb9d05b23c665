/**
 * A router dies holding an agent (talking) and a queued caller: once it stops beating, its callers count no more,
 * and once the agent's lease (3 s here) runs out, a caller queued on another router gets the agent; once it has
 * been silent for the lease, the other router closes its two calls as `failed`, each with an inbox row. On PostgreSQL the dead router is a
 * `serve` process killed with SIGKILL; the embedded database belongs to one process, so there the dead
 * router's rows are written as it would have left them, and the living router is a server in this process.
 */
import t, { type Test } from 'tap'
import { sql } from 'drizzle-orm'
import { migrateStore, openStore, rows, type Store } from '../../lib/store/db.js'
import { INBOX_CHANNEL } from '../../lib/store/inbox.js'
import { FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'
import { dbKind, testDatabase, testStore } from '../helpers/db.js'
import { serveProcess } from '../helpers/serve-process.js'
import { serveWith } from '../helpers/serve.js'
import { applyYaml, openWorld } from '../helpers/store.js'

const LEASE = 3
const DOCS = `
name: line
steps:
  A:
    - assign: { team: desk }
---
kind: team
name: desk
---
kind: agent
name: solo
dial: user/3001@pbx
teams: [desk]
`

/** Resolves once `count` inbox rows `router_lost` are announced (the trigger's NOTIFY on ivr_router_inbox). */
async function lostCalls(t: Test, store: Store, count: number): Promise<{ all: Promise<string[]> }> {
  const ids: string[] = []
  let done!: (ids: string[]) => void
  const all = new Promise<string[]>((resolve) => (done = resolve))
  const unlisten = await store.listen(INBOX_CHANNEL, {
    onNotify(payload) {
      const notice = JSON.parse(payload) as { callId: string; reason: string }
      if (notice.reason === 'router_lost' && ids.push(notice.callId) === count) done(ids.sort())
    },
  })
  t.teardown(unlisten)
  return { all }
}

/** Waits for a condition on the database (the dead router's calls give no other sign). */
async function until(store: Store, query: ReturnType<typeof sql>): Promise<void> {
  for (;;) {
    const [row] = await rows<{ ok: boolean }>(store.db, query)
    if (row?.ok) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

t.test(`a dead router's agent and queued caller are freed after the lease (${dbKind})`, async (t) => {
  const fs = new FakeFreeSwitch({ seed: 3, mediaSpeed: 1 })
  let store: Store
  let port: number
  let stop: () => Promise<void>
  let announced: { all: Promise<string[]> }
  if (dbKind === 'postgres') {
    const db = await testDatabase(t)
    store = await openStore(db.config)
    t.teardown(() => store.close())
    await migrateStore(store)
    await applyYaml(store, DOCS)
    announced = await lostCalls(t, store, 2)
    const env = { ...db.env, IVR_LEASE_SECONDS: String(LEASE) }
    const [dying, living] = await Promise.all([serveProcess(t, env), serveProcess(t, env)])
    // On the router that dies: one caller talks to solo for ten minutes, another waits in the queue.
    const talking = fs.call({
      port: dying!.port,
      script: { bridges: [{ legs: 'answer', ringMs: 50, talkMs: 600_000 }] },
    })
    await until(store, sql`select count(*) = 1 as ok from agents where reserved_by is not null`)
    const waiting = fs.call({ port: dying!.port, script: {} })
    // Both have their place in line: the talking one keeps it until its talk ends.
    await until(store, sql`select count(*) = 2 as ok from queue_entries`)
    await dying!.kill()
    t.equal((await talking.result).closedBy, 'client', 'the dead router dropped its calls')
    t.equal((await waiting.result).closedBy, 'client', 'the queued one too, its row left behind')
    port = living!.port
    stop = async () => void t.equal(await living!.stop(), 0, 'the living router stops cleanly')
  } else {
    store = await testStore(t)
    await applyYaml(store, DOCS)
    announced = await lostCalls(t, store, 2)
    // What the dying router left: its beat, a caller talking to solo (its place kept until the talk ends, solo
    // reserved under a lease) and a caller waiting.
    await store.db.execute(
      sql`insert into routers (id, seen_until) values ('dead', now() + make_interval(secs => ${LEASE}))`,
    )
    await store.db.execute(
      sql`update agents set reserved_by = 'dead-talking', lease_until = now() + make_interval(secs => ${LEASE})`,
    )
    await store.db.execute(
      sql`insert into queue_entries (call_id, team, caller, router)
          values ('dead-talking', 'desk', '+821099990000', 'dead'), ('dead-waiting', 'desk', '+821011112222', 'dead')`,
    )
    await store.db.execute(
      sql`insert into calls_in_progress (id, router, caller, dialed, workflow, started_at)
          values ('dead-talking', 'dead', '+821099990000', '+827012345678', 'line', now()),
                 ('dead-waiting', 'dead', '+821011112222', '+827012345678', 'line', now())`,
    )
    const world = await openWorld(t, store, { leaseSeconds: LEASE, routerId: 'living' })
    const s = await serveWith({ world, resolve: (facts) => world.resolve(facts) })
    port = s.port
    stop = async () => {
      await s.server.whenIdle()
      await s.close()
    }
  }
  const [before] = await rows<{ reserved: string | null }>(
    store.db,
    sql`select reserved_by as reserved from agents where name = 'solo'`,
  )
  t.not(before!.reserved, null, 'solo is still held by the dead router')

  const next = await fs.call({ port, script: { bridges: [{ legs: 'answer', ringMs: 50, talkMs: 100 }] } }).result
  // The dead router's two calls: closed by the living router once the dead one has been silent for the lease.
  t.equal((await announced.all).length, 2, 'both announced to the inbox')
  await stop()
  const lost = await rows<{ outcome: string; inbox: string; reason: string; under_way: number }>(
    store.db,
    sql`select c.outcome, c.inbox_reason as inbox, i.reason,
          (select count(*)::int from calls_in_progress) as under_way
        from calls c join inbox i on i.call_id = c.id where c.outcome = 'failed'`,
  )
  t.same(
    lost,
    [1, 2].map(() => ({ outcome: 'failed', inbox: 'router_lost', reason: 'router_lost', under_way: 0 })),
    'the dead router’s calls are in calls as failed, each with an inbox row to call back',
  )
  const [call] = await rows<{ outcome: string; agent: string; queue_seconds: number }>(
    store.db,
    sql`select outcome, agent, queue_seconds from calls where id = ${next.uuid}`,
  )
  t.match(call, { outcome: 'connected', agent: 'solo' }, 'the living router’s caller got solo')
  t.ok(call!.queue_seconds > 0, `after waiting in the queue (${call!.queue_seconds.toFixed(1)} s)`)
  t.same(
    next.apps.map((a) => a.name),
    ['answer', 'playback', 'bridge'],
    'hold music until the agent was free, then one ring',
  )
  const [left] = await rows<{ reserved: string | null }>(
    store.db,
    sql`select reserved_by as reserved from agents where name = 'solo'`,
  )
  t.equal(left!.reserved, null, 'solo is free at the end')
})
