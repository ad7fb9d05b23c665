/**
 * A callback served over real sockets (issue 15): the runner is offered an agent, originates the agent's phone
 * through the simulator's inbound Event Socket, the answered channel connects back to the router's outbound-socket
 * server under its one-time token, the agent hears the whisper, the attempt counts, and the agent's channel
 * bridges the customer (its caller ID, the dialled number, is dial-string.ts's, tested there). A busy agent hands it to the next; a customer who does
 * not answer is tried again after the interval and the callback fails when the attempts run out; a connection
 * bearing a token nobody expects is hung up.
 */
import t, { type Test } from 'tap'
import { Media } from '../../lib/esl/media.js'
import { connectFreeSwitch } from '../../lib/esl/inbound-client.js'
import { kill, originate } from '../../lib/esl/originate.js'
import { CallbackRunner, type AttemptEnd, type HeldCallback } from '../../lib/routing/callback-runner.js'
import { MemoryCallbackBook } from '../../lib/routing/memory-callback-book.js'
import { systemClock } from '../../lib/server/system-clock.js'
import { EslAgentFirstDialer } from '../../lib/server/agent-first-dialer.js'
import { OriginatedLegs } from '../../lib/server/originated-legs.js'
import { FakeFreeSwitch, FakeInboundSwitch, type PhoneBook } from '../../lib/testing/fake-freeswitch/index.js'
import { serve } from '../helpers/serve.js'

const TEAM = `
kind: team
name: desk
strategy: sequential
---
kind: agent
name: a1
dial: user/a1@pbx
teams: [desk]
---
kind: agent
name: a2
dial: user/a2@pbx
teams: [desk]
`
const CUSTOMER = 'sofia/gateway/carrier/+821012345678'

/** The store's rules in memory (lib/routing/memory-callback-book.ts; the store's own: tests/store/callbacks.test.ts). */
class Book extends MemoryCallbackBook {
  readonly #retrySeconds: number
  constructor(retryMs: number) {
    super(systemClock)
    this.#retrySeconds = retryMs / 1000
  }
  callback(id: string, max: number): HeldCallback {
    const cb: HeldCallback = {
      id,
      forWhom: { team: 'desk' },
      priority: 0,
      number: '+821012345678',
      dialed: '+8215880000',
      fields: { order: '1042' },
      requestedAt: Date.now() - 720_000,
      nextAttemptAt: null,
    }
    this.add(cb, max, this.#retrySeconds)
    return cb
  }
  ends(id: string): AttemptEnd[] {
    return this.get(id)!.log
  }
}

const AGENT = { ringMs: 200, talkMs: 3_600_000 }
const ANSWERS = { ringMs: 300, talkMs: 60_000 }

async function setup(t: Test, book: PhoneBook, retryMs = 50) {
  const legs = new OriginatedLegs()
  const s = await serve(TEAM, { legs })
  t.teardown(s.close)
  // The switch whose inbound socket rings the agents' and the customer's phones (in fast virtual time) and
  // connects answered agents back to the router.
  const fs = new FakeFreeSwitch({ seed: 5, idleSpeed: 1000, phones: book })
  const sw = new FakeInboundSwitch({ switch: fs })
  const { port } = await sw.listen()
  const connection = await connectFreeSwitch({ host: '127.0.0.1', port, password: 'ClueCon', timeoutMs: 5000 })
  t.teardown(async () => {
    connection.close()
    await sw.close()
  })
  const whispers: string[] = []
  const dialer = new EslAgentFirstDialer({
    originate: (req) => originate(connection, req),
    kill: async (uuid) => void (await kill(connection, uuid)),
    legs,
    socket: { host: '127.0.0.1', port: s.port },
    call: {
      media: new Media({
        kind: 'render',
        renderer: {
          render: async (text) => {
            whispers.push(text)
            return `/var/tts/${Buffer.from(text).length}.wav`
          },
        },
      }),
      region: 'KR',
      holdMusic: 'local_stream://moh',
      recordingsDir: '/tmp/ivr-router-test-recordings',
      minRecordingSeconds: 2,
    },
    customerDial: (n) => `sofia/gateway/carrier/${n}`,
    customerRingSeconds: 30,
    whisper: (cb) => ({ say: `콜백 ${cb.number} 주문 ${cb.fields['order']}` }),
  })
  const callbacks = new Book(retryMs)
  const failed: string[] = []
  const runner = new CallbackRunner(s.world.distributor, {
    clock: s.world.clock,
    book: callbacks,
    dialer,
    syncMs: 3_600_000,
    onFailed: (cb) => failed.push(cb.id),
  })
  t.teardown(() => runner.close())
  return { s, fs, legs, callbacks, runner, failed, whispers }
}

/** Resolves when the runner serves nothing any more. */

t.test('served: agent first, whisper, then the customer bridged from the agent’s channel', async (t) => {
  const { fs, callbacks, runner, whispers, failed } = await setup(t, {
    'user/a1@pbx': AGENT,
    'user/a2@pbx': AGENT,
    [CUSTOMER]: ANSWERS,
  })
  runner.serve(callbacks.callback('cb-1', 3))
  await runner.idle()
  t.match(callbacks.ends('cb-1'), [{ outcome: 'served', agent: 'a1', talkSeconds: Number }])
  t.equal(callbacks.ends('cb-1').length, 1)
  t.match(callbacks.get('cb-1'), { status: 'served', attempts: 1 })
  t.same(whispers, ['콜백 +821012345678 주문 1042'], 'the agent heard who and why')
  const legs = fs.phones.legs.map((l) => l.target)
  t.same(legs, ['user/a1@pbx', CUSTOMER], 'the agent rang first, then the customer')
  t.same(failed, [])
})

t.test('a busy agent is given back and the next rung; the attempt counts once', async (t) => {
  const { fs, callbacks, runner } = await setup(t, {
    'user/a1@pbx': { outcome: 'busy' },
    'user/a2@pbx': AGENT,
    [CUSTOMER]: ANSWERS,
  })
  runner.serve(callbacks.callback('cb-2', 3))
  await runner.idle()
  t.same(
    fs.phones.legs.map((l) => l.target),
    ['user/a1@pbx', 'user/a2@pbx', CUSTOMER],
  )
  t.equal(fs.phones.legs[0]!.cause, 'USER_BUSY')
  t.match(callbacks.ends('cb-2'), [
    { outcome: 'unserved', agents: ['a1'], cause: 'USER_BUSY' },
    { outcome: 'served', agent: 'a2' },
  ])
  t.equal(callbacks.ends('cb-2').length, 2)
  t.match(callbacks.get('cb-2'), { status: 'served', attempts: 1 })
})

t.test('a customer who does not answer: again after the interval, then the callback fails', async (t) => {
  const { fs, callbacks, runner, failed } = await setup(t, {
    'user/a1@pbx': AGENT,
    'user/a2@pbx': AGENT,
    [CUSTOMER]: { outcome: 'no-answer' },
  })
  runner.serve(callbacks.callback('cb-3', 2))
  await runner.idle()
  t.same(
    callbacks.ends('cb-3').map((e) => e.outcome),
    ['unreached', 'unreached'],
  )
  t.match(callbacks.ends('cb-3')[0], { cause: 'NO_ANSWER' })
  t.match(callbacks.get('cb-3'), { status: 'failed', attempts: 2 })
  t.same(failed, ['cb-3'])
  t.equal(fs.phones.legs.filter((l) => l.target === CUSTOMER).length, 2, 'the customer was called twice, no more')
  t.equal(fs.phones.doubleBooked.length, 0)
})

t.test('a connection with a token nobody expects is hung up', async (t) => {
  const { s, legs } = await setup(t, {})
  const call = s.fs.call({
    port: s.port,
    channel: { destination: '07012345678', variables: { ivr_attempt: 'forged' } },
    script: {},
  })
  const result = await call.result
  t.equal(legs.expected, 0)
  t.same(
    result.apps.map((a) => a.name),
    [],
    'no application ran on it',
  )
  t.equal(s.records.length, 0, 'no workflow, no record')
})
