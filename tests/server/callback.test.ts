/**
 * Callbacks over real sockets, on the store: a queued caller presses 1 in the queued workflow, confirms its number,
 * hears the message and the call ends with outcome `callback`; the callback holds the caller's place in line, ahead
 * of a caller who came later, after the caller's own seat is gone. A team whose callbacks are full sends the
 * caller to `otherwise`. With the router serving callbacks, the callback is served (agent first, then the customer)
 * before the live caller who came later. The router's clock runs ten times fast (the queued workflow's wait).
 */
import { once } from 'node:events'
import { sql } from 'drizzle-orm'
import t, { type Test } from 'tap'
import type { CallRecord } from '../../lib/engine/record.js'
import type { Clock } from '../../lib/engine/world.js'
import { pino } from 'pino'
import { Media } from '../../lib/esl/media.js'
import { startCallbackServing } from '../../lib/server/callback-serving.js'
import { OriginatedLegs } from '../../lib/server/originated-legs.js'
import { setAgentStatus } from '../../lib/store/agents.js'
import { rows, type Store } from '../../lib/store/db.js'
import { getCallback, listCallbacks, requestCallback } from '../../lib/store/callbacks.js'
import { listQueue } from '../../lib/store/queue.js'
import type { StoreWorld, TakenCallback } from '../../lib/store/world.js'
import { FakeFreeSwitch, FakeInboundSwitch } from '../../lib/testing/fake-freeswitch/index.js'
import { DEFAULT_CALLBACK_MESSAGE } from '../../lib/workflow/schema.js'
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
      const onAbort = () => (clearTimeout(timer), reject(signal!.reason))
      const timer = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms / SPEED)
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
}

const ASKS = '01011112222'
const STAYS = '01033334444'

/** Every caller waits for desk (its agent is away); after 5 s the queued workflow offers a callback to ASKS only. */
const docs = (team = '') => `
name: line
steps:
  A:
    - assign: { team: desk }
---
name: busy
trigger: queued
team: desk
waitSeconds: 5
steps:
  Q:
    - branch:
        - if: { caller: { equals: "${STAYS}" } }
          goto: STAY
    - menu: { prompt: { say: "콜백을 원하시면 1번을 눌러주세요." }, options: { "1": CB } }
  CB:
    - callback: { otherwise: SORRY }
  SORRY:
    - hangup: { message: { say: "죄송합니다." } }
  STAY:
    - message: { say: "잠시만 기다려 주세요." }
---
kind: team
name: desk
${team}
---
kind: agent
name: bob
dial: user/1001@pbx
teams: [desk]
status: away
`

/** The rendered prompt's file names carry their text, so the test can read what the caller heard (or was asked). */
const said = (arg: string | undefined) => {
  const file = /\/var\/tts\/([0-9a-f]+)\.wav/.exec(arg ?? '')
  return file ? Buffer.from(file[1]!, 'hex').toString() : undefined
}

async function setUp(t: Test, store: Store) {
  const world = await openWorld(t, store, { clock: fast })
  const recorded = new Map<string, (r: CallRecord) => void>()
  const records = new Map<string, CallRecord>()
  const s = await serveWith({
    world,
    resolve: (facts) => world.resolve(facts),
    onCall: (r) => {
      records.set(r.id, r)
      recorded.get(r.id)?.(r)
    },
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
  const record = (id: string) => records.get(id) ?? new Promise<CallRecord>((resolve) => recorded.set(id, resolve))
  return { world, s, record }
}

/** Resolves once `n` callers of the world have started waiting in line. */
function waitingCount(world: StoreWorld) {
  const entered = new Set<string>()
  const wakes: (() => void)[] = []
  world.distributor.on('waiting', (callId) => {
    entered.add(callId)
    for (const f of wakes.splice(0)) f()
  })
  return async (n: number) => {
    while (entered.size < n) await new Promise<void>((resolve) => wakes.push(resolve))
  }
}

t.test(`a queued caller's callback keeps its place in line (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(store, docs())
  const { world, s, record } = await setUp(t, store)
  const queued = waitingCount(world)
  const fs = new FakeFreeSwitch({ seed: 15 })
  const taken = once(world, 'callback') as Promise<[TakenCallback]>

  // The menu's 1, then 1 for "this number is right".
  const asks = fs.call({ port: s.port, channel: { callerNumber: ASKS }, script: { keys: ['1', '1'] } })
  await queued(1)
  const stays = fs.call({ port: s.port, channel: { callerNumber: STAYS }, script: {} })
  await queued(2)
  const [callback] = await taken
  t.match(callback, { number: '+821011112222', caller: '+821011112222', forWhom: { team: 'desk' }, attempts: 3 })
  t.match(callback.id, /^cb-[0-9a-f-]{36}$/)

  const result = await asks.result
  const heard = result.apps.map((a) => said(a.arg)).filter(Boolean)
  t.match(heard.at(-2), /1 1 1 1, 2 2 2 2.*1번/, 'the number was read back digit by digit')
  t.equal(heard.at(-1), DEFAULT_CALLBACK_MESSAGE, 'the caller heard the message last')
  t.equal(result.apps.at(-1)?.name, 'playback')
  const done = await record(result.uuid)
  t.match(done, { outcome: 'callback', inbox: null, team: 'desk' })

  // The record is written after the caller's seat left the line: the callback's place outlived it.
  const [row] = await rows<{ outcome: string; inbox: number }>(
    store.db,
    sql`select outcome, (select count(*)::int from inbox i where i.call_id = c.id) as inbox from calls c
        where c.id = ${result.uuid}`,
  )
  t.same(row, { outcome: 'callback', inbox: 0 }, 'stored with outcome callback and no inbox row')
  const line = await listQueue(store.db)
  t.match(line, [
    { callId: callback.id, kind: 'callback', state: 'callback', position: 1, caller: '+821011112222' },
    { caller: '+821033334444', position: 2 },
  ])
  t.equal(line.length, 2, "the caller's own entry is gone")
  const stored = await getCallback(store.db, callback.id)
  t.match(stored, { callId: result.uuid, status: 'waiting', team: 'desk', number: '+821011112222' })
  t.ok(stored!.requestedAt.getTime() < line[1]!.enqueuedAt.getTime(), 'it kept the arrival of the caller')

  stays.hangup('NORMAL_CLEARING')
  await stays.result
})

t.test(`a team whose callbacks are full sends the caller to otherwise (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(store, docs('callback: { maxWaiting: 1 }'))
  const { s, record } = await setUp(t, store)
  const earlier = await requestCallback(store.db, {
    id: 'cb-earlier',
    callId: 'earlier-call',
    router: 'elsewhere',
    forWhom: { team: 'desk' },
    priority: 0,
    number: '+821099998888',
    caller: '+821099998888',
    dialed: '+827012345678',
    fields: {},
    maxAttempts: 3,
    retrySeconds: 300,
  })
  t.ok(earlier.ok)
  const fs = new FakeFreeSwitch({ seed: 16 })
  const call = fs.call({ port: s.port, channel: { callerNumber: ASKS }, script: { keys: ['1', '1'] } })
  const result = await call.result
  const done = await record(result.uuid)
  t.match(done, { outcome: 'hangup', inbox: null })
  t.same(done.steps.slice(-2), ['CB', 'SORRY'])
  t.match(
    done.events.find((e) => e.type === 'callback'),
    { result: 'full', number: '+821011112222', goto: 'SORRY' },
  )
  t.equal(said(result.apps.at(-1)?.arg), '죄송합니다.')
  t.same(
    (await listCallbacks(store.db)).map((c) => c.id),
    ['cb-earlier'],
    'no callback taken',
  )
})

t.test(`the callback is served before the live caller who came later (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(store, docs())
  const customer = 'sofia/gateway/carrier/+821011112222'
  // One switch for the callers, the agent's phone and the customer's, with its inbound socket for the originate.
  const fs = new FakeFreeSwitch({
    seed: 17,
    phones: { 'user/1001@pbx': { ringMs: 200, talkMs: 2000 }, [customer]: { ringMs: 300, talkMs: 1000 } },
  })
  const inbound = new FakeInboundSwitch({ switch: fs })
  const { port } = await inbound.listen()
  t.teardown(() => inbound.close())
  const world = await openWorld(t, store, { clock: fast, holdsCallbacks: true })
  const legs = new OriginatedLegs()
  const media = new Media({
    kind: 'render',
    renderer: { render: async (text) => `/var/tts/${Buffer.from(text).toString('hex')}.wav` },
  })
  const call = {
    media,
    region: 'KR',
    holdMusic: 'local_stream://moh',
    recordingsDir: '/tmp/ivr-router-test-recordings',
    minRecordingSeconds: 2,
  }
  const s = await serveWith({ world, resolve: (facts) => world.resolve(facts), legs, call })
  t.teardown(s.close)
  const serving = await startCallbackServing({
    world,
    db: store.db,
    legs,
    freeswitch: { host: '127.0.0.1', port, password: 'ClueCon', timeoutMs: 5000 },
    socket: { host: '127.0.0.1', port: s.port },
    customerDial: 'sofia/gateway/carrier/%s',
    customerRingSeconds: 30,
    call,
    log: pino({ level: 'silent' }),
  })
  t.teardown(() => serving.close())
  const queued = waitingCount(world)
  const taken = once(world, 'callback') as Promise<[TakenCallback]>

  const asks = fs.call({ port: s.port, channel: { callerNumber: ASKS }, script: { keys: ['1', '1'] } })
  await queued(1)
  const stays = fs.call({ port: s.port, channel: { callerNumber: STAYS }, script: {} })
  await queued(2)
  const [callback] = await taken
  await asks.result
  // bob comes back: the head of desk's line is the callback, with the place its caller had.
  const connected = new Promise<void>((resolve) =>
    fs.phones.on('answer', (leg) => leg.target === customer && resolve()),
  )
  await setAgentStatus(store, 'bob', 'available')
  await connected
  const live = await stays.result
  t.same(
    fs.phones.legs.map((l) => l.target),
    ['user/1001@pbx', customer, 'user/1001@pbx'],
    'bob rang for the callback first, then the customer; the live caller after them',
  )
  t.match(live.apps.filter((a) => a.name === 'bridge').length, 1, 'the live caller was connected to bob then')
  await serving.runner.idle()
  t.match(await getCallback(store.db, callback.id), { status: 'served', attempts: 1, agentServed: 'bob' })
  t.equal(fs.phones.doubleBooked.length, 0)
})
