/**
 * Callbacks on the database, served over real sockets (issue 15): two routers (worlds, ESL servers and callback
 * servings on one database), FreeSWITCH's simulator ringing the agents' and the customer's phones. A callback
 * held by one router is served by it once, whichever router syncs; a router that stops holding one (killed:
 * it beats no more) leaves it to the other, which adopts it and calls the customer once; the store ends
 * `served` with the agent. Outside its team's callback schedule a callback keeps its place and rings nobody.
 */
import t, { type Test } from 'tap'
import { sql } from 'drizzle-orm'
import { pino } from 'pino'
import { Media } from '../../lib/esl/media.js'
import { startCallbackServing } from '../../lib/server/callback-serving.js'
import { OriginatedLegs } from '../../lib/server/originated-legs.js'
import { cancelCallback, getCallback, requestCallback } from '../../lib/store/callbacks.js'
import { rows, type Store } from '../../lib/store/db.js'
import { FakeFreeSwitch, FakeInboundSwitch } from '../../lib/testing/fake-freeswitch/index.js'
import { dbKind, testStore } from '../helpers/db.js'
import { serveWith } from '../helpers/serve.js'
import { applyYaml, openWorld } from '../helpers/store.js'

const TODAY = new Date().toISOString().slice(0, 10)
const DOCS = `
kind: schedule
name: closed-today
timezone: UTC
weekly: { mon-sun: ["00:00-24:00"] }
holidays: ["${TODAY}"]
---
kind: team
name: nights
callback: { schedule: closed-today }
---
kind: team
name: desk
strategy: sequential
---
kind: agent
name: d1
dial: user/d1@pbx
teams: [desk, nights]
`
const CUSTOMER = 'sofia/gateway/carrier/+821012345678'
const CALL = {
  media: new Media({
    kind: 'render',
    renderer: { render: async (text) => `/var/tts/${Buffer.from(text).length}.wav` },
  }),
  region: 'KR',
  holdMusic: 'local_stream://moh',
  recordingsDir: '/tmp/ivr-router-test-recordings',
  minRecordingSeconds: 2,
}

async function router(t: Test, store: Store, inboundPort: number, id: string) {
  const world = await openWorld(t, store, { routerId: id, sweepMs: 3_600_000 })
  const legs = new OriginatedLegs()
  const s = await serveWith({ world, resolve: async () => undefined, legs })
  t.teardown(s.close)
  const serving = await startCallbackServing({
    world,
    db: store.db,
    legs,
    freeswitch: { host: '127.0.0.1', port: inboundPort, password: 'ClueCon', timeoutMs: 5000 },
    socket: { host: '127.0.0.1', port: s.port },
    customerDial: 'sofia/gateway/carrier/%s',
    customerRingSeconds: 30,
    call: CALL,
    log: pino({ level: 'silent' }),
    // Only when the test says.
    syncMs: 3_600_000,
    goneSeconds: 60,
  })
  t.teardown(() => serving.close())
  return { world, runner: serving.runner }
}

t.test(`callbacks served by two routers on one database (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(store, DOCS)
  const fs = new FakeFreeSwitch({
    seed: 3,
    idleSpeed: 1000,
    phones: { 'user/d1@pbx': { ringMs: 200, talkMs: 3_600_000 }, [CUSTOMER]: { ringMs: 300, talkMs: 60_000 } },
  })
  const sw = new FakeInboundSwitch({ switch: fs })
  const { port } = await sw.listen()
  t.teardown(() => sw.close())
  const a = await router(t, store, port, 'router-a')
  const b = await router(t, store, port, 'router-b')
  const request = (id: string, routerId: string) =>
    requestCallback(store.db, {
      id,
      callId: `call-${id}`,
      router: routerId,
      forWhom: { team: 'desk' },
      priority: 0,
      number: '+821012345678',
      caller: '+821012345678',
      dialed: '+8215880000',
      fields: {},
      maxAttempts: 3,
      retrySeconds: 60,
    })

  t.test('held by one router: served once, whichever router looks', async (t) => {
    await request('cb-a1', 'router-a')
    await Promise.all([a.runner.sync(), b.runner.sync()])
    t.same(b.runner.serving(), [], 'router b leaves it to its holder')
    await Promise.all([a.runner.idle(), b.runner.idle()])
    t.match(await getCallback(store.db, 'cb-a1'), { status: 'served', attempts: 1, agentServed: 'd1', router: null })
    t.same(
      fs.phones.legs.map((l) => l.target),
      ['user/d1@pbx', CUSTOMER],
      'one agent leg, one customer leg',
    )
    const [place] = await rows<{ n: number }>(
      store.db,
      sql`select count(*)::int as n from queue_entries where call_id = 'cb-a1'`,
    )
    t.equal(place!.n, 0, 'its place is gone')
  })

  t.test('outside its schedule a callback keeps its place and rings nobody', async (t) => {
    const before = fs.phones.legs.length
    await requestCallback(store.db, {
      id: 'cb-n1',
      callId: 'call-n1',
      router: 'router-a',
      forWhom: { team: 'nights' },
      priority: 0,
      number: '+821012345678',
      caller: '+821012345678',
      dialed: '+8215880000',
      fields: {},
      maxAttempts: 3,
      retrySeconds: 60,
    })
    await a.runner.sync()
    t.same(a.runner.serving(), ['cb-n1'], 'its router holds it, waiting for the schedule to open')
    t.equal(fs.phones.legs.length, before, 'no agent rung')
    t.match(await getCallback(store.db, 'cb-n1'), { status: 'waiting', attempts: 0 })
    const [place] = await rows<{ waiting: boolean }>(
      store.db,
      sql`select waiting from queue_entries where call_id = 'cb-n1'`,
    )
    t.same(place, { waiting: false }, 'its place is kept, offered nobody')
    await cancelCallback(store.db, 'cb-n1', 'cli:test')
    await a.runner.sync()
    await a.runner.idle()
    t.same(a.runner.serving(), [], 'cancelled: its router lets it go')
  })

  t.test('a router killed: the other adopts its callback and calls the customer once', async (t) => {
    // The last test's agent hangs up when the router ends its channel: the phone is free again only then.
    await new Promise<void>((resolve) => {
      const free = () => fs.phones.legs.every((l) => l.endedAt !== undefined) && resolve()
      fs.phones.on('end', free)
      free()
    })
    const before = fs.phones.legs.length
    await request('cb-k1', 'router-gone')
    await store.db.execute(
      sql`insert into routers (id, seen_until) values ('router-gone', now() - interval '10 minutes')`,
    )
    await Promise.all([a.runner.sync(), b.runner.sync()])
    t.equal(a.runner.serving().length + b.runner.serving().length, 1, 'one router took it')
    await Promise.all([a.runner.idle(), b.runner.idle()])
    const done = await getCallback(store.db, 'cb-k1')
    t.match(done, { status: 'served', attempts: 1 })
    t.same(
      fs.phones.legs.slice(before).map((l) => l.target),
      ['user/d1@pbx', CUSTOMER],
      'the customer called once',
    )
    t.equal(fs.phones.doubleBooked.length, 0)
  })
})
