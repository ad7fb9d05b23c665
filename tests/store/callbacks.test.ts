/**
 * Callbacks on the database (issue 15): a callback keeps the caller's place in line against live callers, a line
 * takes no more than its limit, routers adopt the callbacks of a router that stopped (each exactly once, whatever
 * the order they ask in), only the holder begins an attempt, attempts (customers called) run out into `failed`,
 * an agent who did not take it costs none, cancelling gives the agent back, and the sweep drops the place of a
 * callback that ended.
 */
import t from 'tap'
import { sql } from 'drizzle-orm'
import type { Offer, Want } from '../../lib/engine/world.js'
import { Distributor } from '../../lib/routing/distributor.js'
import { systemClock } from '../../lib/server/system-clock.js'
import { setAgentStatus } from '../../lib/store/agents.js'
import {
  adoptCallbacks,
  beginAttempt,
  cancelCallback,
  countAttempt,
  endAttempt,
  getCallback,
  heldCallbacks,
  listCallbacks,
  requestCallback,
  type CallbackRequest,
} from '../../lib/store/callbacks.js'
import { rows } from '../../lib/store/db.js'
import { StoreLedger } from '../../lib/store/ledger.js'
import { listQueue } from '../../lib/store/queue.js'
import { writeRecord } from '../../lib/store/records.js'
import { findReport, runReport } from '../../lib/store/reports.js'
import { dbKind, testStore } from '../helpers/db.js'
import { applyYaml, callRecord } from '../helpers/store.js'

const HOUR = 3_600_000
const DOCS = `
kind: team
name: desk
---
kind: agent
name: d1
dial: user/d1@pbx
teams: [desk]
`
const desk: Want = { forWhom: { team: 'desk' }, priority: 0 }
const agentsOf = (o: Offer | undefined | 'deadline') => (o && o !== 'deadline' ? o.targets.map((x) => x.agent) : [])

t.test(`callbacks in the line (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(store, DOCS)
  const alive = (id: string) =>
    store.db.execute(sql`insert into routers (id, seen_until) values (${id}, now() + interval '1 hour')
                         on conflict (id) do update set seen_until = excluded.seen_until`)
  const gone = (id: string) =>
    store.db.execute(sql`update routers set seen_until = now() - interval '10 minutes' where id = ${id}`)
  /** A router's distributor with no listener and no timers: it sweeps when the test says. */
  const router = (routerId: string) =>
    new Distributor(
      new StoreLedger(store.db, {
        routerId,
        leaseSeconds: 60,
        aliveSeconds: 3600,
        retryDelaySeconds: 0,
        unreachableSeconds: 60,
      }),
      { clock: systemClock, ringSeconds: () => 20 },
    )
  const ask = (over: Partial<CallbackRequest> & { id: string; callId: string }): CallbackRequest => ({
    router: 'router-1',
    forWhom: { team: 'desk' },
    priority: 0,
    number: '+821012345678',
    caller: '+821012345678',
    dialed: '+8215880000',
    fields: {},
    maxAttempts: 2,
    retrySeconds: 60,
    ...over,
  })
  await alive('router-1')
  await alive('router-2')
  await alive('router-3')
  const r1 = router('router-1')
  const r2 = router('router-2')
  t.teardown(() => {
    r1.close()
    r2.close()
  })

  t.test('a callback asked by a caller in line keeps that place, ahead of a caller who came later', async (t) => {
    await setAgentStatus(store, 'd1', 'away')
    const early = r1.seat({ id: 'call-early', caller: '+821012345678' })
    t.same(agentsOf(await early.request(desk, 'queue')), [], 'nobody is available: the early caller waits')
    const late = r2.seat({ id: 'call-late', caller: '+821099999999' })
    await late.request(desk, 'queue')
    // The early caller, in the queued workflow (paused), asks to be called back and hangs up.
    await early.pause()
    const requested = await requestCallback(store.db, ask({ id: 'cb-early', callId: 'call-early' }))
    t.equal(requested.ok, true)
    const [place] = await rows<{ callback: Date; late: Date }>(
      store.db,
      sql`select (select enqueued_at from queue_entries where call_id = 'cb-early') as callback,
                 (select enqueued_at from queue_entries where call_id = 'call-late') as late`,
    )
    t.ok(new Date(place!.callback) < new Date(place!.late), 'the callback has the early arrival')
    t.same(
      (await rows<{ id: string }>(store.db, sql`select call_id as id from queue_entries order by call_id`)).map(
        (r) => r.id,
      ),
      ['call-late', 'cb-early'],
      'the caller’s own place passed to the callback',
    )
    const queued = await listQueue(store.db)
    t.same(
      queued.map((q) => [q.callId, q.kind, q.state]),
      [
        ['cb-early', 'callback', 'callback'],
        ['call-late', 'call', 'waiting'],
      ],
      '`queue list` shows the callback first, paused until its router asks',
    )
    // Its router asks for an agent for it; then an agent comes free.
    const callback = r1.seat({ id: 'cb-early', caller: '+821012345678' })
    t.same(agentsOf(await callback.request(desk, 'queue')), [])
    await setAgentStatus(store, 'd1', 'available')
    const waiting = callback.wait(Date.now() + HOUR, new AbortController().signal)
    await r1.sweep()
    t.same(agentsOf(await waiting), ['d1'], 'the callback is offered the agent before the later live caller')
    t.equal(await beginAttempt(store.db, 'cb-early', 'router-1'), true)
    t.equal(await beginAttempt(store.db, 'cb-early', 'router-1'), false, 'one attempt at a time')
    t.equal(await beginAttempt(store.db, 'cb-early', 'router-2'), false, 'only by the router holding it')
    t.equal(await countAttempt(store.db, 'cb-early', 'router-2'), false)
    t.equal(await countAttempt(store.db, 'cb-early', 'router-1'), true, 'the agent answered: the customer is called')
    await callback.finish({ outcome: 'answered', agent: 'd1', talkSeconds: 30 }, 'leave')
    const served = await endAttempt(store.db, 'cb-early', 'router-1', {
      outcome: 'served',
      agent: 'd1',
      talkSeconds: 30,
    })
    t.match(served, { status: 'served', agentServed: 'd1', attempts: 1, router: null })
    t.ok(served?.endedAt, 'ended')
    const [record] = await rows<{ outcome: string; caller: string; agent: string; workflow: string; inbox: number }>(
      store.db,
      sql`select outcome, caller, agent, workflow, (select count(*)::int from inbox where call_id = c.id) as inbox
          from calls c where id = 'cb-early'`,
    )
    t.same(
      record,
      { outcome: 'connected', caller: '+821012345678', agent: 'd1', workflow: 'callback', inbox: 0 },
      'its own record: connected',
    )
    const events = await rows<{ type: string; data: Record<string, unknown> }>(
      store.db,
      sql`select type, data from call_events where call_id = 'cb-early' order by seq`,
    )
    t.match(events, [
      { type: 'callback', data: { of: 'call-early', number: '+821012345678' } },
      { type: 'callback-attempt', data: { outcome: 'served', agent: 'd1', router: 'router-1' } },
    ])
    await late.leave()
  })

  t.test('a caller not in line asks: the place is taken now, after those already waiting', async (t) => {
    await setAgentStatus(store, 'd1', 'away')
    const first = r2.seat({ id: 'call-first', caller: '' })
    await first.request(desk, 'queue')
    const r = await requestCallback(store.db, ask({ id: 'cb-new', callId: 'call-new', priority: 0 }))
    t.equal(r.ok, true)
    const queued = await listQueue(store.db)
    t.same(
      queued.map((q) => q.callId),
      ['call-first', 'cb-new'],
    )
    await first.leave()
    await cancelCallback(store.db, 'cb-new', 'cli:test')
  })

  t.test('a line takes no more callbacks than its limit', async (t) => {
    const a = await requestCallback(store.db, ask({ id: 'cb-l1', callId: 'call-l1', limit: 1 }))
    t.match(a, { ok: true, open: 1 })
    const seat = r2.seat({ id: 'call-l2', caller: '' })
    await seat.request(desk, 'queue')
    const b = await requestCallback(store.db, ask({ id: 'cb-l2', callId: 'call-l2', limit: 1 }))
    t.same(b, { ok: false, reason: 'full', open: 1 })
    t.equal(await getCallback(store.db, 'cb-l2'), undefined, 'nothing taken')
    t.same(
      (await listQueue(store.db)).map((q) => q.callId),
      ['cb-l1', 'call-l2'],
      'the caller over the limit keeps its place in line',
    )
    await seat.leave()
    await cancelCallback(store.db, 'cb-l1', 'cli:test')
  })

  t.test('a router that stopped: its callbacks are adopted once, whichever router asks first', async (t) => {
    await alive('router-doomed')
    await requestCallback(store.db, ask({ id: 'cb-d1', callId: 'call-d1', router: 'router-doomed' }))
    await requestCallback(store.db, ask({ id: 'cb-d2', callId: 'call-d2', router: 'router-doomed' }))
    t.equal(await beginAttempt(store.db, 'cb-d2', 'router-doomed'), true, 'the doomed router was serving one')
    t.equal(await countAttempt(store.db, 'cb-d2', 'router-doomed'), true, 'and calling the customer')
    t.same(await adoptCallbacks(store.db, 'router-2', 60), [], 'nothing to adopt while it beats')
    await gone('router-doomed')
    const [x, y] = await Promise.all([
      adoptCallbacks(store.db, 'router-2', 60),
      adoptCallbacks(store.db, 'router-3', 60),
    ])
    const adopted = [...x!, ...y!].filter((c) => c.adopted).map((c) => c.id)
    t.same(adopted.sort(), ['cb-d1', 'cb-d2'], 'each adopted exactly once')
    const winner = x!.length ? 'router-2' : 'router-3'
    t.equal(new Set([...x!, ...y!].map((c) => c.id)).size, 2)
    t.ok(x!.length === 0 || y!.length === 0, 'one router took both (the first under the lock)')
    const served = await getCallback(store.db, 'cb-d2')
    t.match(served, { status: 'waiting', attempts: 1, router: winner }, 'the attempt under way counts; it waits again')
    t.match(served!.attemptsLog, [{ outcome: 'lost', router: 'router-doomed' }], 'its log says it was lost')
    t.equal(await beginAttempt(store.db, 'cb-d2', 'router-doomed'), false, 'the old router may not call again')
    t.equal(
      await endAttempt(store.db, 'cb-d2', 'router-doomed', { outcome: 'served', agent: 'd1', talkSeconds: 30 }),
      undefined,
      'nor end what it no longer holds',
    )
    t.same(
      (await adoptCallbacks(store.db, winner, 60)).map((c) => [c.id, c.adopted]),
      [
        ['cb-d1', false],
        ['cb-d2', false],
      ],
      'asking again lists what it holds, adopting nothing',
    )
    const entries = await rows<{ router: string }>(
      store.db,
      sql`select distinct router from queue_entries where call_id in ('cb-d1', 'cb-d2')`,
    )
    t.same(entries, [{ router: winner }], 'their places moved with them')
    await cancelCallback(store.db, 'cb-d1', 'cli:test')
    await cancelCallback(store.db, 'cb-d2', 'cli:test')
  })

  t.test('a router restarted under the same id serves again what it was serving', async (t) => {
    await requestCallback(store.db, ask({ id: 'cb-same', callId: 'call-same', router: 'router-3' }))
    t.equal(await beginAttempt(store.db, 'cb-same', 'router-3'), true)
    t.same(
      (await adoptCallbacks(store.db, 'router-3', 60, ['cb-same'])).map((c) => c.id),
      ['cb-same'],
      'still serving it: left as it is',
    )
    t.match(await getCallback(store.db, 'cb-same'), { status: 'serving' })
    await adoptCallbacks(store.db, 'router-3', 60, [])
    t.match(
      await getCallback(store.db, 'cb-same'),
      { status: 'waiting', router: 'router-3' },
      'not serving it: waiting',
    )
    t.same(
      (await heldCallbacks(store.db, 'router-3')).map((c) => [c.id, c.number, c.team]),
      [['cb-same', '+821012345678', 'desk']],
    )
    await cancelCallback(store.db, 'cb-same', 'cli:test')
  })

  t.test(
    'an agent who did not take it costs no attempt; an unreached customer: again later, then failed',
    async (t) => {
      await requestCallback(store.db, ask({ id: 'cb-r', callId: 'call-r', maxAttempts: 2, retrySeconds: 120 }))
      t.equal(await beginAttempt(store.db, 'cb-r', 'router-1'), true)
      const unserved = await endAttempt(store.db, 'cb-r', 'router-1', {
        outcome: 'unserved',
        agents: ['d1'],
        cause: 'NO_ANSWER',
      })
      t.match(unserved, { status: 'waiting', attempts: 0, nextAttemptAt: null }, 'waiting again at once')
      t.equal(await beginAttempt(store.db, 'cb-r', 'router-1'), true)
      t.equal(await countAttempt(store.db, 'cb-r', 'router-1'), true)
      const again = await endAttempt(store.db, 'cb-r', 'router-1', {
        outcome: 'unreached',
        cause: 'NO_ANSWER',
        agent: 'd1',
      })
      t.match(again, { status: 'waiting', attempts: 1, lastCause: 'NO_ANSWER', router: 'router-1', endedAt: null })
      const wait = (again!.nextAttemptAt!.getTime() - Date.now()) / 1000
      t.ok(wait > 100 && wait <= 120, `next attempt in about 120 s (${wait})`)
      t.equal(await beginAttempt(store.db, 'cb-r', 'router-1'), true)
      t.equal(await countAttempt(store.db, 'cb-r', 'router-1'), true)
      const failed = await endAttempt(store.db, 'cb-r', 'router-1', {
        outcome: 'unreached',
        cause: 'USER_BUSY',
        agent: 'd1',
      })
      t.match(failed, { status: 'failed', attempts: 2, lastCause: 'USER_BUSY', router: null, nextAttemptAt: null })
      t.same(
        failed!.attemptsLog.map((a) => [a.outcome, a.cause]),
        [
          ['unserved', 'NO_ANSWER'],
          ['unreached', 'NO_ANSWER'],
          ['unreached', 'USER_BUSY'],
        ],
      )
      const [inbox] = await rows<{ reason: string; caller: string; outcome: string }>(
        store.db,
        sql`select i.reason, i.caller, c.outcome from inbox i join calls c on c.id = i.call_id where i.call_id = 'cb-r'`,
      )
      t.same(
        inbox,
        { reason: 'callback_failed', caller: '+821012345678', outcome: 'callback_failed' },
        'failed: its record and an inbox row for a person to follow up',
      )
      t.ok(failed?.endedAt)
      await r1.sweep()
      t.same(
        await rows(store.db, sql`select call_id from queue_entries where call_id = 'cb-r'`),
        [],
        'the sweep drops the place of a callback that ended',
      )
    },
  )

  t.test('cancel: out of the line, its agent given back; cancelling again says how it ended', async (t) => {
    await setAgentStatus(store, 'd1', 'available')
    await requestCallback(store.db, ask({ id: 'cb-c', callId: 'call-c' }))
    const seat = r1.seat({ id: 'cb-c', caller: '' })
    t.same(agentsOf(await seat.request(desk, 'queue')), ['d1'])
    const done = await cancelCallback(store.db, 'cb-c', 'cli:alice')
    t.match(done, { cancelled: { status: 'cancelled', cancelledBy: 'cli:alice', router: null } })
    const [agent] = await rows<{ reservedBy: string | null }>(
      store.db,
      sql`select reserved_by as "reservedBy" from agents where name = 'd1'`,
    )
    t.equal(agent!.reservedBy, null, 'the agent is free again')
    t.same(await rows(store.db, sql`select call_id from queue_entries where call_id = 'cb-c'`), [])
    t.match(await cancelCallback(store.db, 'cb-c', 'cli:alice'), { notOpen: { status: 'cancelled' } })
    t.equal(await cancelCallback(store.db, 'cb-none', 'cli:alice'), undefined)
    t.same(
      (await listCallbacks(store.db)).map((c) => c.id),
      [],
      'no callback open',
    )
    t.ok((await listCallbacks(store.db, { all: true })).length >= 4, 'ended ones listed with --all')
  })

  t.test('the callbacks report counts what became of them, per team', async (t) => {
    for (const id of ['call-early', 'call-r', 'call-c'])
      await writeRecord(store.db, callRecord(id, { outcome: 'callback', team: 'desk', agent: null }))
    const rows = await runReport(store.db, findReport('callbacks')!, { timeZone: 'UTC' })
    t.equal(rows.length, 1)
    const { p50_serve_seconds: p50, p90_serve_seconds: p90, ...counts } = rows[0]!
    t.same(counts, {
      team: 'desk',
      requested: 3,
      served: 1,
      failed: 1,
      cancelled: 1,
      open: 0,
      served_pct: 33.3,
      avg_attempts: 1.5,
    })
    t.ok(typeof p50 === 'number' && p50 >= 0 && p50 === p90, `one served: p50 = p90 = its time to serve (${p50})`)
  })
})
