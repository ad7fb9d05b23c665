/** The metrics of a real server taking simulated calls, scraped over HTTP as Prometheus would. */
import t from 'tap'
import { connect } from 'node:net'
import { Health } from '../../lib/metrics/health.js'
import { startMetricsServer } from '../../lib/metrics/http.js'
import { Metrics } from '../../lib/metrics/registry.js'
import { get, scrape, value } from '../helpers/metrics.js'
import { serveWorld } from '../helpers/serve-world.js'

const yaml = `
name: closed-line
steps:
  A:
    - message: { play: "ivr/closed.wav" }
    - hangup: { inbox: true }
---
name: queue-line
steps:
  A:
    - assign: { team: empty }
---
kind: team
name: empty
`

t.test('calls move the counters, histograms and queue gauges', async (t) => {
  const metrics = new Metrics()
  const {
    s,
    world,
    queued: inQueue,
  } = await serveWorld(
    yaml,
    { '+827011112222': 'queue-line' },
    { allow: ['127.0.0.1/32'], timing: metrics.esl, onCall: (record) => metrics.callEnded(record) },
  )
  t.teardown(s.close)
  metrics.sources = {
    callsInProgress: () => s.server.stats.active,
    callsFailed: () => s.server.stats.failed,
    rejectedConnections: () => s.server.stats.rejected,
    queueStats: () => world.queueStats(),
  }
  const http = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics, health: new Health() })
  t.teardown(http.close)
  const port = http.address.port

  const before = await scrape(port)
  t.equal(value(before, 'ivr_calls_in_progress'), 0)
  t.equal(value(before, 'ivr_queue_length', { team: 'empty' }), 0, 'a known team shows an empty queue')
  t.equal(value(before, 'ivr_router_think_seconds_count'), 0)

  // The unbound number runs closed-line: a message, then a hang-up that leaves an inbox row.
  const { record } = await s.call({})
  t.match(record, { workflow: 'closed-line', outcome: 'missed', inbox: { reason: 'workflow_hangup' } })

  // The bound number queues for a team with nobody in it; the caller hangs up while waiting.
  const entered = inQueue()
  const queued = s.fs.call({
    port: s.port,
    channel: { callerNumber: '01012345678', destination: '07011112222' },
    script: {},
  })
  await entered
  const during = await scrape(port)
  t.equal(value(during, 'ivr_calls_in_progress'), 1, 'the queued call is in progress')
  t.equal(value(during, 'ivr_queue_length', { team: 'empty' }), 1, 'one caller waits for team empty')
  t.ok(value(during, 'ivr_queue_oldest_wait_seconds', { team: 'empty' })! >= 0)
  queued.hangup()
  await queued.result
  await s.server.whenIdle()

  // A peer outside the allow list.
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: s.port, localAddress: '127.0.0.2' })
    socket.on('close', () => resolve())
    socket.on('error', reject)
  })

  const after = await scrape(port)
  t.equal(value(after, 'ivr_calls_total', { workflow: 'closed-line', outcome: 'missed' }), 1)
  t.equal(value(after, 'ivr_calls_total', { workflow: 'queue-line', outcome: 'missed' }), 1)
  t.equal(value(after, 'ivr_inbox_rows_total', { reason: 'workflow_hangup' }), 1)
  t.equal(value(after, 'ivr_inbox_rows_total', { reason: 'queue_abandoned' }), 1)
  t.equal(value(after, 'ivr_calls_in_progress'), 0)
  t.equal(value(after, 'ivr_queue_length', { team: 'empty' }), 0, 'the queue is empty again')
  t.equal(value(after, 'ivr_esl_connections_rejected_total'), 1)
  t.equal(value(after, 'ivr_calls_failed_total'), 0)
  // Each call: connect, myevents, nixevent, linger, the applications, exit; think time after each completion.
  t.ok(value(after, 'ivr_esl_command_seconds_count')! >= 10, 'command round trips observed')
  t.ok(value(after, 'ivr_router_think_seconds_count')! >= 2, 'think times observed')
  t.equal(
    value(after, 'ivr_router_think_seconds_bucket', { le: '+Inf' }),
    value(after, 'ivr_router_think_seconds_count'),
  )
  t.ok(value(after, 'process_cpu_seconds_total')! > 0, 'process metrics too')

  t.equal((await get(port, '/healthz')).status, 200)
  t.equal((await get(port, '/nothing')).status, 404)
})

t.test('SMS results count for the worker', async (t) => {
  const metrics = new Metrics()
  metrics.smsResult('sent')
  metrics.smsResult('sent')
  metrics.smsResult('failed')
  const text = await metrics.registry.metrics()
  t.match(text, /^ivr_sms_sent_total 2$/m)
  t.match(text, /^ivr_sms_failed_total 1$/m)
})

t.test('one registry per serve: two are independent', async (t) => {
  const a = new Metrics()
  const b = new Metrics()
  a.callEnded({ workflow: 'w', outcome: 'connected', inbox: null })
  t.match(await a.registry.metrics(), /ivr_calls_total\{workflow="w",outcome="connected"\} 1/)
  t.notMatch(await b.registry.metrics(), /ivr_calls_total\{/)
})
