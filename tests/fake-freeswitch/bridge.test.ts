/** bridge: outcomes per leg, continue_on_fail, hangup_after_bridge, the caller hanging up while ringing or talking. */
import t from 'tap'
import type { CallScript } from '../../lib/testing/fake-freeswitch/index.js'
import type { EventData } from './frames.js'
import { exec, router, start, variable, withCall } from './helpers.js'
import type { Connection } from './router.js'

t.teardown(() => router.close())

const names = (events: EventData[]) =>
  events.map((e) => `${e['Event-Name']}${e['Application'] ? ` ${e['Application']}` : ''}`)
const complete = (events: EventData[]) => events.find((e) => e['Event-Name'] === 'CHANNEL_EXECUTE_COMPLETE')

async function bridgeCall(script: CallScript, vars: string[], dial: string, more?: (c: Connection) => Promise<void>) {
  let events: EventData[] = []
  const { result } = await withCall({ script }, async (c) => {
    await start(c)
    for (const v of vars) await exec(c, 'set', v)
    events = await exec(c, 'bridge', dial)
    await more?.(c)
  })
  return { events, result }
}

t.test(
  'an unregistered user fails at once with USER_NOT_REGISTERED and no leg; continue_on_fail keeps the caller',
  async (t) => {
    const { events, result } = await bridgeCall(
      { bridges: ['unavailable'] },
      ['continue_on_fail=true'],
      'user/1001@pbx',
    )
    t.same(names(events), ['CHANNEL_EXECUTE bridge', 'CHANNEL_EXECUTE_COMPLETE bridge'])
    const done = complete(events)
    t.equal(variable(done, 'originate_disposition'), 'USER_NOT_REGISTERED')
    t.equal(variable(done, 'DIALSTATUS'), 'USER_NOT_REGISTERED')
    t.equal(variable(done, 'originate_failed_cause'), 'USER_NOT_REGISTERED')
    t.equal(variable(done, 'originated_legs'), undefined)
    t.equal(result.hangupBy, 'dialplan', 'the caller stayed until the router let go')
  },
)

t.test('without continue_on_fail: busy hangs the caller up, no answer does not', async (t) => {
  const busy = await bridgeCall({ bridges: ['busy'] }, [], 'user/1001@pbx')
  t.same(names(busy.events), ['CHANNEL_EXECUTE bridge', 'CHANNEL_HANGUP', 'CHANNEL_EXECUTE_COMPLETE bridge'])
  t.equal(busy.result.hangupCause, 'USER_BUSY')
  t.equal(variable(complete(busy.events), 'DIALSTATUS'), 'BUSY')
  const noAnswer = await bridgeCall({ bridges: ['no-answer'] }, [], '{originate_timeout=5}user/1001@pbx')
  t.equal(variable(complete(noAnswer.events), 'originate_disposition'), 'NO_ANSWER')
  t.equal(variable(complete(noAnswer.events), 'DIALSTATUS'), 'NOANSWER')
  t.equal(noAnswer.result.hangupBy, 'dialplan')
  const bridge = noAnswer.result.apps.find((a) => a.name === 'bridge')!
  t.equal(bridge.endedAt! - bridge.startedAt, 5000, 'rang for originate_timeout, in virtual time')
})

t.test('simultaneous legs: the first to answer wins, the others lose the race', async (t) => {
  const script: CallScript = { bridges: [{ legs: ['no-answer', 'answer'], ringMs: 4000, talkMs: 60000 }] }
  const { events, result } = await bridgeCall(script, ['continue_on_fail=true'], 'user/1001@pbx,user/1002@pbx')
  t.same(names(events), [
    'CHANNEL_EXECUTE bridge',
    'CHANNEL_BRIDGE',
    'CHANNEL_UNBRIDGE',
    'CHANNEL_EXECUTE_COMPLETE bridge',
  ])
  const bridged = events[1]!
  t.equal(bridged['Other-Leg-Destination-Number'], '1002')
  t.equal(bridged['Other-Leg-Channel-Name'], 'sofia/internal/1002@pbx')
  t.equal(variable(bridged, 'originate_disposition'), 'SUCCESS')
  t.equal(variable(bridged, 'last_bridge_hangup_cause'), 'LOSE_RACE')
  t.equal(variable(bridged, 'originated_legs')?.length, 2)
  t.equal(variable(complete(events), 'bridge_hangup_cause'), 'NORMAL_CLEARING')
  const bridge = result.apps.find((a) => a.name === 'bridge')!
  t.equal(bridge.endedAt! - bridge.startedAt, 64000, 'rang 4 s, talked 60 s')
})

t.test('sequential legs and leg_timeout', async (t) => {
  const { events } = await bridgeCall(
    { bridges: [['no-answer', 'answer']] },
    ['continue_on_fail=true'],
    '[leg_timeout=3]user/1001@pbx|user/1002@pbx',
  )
  const bridged = events.find((e) => e['Event-Name'] === 'CHANNEL_BRIDGE')
  t.equal(variable(bridged, 'last_bridge_hangup_cause'), 'ALLOTTED_TIMEOUT', 'the first leg timed out')
  t.same(variable(bridged, 'originate_causes'), [
    `${(variable(bridged, 'originated_legs') as string[])[0]!.split(';')[0]};ALLOTTED_TIMEOUT`,
    `${variable(bridged, 'signal_bond')};NONE`,
  ])
})

t.test('origination_uuid in a leg names its channel (switch_core_session_outgoing_channel)', async (t) => {
  const a = '11111111-1111-4111-8111-111111111111'
  const b = '22222222-2222-4222-8222-222222222222'
  const { events } = await bridgeCall(
    { bridges: [['busy', 'answer']] },
    ['continue_on_fail=true'],
    `[origination_uuid=${a}]user/1001@pbx,[origination_uuid=${b}]user/1002@pbx`,
  )
  const bridged = events.find((e) => e['Event-Name'] === 'CHANNEL_BRIDGE')
  t.equal(bridged?.['Other-Leg-Unique-ID'], b)
  t.same(variable(bridged, 'originate_causes'), [`${a};USER_BUSY`, `${b};NONE`])
})

t.test('hangup_after_bridge=true: the agent hanging up ends the call before the bridge completes', async (t) => {
  const { events, result } = await bridgeCall({ bridges: ['answer'] }, ['hangup_after_bridge=true'], 'user/1001@pbx')
  t.same(names(events).slice(1), [
    'CHANNEL_BRIDGE',
    'CHANNEL_UNBRIDGE',
    'CHANNEL_HANGUP',
    'CHANNEL_EXECUTE_COMPLETE bridge',
  ])
  t.equal(result.hangupBy, 'application')
})

t.test('the caller hangs up while talking', async (t) => {
  const script: CallScript = { bridges: [{ legs: 'answer', talkMs: 10000, endedBy: 'caller' }] }
  const { events, result } = await bridgeCall(script, [], 'user/1001@pbx')
  t.same(names(events).slice(1), [
    'CHANNEL_BRIDGE',
    'CHANNEL_HANGUP',
    'CHANNEL_UNBRIDGE',
    'CHANNEL_EXECUTE_COMPLETE bridge',
  ])
  t.equal(result.hangupBy, 'caller')
})

t.test('the caller hangs up while it rings: ORIGINATOR_CANCEL', async (t) => {
  const script: CallScript = { bridges: ['no-answer'], hangup: { duringAppNamed: 'bridge', afterMs: 2500 } }
  const { events, result } = await bridgeCall(script, ['continue_on_fail=true'], 'user/1001@pbx')
  t.same(names(events), ['CHANNEL_EXECUTE bridge', 'CHANNEL_HANGUP', 'CHANNEL_EXECUTE_COMPLETE bridge'])
  t.equal(events[1]?.['Channel-Call-State'], 'RING_WAIT')
  t.equal(variable(complete(events), 'originate_disposition'), 'ORIGINATOR_CANCEL')
  t.equal(variable(complete(events), 'DIALSTATUS'), 'CANCEL')
  t.equal(result.hangupBy, 'caller')
})

t.test('a later bridge resets disposition and DIALSTATUS but keeps stale failure causes', async (t) => {
  await bridgeCall({ bridges: ['busy', 'answer'] }, ['continue_on_fail=true'], 'user/1001@pbx', async (c) => {
    const events = await exec(c, 'bridge', 'user/1002@pbx')
    const done = complete(events)
    t.equal(variable(done, 'DIALSTATUS'), 'SUCCESS')
    t.equal(variable(done, 'originate_failed_cause'), 'USER_BUSY', 'stale from the first bridge')
    t.equal((variable(done, 'originated_legs') as string[]).length, 2, 'originated_legs accumulates')
  })
})

t.test(
  'uuid_getvar reads the variables of a leg the bridge created (the router asks which agent answered)',
  async (t) => {
    const script: CallScript = { bridges: [{ legs: ['no-answer', 'answer'], ringMs: 1000, talkMs: 1000 }] }
    const read: (string | undefined)[] = []
    await withCall({ script }, async (c) => {
      await start(c)
      await exec(c, 'set', 'continue_on_fail=true')
      const events = await exec(c, 'bridge', '{team=desk}[ivr_agent=a1]user/1001@pbx,[ivr_agent=a2]user/1002@pbx')
      const leg = events.find((e) => e['Event-Name'] === 'CHANNEL_BRIDGE')!['Other-Leg-Unique-ID']
      for (const command of [
        `api uuid_getvar ${leg} ivr_agent`,
        `api uuid_getvar ${leg} team`,
        `api uuid_getvar ${leg} nothing`,
        'api uuid_getvar 00000000-0000-4000-8000-000000000000 ivr_agent',
      ])
        read.push((await c.command(command))[0]!.body)
    })
    t.same(read, ['a2', 'desk', '_undef_', '-ERR No such channel!\n'])
  },
)
