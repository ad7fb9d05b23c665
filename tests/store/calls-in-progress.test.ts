/**
 * Calls under way: written when they start, gone with their record; a stopped router's calls closed by another
 * router as `failed` with an inbox row, once, however many routers close at once; a record the "dead" router
 * writes after all (it was only cut off from the database) replaces the closure.
 */
import t from 'tap'
import { sql } from 'drizzle-orm'
import { CallSteps, closeLostCalls, insertStarts, listCallsUnderWay } from '../../lib/store/calls-in-progress.js'
import { rows, type Store } from '../../lib/store/db.js'
import { writeRecord } from '../../lib/store/records.js'
import { dbKind, testStore } from '../helpers/db.js'
import { callRecord, openWorld } from '../helpers/store.js'

const GRACE = 60

const begun = (id: string) => {
  const { caller, callerName, dialed, workflow, version, startedAt } = callRecord(id)
  return { id, caller, callerName, dialed, workflow, version: version!, startedAt }
}

const underWay = async (store: Store) =>
  (await rows<{ id: string }>(store.db, sql`select id from calls_in_progress order by id`)).map((r) => r.id)

type Closed = { id: string; outcome: string; inbox_reason: string | null; reason: string | null; resolved: boolean }
const closed = (store: Store) =>
  rows<Closed>(
    store.db,
    sql`select c.id, c.outcome, c.inbox_reason, i.reason, i.resolved_at is not null as resolved
        from calls c left join inbox i on i.call_id = c.id order by c.id`,
  )

/** A router that beat `secondsAgo` seconds ago (its `seen_until` then), with calls under way. */
async function routerWithCalls(store: Store, router: string, secondsAgo: number, calls: string[]) {
  await store.db.execute(
    sql`insert into routers (id, seen_until) values (${router}, now() - make_interval(secs => ${secondsAgo}))`,
  )
  await insertStarts(store.db, router, calls.map(begun))
}

t.test(`a call is under way from its start to its record (${dbKind})`, async (t) => {
  const store = await testStore(t)
  const world = await openWorld(t, store, { routerId: 'r-live' })
  world.started(begun('c-1'))
  // The record waits for the start: a call that ends at once leaves nothing behind.
  await world.record(callRecord('c-1'))
  t.same(await underWay(store), [], 'gone with the record')
  await insertStarts(store.db, 'r-live', [begun('c-2')])
  await world.closeLostCalls()
  t.same(await underWay(store), ['c-2'], 'a live router’s call stays under way')
  await world.record(callRecord('c-2'))
  t.same(await underWay(store), [])
  await insertStarts(store.db, 'r-live', [begun('c-1')])
  t.same(await underWay(store), [], 'a start after the record is not written again')
  t.same(
    (await closed(store)).map((c) => c.outcome),
    ['hangup', 'hangup'],
  )
})

t.test(`the step a call is in: the newest of each call, written together at the next beat (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await store.db.execute(sql`insert into routers (id, seen_until) values ('r1', now() + interval '1 minute')`)
  await insertStarts(store.db, 'r1', [begun('c1'), begun('c2')])
  const statements: string[] = []
  const counted = {
    execute: (q: Parameters<typeof store.db.execute>[0]) => {
      statements.push('update')
      return store.db.execute(q)
    },
  }
  const errors: unknown[] = []
  const steps = new CallSteps(counted, (err) => errors.push(err))
  const at = Date.parse('2026-12-07T10:00:00Z')
  steps.add('c1', { workflow: 'main', step: 'A', at })
  // Before the beat, c1 moves on twice and c2 starts: one update carries the newest of each.
  steps.add('c1', { workflow: 'main', step: 'B', at: at + 1000 })
  steps.add('c1', { workflow: 'after-wait', step: 'X', at: at + 2000 })
  steps.add('c2', { workflow: 'main', step: 'A', at: at + 500 })
  steps.add('gone', { workflow: 'main', step: 'A', at })
  await steps.flush()
  t.equal(statements.length, 1, 'one statement for five steps')
  t.same(errors, [])
  const { calls } = await listCallsUnderWay(store.db, 10)
  t.match(
    calls.map((c) => [c.callId, c.stepWorkflow, c.step, c.stepAt]),
    [
      ['c1', 'after-wait', 'X', '2026-12-07T10:00:02.000Z'],
      ['c2', 'main', 'A', '2026-12-07T10:00:00.500Z'],
    ],
    'a call that has ended (no row) is left alone',
  )
  steps.add('c2', { workflow: 'main', step: 'B', at: at + 3000 })
  steps.stop()
  steps.add('c2', { workflow: 'main', step: 'C', at: at + 4000 })
  await steps.flush()
  t.equal(statements.length, 1, 'a stopped router writes no more steps')
})

t.test(`a start stuck on the database does not hold the record up (${dbKind})`, async (t) => {
  const store = await testStore(t)
  const execute = store.db.execute.bind(store.db) as (query: unknown) => Promise<unknown>
  const stuck = new Proxy(store.db, {
    get(target, key, receiver) {
      if (key !== 'execute') return Reflect.get(target, key, receiver) as unknown
      // The starts' insert never answers (a database that stopped answering); everything else goes through.
      return (query: { queryChunks?: unknown[] }) =>
        JSON.stringify(query.queryChunks ?? '').includes('insert into calls_in_progress')
          ? new Promise(() => {})
          : execute(query)
    },
  })
  const world = await openWorld(t, { ...store, db: stuck }, { routerId: 'r-stuck', writeTimeoutMs: 200 })
  world.started(begun('s-1'))
  await world.record(callRecord('s-1'))
  t.same(
    (await closed(store)).map((c) => c.id),
    ['s-1'],
    'the record is written once the start has had its time',
  )
})

t.test(`a stopped router's calls are closed as failed, once (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await routerWithCalls(store, 'r-dead', GRACE + 5, ['d-1', 'd-2'])
  await routerWithCalls(store, 'r-late', GRACE - 30, ['l-1'])
  await insertStarts(store.db, 'r-gone', [begun('g-1')])
  await routerWithCalls(store, 'r-beating', -30, ['b-1'])
  const board = await listCallsUnderWay(store.db, 3)
  t.equal(board.total, 5, 'the board counts every call under way')
  t.same(
    board.calls.map((c) => [c.callId, c.routerAlive]),
    [
      ['b-1', true],
      ['d-1', false],
      ['d-2', false],
    ],
    'and lists the longest-running first (same start: by id), a stopped router’s marked',
  )
  const [a, b] = await Promise.all([closeLostCalls(store.db, GRACE), closeLostCalls(store.db, GRACE)])
  t.same(
    [...a!, ...b!].map((c) => `${c.id}@${c.router}`).sort(),
    ['d-1@r-dead', 'd-2@r-dead', 'g-1@r-gone'],
    'each closed by one of the two, the router with no beat at all included',
  )
  t.same(await underWay(store), ['b-1', 'l-1'], 'a router silent for less than the grace keeps its calls')
  t.same(await closed(store), [
    { id: 'd-1', outcome: 'failed', inbox_reason: 'router_lost', reason: 'router_lost', resolved: false },
    { id: 'd-2', outcome: 'failed', inbox_reason: 'router_lost', reason: 'router_lost', resolved: false },
    { id: 'g-1', outcome: 'failed', inbox_reason: 'router_lost', reason: 'router_lost', resolved: false },
  ])
  const [ended] = await rows<{ ok: boolean }>(
    store.db,
    sql`select c.ended_at = r.seen_until as ok from calls c join routers r on r.id = 'r-dead' where c.id = 'd-1'`,
  )
  t.ok(ended?.ok, 'ended when its router was last known alive')
  t.same(await closeLostCalls(store.db, GRACE), [], 'nothing twice')
  const [report] = await rows<{ calls: number; failed: number; router_lost: number }>(
    store.db,
    sql`select d.calls, d.failed, m.router_lost from report_calls_per_day d, report_missed_by_team m`,
  )
  t.same(report, { calls: 3, failed: 3, router_lost: 3 }, 'the reports count them')
})

t.test(`a late record replaces the closure (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await routerWithCalls(store, 'r-cut-off', GRACE + 5, ['x-connected', 'x-missed', 'x-resolved'])
  await closeLostCalls(store.db, GRACE)
  await store.db.execute(sql`update inbox set resolved_at = now(), note = 'called back' where call_id = 'x-resolved'`)
  // The router was only cut off from the database: its spool replays what really happened.
  t.ok(await writeRecord(store.db, callRecord('x-connected', { outcome: 'connected', team: 'desk', agent: 'a1' })))
  t.ok(
    await writeRecord(
      store.db,
      callRecord('x-missed', { outcome: 'missed', inbox: { reason: 'queue_abandoned' }, team: 'desk' }),
    ),
  )
  t.ok(await writeRecord(store.db, callRecord('x-resolved', { outcome: 'connected' })))
  t.same(await closed(store), [
    { id: 'x-connected', outcome: 'connected', inbox_reason: null, reason: null, resolved: false },
    { id: 'x-missed', outcome: 'missed', inbox_reason: 'queue_abandoned', reason: 'queue_abandoned', resolved: false },
    { id: 'x-resolved', outcome: 'connected', inbox_reason: null, reason: 'router_lost', resolved: true },
  ])
  const [events] = await rows<{ n: number }>(
    store.db,
    sql`select count(*)::int as n from call_events where call_id = 'x-connected'`,
  )
  t.equal(events?.n, 3, 'with its events')
  t.notOk(await writeRecord(store.db, callRecord('x-connected')), 'and only once: a second write changes nothing')
})
