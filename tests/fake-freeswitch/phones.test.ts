/**
 * Agents' phones shared by a switch's calls, the `|` chain capped by originate_timeout, busy legs ending at once,
 * and a key ending a playback unless `playback_terminators` says otherwise (traces bridge_chain_timeout,
 * bridge_busy_then_answer_rr, moh_star).
 */
import t from 'tap'
import { once } from 'node:events'
import { FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'
import { eventOf, isEvent, type EventData } from './frames.js'
import { exec, router, sendmsg, start, variable, withCall } from './helpers.js'

t.teardown(() => router.close())

const named = (events: EventData[], name: string) => events.find((e) => e['Event-Name'] === name)
const complete = (events: EventData[]) => named(events, 'CHANNEL_EXECUTE_COMPLETE')

t.test('a chain whose originate_timeout runs out during its first leg never rings the second', async (t) => {
  let events: EventData[] = []
  const { result } = await withCall({ script: { bridges: [['no-answer', 'answer']] } }, async (c) => {
    await start(c)
    await exec(c, 'set', 'continue_on_fail=true')
    events = await exec(c, 'bridge', '{originate_timeout=5}[leg_timeout=5]user/1001@pbx|[leg_timeout=5]user/1002@pbx')
  })
  const done = complete(events)
  t.notOk(named(events, 'CHANNEL_BRIDGE'), 'nobody was bridged')
  t.equal(variable(done, 'originate_disposition'), 'NO_ANSWER')
  t.equal(variable(done, 'DIALSTATUS'), 'NOANSWER')
  t.equal(variable(done, 'last_bridge_hangup_cause'), 'NO_ANSWER')
  t.match(variable(done, 'originate_causes'), /;NO_ANSWER$/, 'one leg, ended by the bridge’s own timeout')
  const bridge = result.apps.find((a) => a.name === 'bridge')!
  t.equal(bridge.endedAt! - bridge.startedAt, 5000)
})

t.test('with originate_timeout covering both legs, the second rings a second after the first timed out', async (t) => {
  let events: EventData[] = []
  await withCall({ script: { bridges: [{ legs: ['no-answer', 'answer'], ringMs: 0, talkMs: 1000 }] } }, async (c) => {
    await start(c)
    await exec(c, 'set', 'continue_on_fail=true')
    events = await exec(c, 'bridge', '{originate_timeout=12}[leg_timeout=5]user/1001@pbx|[leg_timeout=5]user/1002@pbx')
  })
  const bridged = named(events, 'CHANNEL_BRIDGE')!
  t.equal(bridged['Other-Leg-Destination-Number'], '1002')
  t.equal(variable(bridged, 'last_bridge_hangup_cause'), 'ALLOTTED_TIMEOUT')
  const at = (e: EventData) => Number(e['Event-Date-Timestamp'])
  t.equal((at(bridged) - at(named(events, 'CHANNEL_EXECUTE')!)) / 1000, 6000, '5 s leg + 1 s')
})

t.test('a busy leg ends at once and the chain moves on', async (t) => {
  let events: EventData[] = []
  await withCall({ script: { bridges: [['busy', 'answer']] } }, async (c) => {
    await start(c)
    await exec(c, 'set', 'continue_on_fail=true')
    events = await exec(c, 'bridge', '[leg_timeout=5]user/1001@pbx|[leg_timeout=5]user/1002@pbx')
  })
  const bridged = named(events, 'CHANNEL_BRIDGE')!
  t.equal(variable(bridged, 'last_bridge_hangup_cause'), 'USER_BUSY')
  const at = (e: EventData) => Number(e['Event-Date-Timestamp'])
  t.ok((at(bridged) - at(named(events, 'CHANNEL_EXECUTE')!)) / 1000 < 2100, 'busy took no ringing time')
})

t.test('`*` ends hold music by default; with playback_terminators=none the music goes on', async (t) => {
  const presses = [
    { afterMs: 1500, digit: '*' },
    { afterMs: 1500, digit: '*' },
  ]
  const uuid = 'f0000000-0000-4000-8000-00000000000f'
  let first: EventData[] = []
  let second: EventData[] = []
  await withCall({ channel: { uuid }, script: { presses }, switch: { idleSpeed: 1000 } }, async (c) => {
    await start(c)
    first = await exec(c, 'playback', 'local_stream://moh')
    await exec(c, 'set', 'playback_terminators=none')
    const app = 'b0000000-0000-4000-8000-000000000002'
    c.send(sendmsg('playback', 'local_stream://moh', app))
    const seen = await c.until((f) => isEvent(f) && eventOf(f)['Event-Name'] === 'DTMF')
    await c.command(`api uuid_break ${uuid} all`)
    const rest = await c.until(
      (f) =>
        isEvent(f) && eventOf(f)['Application-UUID'] === app && eventOf(f)['Event-Name'] === 'CHANNEL_EXECUTE_COMPLETE',
    )
    second = [...seen, ...rest].filter(isEvent).map(eventOf)
  })
  t.equal(variable(complete(first), 'playback_terminator_used'), '*', 'the key ended the first playback')
  t.ok(named(first, 'DTMF'), 'the DTMF event came')
  const done = second.filter((e) => e['Event-Name'] === 'CHANNEL_EXECUTE_COMPLETE').pop()
  t.equal(variable(done, 'playback_terminator_used'), undefined, 'the second was ended by uuid_break, not the key')
  t.equal(variable(done, 'playback_terminators'), 'none')
})

t.test(
  'phones: one per agent, shared by calls; a second leg to a phone in use is busy and double-booked',
  async (t) => {
    const fs = new FakeFreeSwitch({
      seed: 3,
      idleSpeed: 1000,
      phones: { 'user/2001@pbx': { outcome: 'manual', talkMs: 60_000 } },
    })
    const ringing = once(fs.phones, 'ring')
    const first = fs.call({ port: router.port })
    const a = await router.accept()
    await start(a)
    await exec(a, 'set', 'continue_on_fail=true')
    a.send(sendmsg('bridge', '[leg_timeout=30]user/2001@pbx'))
    await ringing
    t.same(fs.phones.ringingNow(), ['user/2001@pbx'])
    const second = fs.call({ port: router.port })
    const b = await router.accept()
    await start(b)
    await exec(b, 'set', 'continue_on_fail=true')
    const busy = await exec(b, 'bridge', '[leg_timeout=30]user/2001@pbx')
    t.equal(variable(complete(busy), 'originate_disposition'), 'USER_BUSY', 'a phone without call waiting is busy')
    t.equal(fs.phones.doubleBooked.length, 1, 'the second leg is counted as a double booking')
    t.equal(fs.phones.maxRinging, 2)
    const answered = once(fs.phones, 'answer')
    t.ok(fs.phones.answer('user/2001@pbx'), 'the agent picks up')
    await answered
    b.socket.end()
    a.socket.end()
    await Promise.all([first.result, second.result])
    t.same(
      fs.phones.legs.map((l) => [l.target, l.cause, l.doubleBooked]),
      [
        ['user/2001@pbx', 'NONE', false],
        ['user/2001@pbx', 'USER_BUSY', true],
      ],
    )
  },
)
