/**
 * Position announcements over real sockets, positions from the queue table: a second caller hears "number 2",
 * then "number 1" once the first caller has left; each announcement breaks the hold music, which resumes
 * after it. The router's clock runs ten times fast, so 10 s between announcements take one real second.
 */
import t from 'tap'
import type { Clock } from '../../lib/engine/world.js'
import { Media } from '../../lib/esl/media.js'
import { listQueue } from '../../lib/store/queue.js'
import { FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'
import { dbKind, testStore } from '../helpers/db.js'
import { serveWith } from '../helpers/serve.js'
import { applyYaml, openWorld } from '../helpers/store.js'

const SPEED = 10
const fast: Clock = {
  now: (() => {
    const start = Date.now()
    return () => start + (Date.now() - start) * SPEED
  })(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const timer = setTimeout(resolve, ms / SPEED)
      signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true })
    }),
}

const DOCS = `
name: line
steps:
  A:
    - assign: { team: desk }
---
kind: team
name: desk
announcePositionSeconds: 10
positionMessage: "You are number {{position}}."
---
kind: agent
name: bob
dial: user/1001@pbx
teams: [desk]
status: away
`

/** The rendered prompt's file names carry their text, so the test can read what the caller heard. */
const said = (arg: string | undefined) =>
  arg?.startsWith('/var/tts/') ? Buffer.from(arg.slice(9, -4), 'hex').toString() : undefined

t.test(`a queued caller hears its place from the queue table (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(store, DOCS)
  const world = await openWorld(t, store, { clock: fast })
  const s = await serveWith({
    world,
    resolve: (facts) => world.resolve(facts),
    call: {
      media: new Media({
        kind: 'render',
        renderer: { render: async (text) => `/var/tts/${Buffer.from(text).toString('hex')}.wav` },
      }),
      region: 'KR',
      holdMusic: 'local_stream://moh',
      recordingsDir: '/tmp/ivr-router-test-recordings',
      minRecordingSeconds: 2,
    },
  })
  t.teardown(s.close)
  const fs = new FakeFreeSwitch({ seed: 21 })
  const entered = new Set<string>()
  const entries: (() => void)[] = []
  world.distributor.on('waiting', (callId) => {
    entered.add(callId)
    for (const f of entries.splice(0)) f()
  })
  const queued = async (n: number) => {
    while (entered.size < n) await new Promise<void>((resolve) => entries.push(resolve))
  }

  const first = fs.call({ port: s.port, script: {} })
  await queued(1)
  // The second caller hangs up in its third spell of hold music: after three announcements.
  const second = fs.call({ port: s.port, script: { hangup: { duringApp: 7, afterMs: 10 } } })
  await queued(2)
  t.match(await listQueue(store.db), [{ position: 1 }, { position: 2 }])
  first.hangup('NORMAL_CLEARING')
  const firstResult = await first.result
  t.equal(said(firstResult.apps[1]?.arg), 'You are number 1.', 'the first caller heard number 1')

  const result = await second.result
  t.same(
    result.apps.map((a) => a.name),
    ['answer', 'playback', 'playback', 'playback', 'playback', 'playback', 'playback'],
  )
  const heard = result.apps.map((a) => said(a.arg) ?? a.arg)
  t.equal(heard[1], 'You are number 2.', 'on entering: number 2')
  t.same(
    [heard[2], heard[4], heard[6]],
    ['local_stream://moh', 'local_stream://moh', 'local_stream://moh'],
    'hold music after each announcement',
  )
  t.equal(heard[5], 'You are number 1.', 'once the first caller left: number 1')
  t.ok(
    result.commands.filter((c) => c.command.startsWith('api uuid_break ')).length >= 2,
    'the hold music is broken for each later announcement',
  )
  await s.server.whenIdle()
  t.match(
    s.records.find((r) => r.id === result.uuid),
    { outcome: 'missed', inbox: { reason: 'queue_abandoned' } },
  )
})
