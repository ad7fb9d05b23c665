/** /readyz: what it checks, and on stopping it turns 503 before the Event Socket listener closes. */
import t, { type Test } from 'tap'
import { connect } from 'node:net'
import { pino } from 'pino'
import { Health } from '../../lib/metrics/health.js'
import { startMetricsServer } from '../../lib/metrics/http.js'
import { Metrics } from '../../lib/metrics/registry.js'
import { drainAndStop } from '../../lib/server/shutdown.js'
import { get } from '../helpers/metrics.js'
import { serveWorld } from '../helpers/serve-world.js'

async function metricsPort(t: Test, health: Health): Promise<number> {
  const http = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics: new Metrics(), health })
  t.teardown(http.close)
  return http.address.port
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.on('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.on('error', () => resolve(false))
  })
}

t.test('readiness names the check that fails', async (t) => {
  const health = new Health()
  const port = await metricsPort(t, health)
  let res = await get(port, '/readyz')
  t.equal(res.status, 503, 'not ready while the caches load')
  t.match(JSON.parse(res.body), { ready: false, checks: { caches: 'not loaded yet', draining: 'ok' } })
  t.equal((await get(port, '/healthz')).status, 200, 'alive all the same')

  let storage: string | undefined = 'database unreachable and spool /x not writable'
  health.loaded(async () => storage)
  res = await get(port, '/readyz')
  t.equal(res.status, 503)
  t.match(JSON.parse(res.body), { checks: { storage: 'database unreachable and spool /x not writable', caches: 'ok' } })

  storage = undefined
  res = await get(port, '/readyz')
  t.equal(res.status, 200)
  t.same(JSON.parse(res.body), { ready: true, checks: { storage: 'ok', caches: 'ok', draining: 'ok' } })
})

t.test('on stopping: 503 first, calls still taken during the delay, then the listener closes', async (t) => {
  const { s, queued } = await serveWorld(
    `
name: line
steps:
  A:
    - assign: { team: empty }
---
name: short
priority: 10
steps:
  A:
    - hangup: {}
---
kind: team
name: empty
`,
    { '+827011112222': 'line' },
  )
  const health = new Health()
  health.loaded(async () => undefined)
  const port = await metricsPort(t, health)
  t.equal((await get(port, '/readyz')).status, 200)

  // A caller waits in the queue: the drain lasts until they hang up.
  const inQueue = queued()
  const live = s.fs.call({ port: s.port, channel: { destination: '07011112222' }, script: {} })
  await inQueue
  let endDelay!: () => void
  const stopped = drainAndStop({
    health,
    server: s.server,
    delayMs: 5000,
    drainMs: 60_000,
    log: pino({ level: 'silent' }),
    sleep: () => new Promise<void>((resolve) => (endDelay = resolve)),
  })
  const res = await get(port, '/readyz')
  t.equal(res.status, 503, 'not ready as soon as stopping begins')
  t.match(JSON.parse(res.body), { ready: false, checks: { draining: 'draining: no new calls' } })
  const { record } = await s.call({}, { destination: '07099998888' })
  t.match(record, { workflow: 'short', outcome: 'hangup' }, 'a call that arrives during the delay is still served')

  endDelay()
  // server.stop closes the listener at once; one turn of the event loop lets the delay's continuation run.
  await new Promise((resolve) => setImmediate(resolve))
  t.notOk(await connects(s.port), 'the listener is closed after the delay')
  t.equal(s.server.stats.active, 1, 'the live call goes on')
  t.equal((await get(port, '/readyz')).status, 503, 'still 503 while draining')

  live.hangup()
  await live.result
  await stopped
  t.equal(s.server.stats.active, 0, 'drained')
})
