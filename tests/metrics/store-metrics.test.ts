/** The metrics read from the store: query times, agents by status, the spool's depth, the queue. */
import t from 'tap'
import { Metrics } from '../../lib/metrics/registry.js'
import { callbackCounts, requestCallback } from '../../lib/store/callbacks.js'
import { agentCounts } from '../../lib/store/agent-counts.js'
import { Spool } from '../../lib/store/spool.js'
import { dbKind, testStore } from '../helpers/db.js'
import { parseSamples, value } from '../helpers/metrics.js'
import { applyYaml, callRecord, openWorld, tempDir } from '../helpers/store.js'

t.test(`agents, query times and queues (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(
    store,
    `
kind: team
name: support
---
kind: agent
name: alice
dial: user/1001
teams: [support]
---
kind: agent
name: bob
dial: user/1002
teams: [support]
status: away
`,
  )
  const metrics = new Metrics()
  const world = await openWorld(t, store, { onQuery: (op, seconds) => metrics.query(op, seconds) })
  metrics.sources = {
    callsInProgress: () => 0,
    callsFailed: () => 0,
    rejectedConnections: () => 0,
    queueStats: () => world.queueStats(),
    spoolDepth: () => world.spoolDepth(),
    agents: () => agentCounts(store.db),
    callbacks: () => callbackCounts(store.db),
  }
  await requestCallback(store.db, {
    id: 'cb-m1',
    callId: 'call-m1',
    router: 'router-m',
    forWhom: { team: 'support' },
    priority: 0,
    number: '+821012345678',
    caller: '+821012345678',
    dialed: '+8215880000',
    fields: {},
    maxAttempts: 1,
    retrySeconds: 60,
  })
  metrics.callbackAttempt('unserved')
  const seat = world.seat({ id: 'call-1', caller: '' })
  const offer = await seat.request({ forWhom: { team: 'support' }, priority: 0 }, 'queue')
  t.same(
    offer?.targets.map((x) => x.agent),
    ['alice'],
  )
  await world.record(callRecord('call-1'))

  const samples = parseSamples(await metrics.registry.metrics())
  t.equal(value(samples, 'ivr_agents', { status: 'available' }), 1)
  t.equal(value(samples, 'ivr_agents', { status: 'away' }), 1)
  t.equal(value(samples, 'ivr_agents', { status: 'offline' }), 0, 'a status nobody has shows 0')
  t.equal(value(samples, 'ivr_agents_on_call'), 1, 'alice is reserved for call-1')
  t.equal(value(samples, 'ivr_callbacks', { status: 'waiting' }), 1, 'one callback in line')
  t.equal(value(samples, 'ivr_callbacks', { status: 'serving' }), 0)
  t.equal(value(samples, 'ivr_callback_attempts_total', { result: 'unserved' }), 1)
  t.equal(value(samples, 'ivr_db_query_seconds_count', { op: 'route' }), 1)
  t.equal(value(samples, 'ivr_db_query_seconds_count', { op: 'record' }), 1)
  t.ok(value(samples, 'ivr_db_query_seconds_sum', { op: 'record' })! > 0)
  t.equal(value(samples, 'ivr_spool_depth'), 0)
  t.equal(value(samples, 'ivr_queue_length', { team: 'support' }), 0)

  await seat.leave()
  const after = parseSamples(await metrics.registry.metrics())
  t.equal(value(after, 'ivr_agents_on_call'), 0, 'released')
  t.equal(value(after, 'ivr_db_query_seconds_count', { op: 'route' }), 2, 'the ask and the leave: one round trip each')
})

t.test('a failing agents read leaves the gauges empty and is reported, the scrape still answers', async (t) => {
  const metrics = new Metrics()
  const errors: string[] = []
  metrics.onCollectError = (what, err) => errors.push(`${what}: ${(err as Error).message}`)
  metrics.sources = {
    callsInProgress: () => 0,
    callsFailed: () => 0,
    rejectedConnections: () => 0,
    queueStats: () => [],
    agents: () => Promise.reject(new Error('connection refused')),
  }
  const samples = parseSamples(await metrics.registry.metrics())
  t.equal(value(samples, 'ivr_agents', { status: 'available' }), undefined)
  t.equal(value(samples, 'ivr_calls_in_progress'), 0)
  t.same(errors, ['agents: connection refused'], 'one read for both agent gauges')
})

t.test('the spool depth counts the lines waiting', async (t) => {
  const spool = new Spool(`${await tempDir(t, 'ivr-spool-')}/spool`)
  t.teardown(() => spool.close())
  t.equal(await spool.depth(), 0)
  await spool.append({ kind: 'call', record: callRecord('a') })
  await spool.append({ kind: 'sms', sms: { id: 's', callId: 'a', to: '+821012345678', text: 'hi', createdAt: 0 } })
  t.equal(await spool.depth(), 2)
})
