/**
 * The queue's order: agents go to queued callers first come, first served, across routers on the database
 * (two store worlds on one database) and in one process (the in-memory world), by the same rules.
 */
import t, { type Test } from 'tap'
import { sql } from 'drizzle-orm'
import type { World } from '../../lib/engine/world.js'
import { MemoryWorld } from '../../lib/server/memory-world.js'
import { systemClock } from '../../lib/server/system-clock.js'
import { rows } from '../../lib/store/db.js'
import { dropExpiredEntries, joinQueue, listQueue } from '../../lib/store/queue.js'
import { dbKind, testStore } from '../helpers/db.js'
import { directoryOf } from '../helpers/sim.js'
import { applyYaml, openWorld } from '../helpers/store.js'

const DOCS = `
kind: team
name: q
strategy: sequential
---
kind: team
name: other
---
kind: agent
name: q1
dial: user/1001@pbx
teams: [q]
---
kind: agent
name: o1
dial: user/1002@pbx
teams: [other]
`

const HOUR = 3_600_000
const names = async (w: World, callId: string, forWhom: { team: string } | { agent: string }) => {
  const plan = await w.ringPlan(callId, forWhom)
  return { agents: plan.targets.map((x) => x.agent), plan }
}

/** The rules, on two routers `r1` and `r2` (the same world twice for the in-memory one). */
async function rules(t: Test, r1: World, r2: World): Promise<void> {
  const busy = await names(r1, 'busy', { team: 'q' })
  t.same(busy.agents, ['q1'])
  const old = await r1.joinQueue({ id: 'old', caller: '+821011110000' }, { team: 'q' })
  const young = await r2.joinQueue({ id: 'young', caller: '+821022220000' }, { team: 'q' })
  t.equal(await old.position(), 1)
  t.equal(await young.position(), 2)
  await busy.plan.release()

  t.same((await names(r2, 'young', { team: 'q' })).agents, [], 'the younger caller does not take the agent')
  t.same((await names(r2, 'newcomer', { team: 'q' })).agents, [], 'nor does a call not queued yet')
  t.same((await names(r2, 'direct', { agent: 'q1' })).agents, [], 'nor a call for that agent by name')
  const other = await names(r2, 'elsewhere', { team: 'other' })
  t.same(other.agents, ['o1'], 'another team is not held back')
  await other.plan.release()

  const first = await names(r1, 'old', { team: 'q' })
  t.same(first.agents, ['q1'], 'the oldest caller gets it')
  await first.plan.release()

  // The oldest goes into the queued workflow: it holds nobody back meanwhile, and wakes the next.
  const woken = r2.waitForAgent({ team: 'q' }, Date.now() + HOUR, new AbortController().signal)
  await old.update({ team: 'q' }, false)
  t.equal(await woken, 'maybe-free', 'the next caller is woken')
  const second = await names(r2, 'young', { team: 'q' })
  t.same(second.agents, ['q1'], 'the next caller gets it')
  await second.plan.release()

  // Back to waiting, in its old place; then it leaves and the next caller is woken again.
  await old.update({ team: 'q' }, true)
  t.equal(await old.position(), 1, 'its place is kept')
  t.same((await names(r2, 'young', { team: 'q' })).agents, [])
  const again = r2.waitForAgent({ team: 'q' }, Date.now() + HOUR, new AbortController().signal)
  await old.leave()
  await old.leave()
  t.equal(await again, 'maybe-free', 'a caller leaving wakes the next')
  t.equal(await young.position(), 1)
  t.equal(await old.position(), undefined, 'gone')
  await young.leave()
}

t.test('in memory: first come, first served', async (t) => {
  const world = new MemoryWorld(directoryOf(DOCS), {
    clock: systemClock,
    region: 'KR',
    record: async () => {},
    sendSms: async () => {},
  })
  await rules(t, world, world)
})

t.test(`on the database, two routers: first come, first served (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(store, DOCS)
  const r1 = await openWorld(t, store, { queueRetryMs: HOUR, routerId: 'router-1' })
  const r2 = await openWorld(t, store, { queueRetryMs: HOUR, routerId: 'router-2' })
  await rules(t, r1, r2)

  t.test('queue list, and a dead router whose entries expire', async (t) => {
    const a = await r1.joinQueue({ id: 'a', caller: '+821033330000' }, { team: 'q' })
    await r2.joinQueue({ id: 'b', caller: '+821044440000' }, { agent: 'q1' })
    const list = await listQueue(store.db)
    t.match(list, [
      {
        callId: 'a',
        team: 'q',
        agent: null,
        caller: '+821033330000',
        position: 1,
        state: 'waiting',
        router: 'router-1',
      },
      { callId: 'b', team: null, agent: 'q1', position: 1, state: 'waiting', router: 'router-2' },
    ])
    t.ok(list[0]!.enqueuedAt instanceof Date && list[0]!.waitSeconds >= 0)
    t.same((await names(r2, 'b', { agent: 'q1' })).agents, [], 'a, queued first for q1’s team, comes first')
    // Router 1 dies: nobody renews its entry, whose lease runs out.
    await store.db.execute(sql`update queue_entries set lease_until = now() - interval '1 second' where call_id = 'a'`)
    t.same(
      (await listQueue(store.db)).map((r) => r.callId),
      ['b'],
    )
    const taken = await names(r2, 'b', { agent: 'q1' })
    t.same(taken.agents, ['q1'], 'the expired entry holds nobody back')
    t.match(await listQueue(store.db), [{ callId: 'b', state: 'ringing' }])
    await taken.plan.release()
    await a.leave()
    const [left] = await rows<{ n: number }>(store.db, sql`select count(*)::int as n from queue_entries`)
    t.equal(left!.n, 1, 'b is still queued until it leaves')
    await joinQueue(store.db, { callId: 'gone', forWhom: { team: 'q' }, caller: '', router: 'dead', leaseSeconds: 60 })
    await store.db.execute(
      sql`update queue_entries set lease_until = now() - interval '2 minutes' where call_id = 'gone'`,
    )
    await dropExpiredEntries(store.db)
    t.same(
      (await rows<{ id: string }>(store.db, sql`select call_id as id from queue_entries`)).map((r) => r.id),
      ['b'],
      'a dead router’s rows are deleted a minute after their lease; live ones stay',
    )
  })
})
